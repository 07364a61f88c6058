#!/usr/bin/env bash
# Issue #13's benchmarks, side by side with the R tools on the same files:
#
# 1. AR(1) residuals within patient, alliance against nlme 3.1's lme() (corAR1), at 32,000 and
#    320,000 rows of the seeded session panel (sessions in patients in therapists):
#      distress ~ rupture + repair + session + (1 | therapist/patient), ar1(session | therapist/patient)
#    alliance = model setup + optimization + Satterthwaite df (median of 3); nlme = lme() inside R.
# 2. Kenward-Roger df on the SUD-sized lagged model (datasets/sud-synthetic.csv, replicate's
#    variables, drop criterion): alliance's KR computation after the fit against pbkrtest's
#    vcovAdj + Lb_ddf for every coefficient, and lmerTest's summary(ddf = "Kenward-Roger"); with
#    therapists as fixed effects (replicate's choice for 6 therapists) and as a random intercept.
# 3. A parametric bootstrap of 10,000 replicates of sleepstudy (ML), on all cores: MixedModels.jl
#    reported about 3 s on 4 threads (research notes); the target here is 5 s on 2 cores.
#
#   Benchmarks/session-models.sh            everything (nlme at 320,000 rows takes about a minute)
#   Benchmarks/session-models.sh --quick    without the 320,000-row panel
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false; [ "${1:-}" = "--quick" ] && quick=true
data=${BENCH_DATA:-/tmp/alliance-bench}
mkdir -p "$data"
swift build -c release --product AllianceBenchmarks >/dev/null
bench=.build/release/AllianceBenchmarks
have_r=false
Rscript -e 'suppressPackageStartupMessages({library(nlme); library(lme4); library(lmerTest); library(pbkrtest)})' >/dev/null 2>&1 && have_r=true
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ratio() { if [ "$2" = "-" ]; then echo "-"; else python3 -c "print(f'{$2 / $1:.0f}x')"; fi; }
median3() { sort -n | sed -n 2p; }

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | sed 's|.*/\([^/]*\)/libblas.*|\1|'); $(date -u +%Y-%m-%d); load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "AR(1) residuals: alliance against nlme's lme(correlation = corAR1(form = ~ session | therapist/patient))"
echo
echo "| rows | patients | therapists | nlme (s) | alliance (s) | ratio | -2 log L nlme | -2 log L alliance |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
sizes=("2000 100 16" "20000 1000 16")
$quick && sizes=("2000 100 16")
for size in "${sizes[@]}"; do
    set -- $size
    file="$data/panel-$1-$2-$3.csv"
    [ -f "$file" ] || $bench generate-panel "$1" "$2" "$3" 1 "$file" >/dev/null
    formula='distress ~ rupture + repair + session + (1 | therapist/patient)'
    ours=$(for i in 1 2 3; do $bench fit-residuals "$file" "$formula" 'ar1(session | therapist/patient)' | head -1; done)
    a=$(echo "$ours" | awk '{print $5 + $7 + $9}' | median3)
    oa=$(echo "$ours" | head -1 | awk '{print $13}')
    if $have_r; then
        r=$(Rscript Benchmarks/R/nlme-ar1.R "$file" 'distress ~ rupture + repair + session' '~ 1 | therapist/patient' \
            'corAR1(form = ~ session | therapist/patient)' 2>/dev/null)
        rt=$(echo "$r" | json 'd["nlme_seconds"]'); ro=$(echo "$r" | json '"%.6f" % d["objective"]')
    else rt="-"; ro="-"; fi
    printf "| %'d | %'d | %'d | %s | %.3f | %s | %s | %s |\n" $(( $1 * $3 )) "$1" "$2" "$rt" "$a" "$(ratio "$a" "$rt")" "$ro" "$oa"
done

echo
echo "Kenward-Roger df on the SUD-sized lagged model (1,913 sessions, 119 patients, 6 therapists): alliance against pbkrtest and lmerTest"
echo
sud="$data/sud-lagged.csv"
[ -f "$sud" ] || $bench lagged-variables datasets/sud-synthetic.csv "$sud" >/dev/null
echo "| therapists | pbkrtest (s) | lmerTest KR summary (s) | alliance (s) | vs pbkrtest | vs lmerTest |"
echo "|---|---:|---:|---:|---:|---:|"
for therapists in "factor(therapist)" "(1 | therapist)"; do
    formula="distress_next ~ rupture_patient + repair_patient + distress_within + session + $therapists + (1 | patient)"
    a=$(for i in 1 2 3; do $bench kenward-roger "$sud" "$formula" | head -1 | awk '{print $2}'; done | median3)
    if $have_r; then
        r=$(Rscript Benchmarks/R/kenward-roger.R "$sud" "$formula" 2>/dev/null)
        pk=$(echo "$r" | json 'd["pbkrtest_seconds"]'); lt=$(echo "$r" | json 'd["lmertest_seconds"]')
    else pk="-"; lt="-"; fi
    label=$([ "$therapists" = "factor(therapist)" ] && echo "fixed effects" || echo "random intercept")
    printf "| %s | %s | %s | %.4f | %s | %s |\n" "$label" "$pk" "$lt" "$a" "$(ratio "$a" "$pk")" "$(ratio "$a" "$lt")"
done

echo
echo "Parametric bootstrap, sleepstudy Reaction ~ Days + (Days | Subject), ML, 10,000 replicates, seed 1, $(nproc) threads"
echo
$bench bootstrap datasets/classic/sleepstudy.csv 'Reaction ~ Days + (Days | Subject)' 10000 ml
