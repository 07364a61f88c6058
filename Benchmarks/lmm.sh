#!/usr/bin/env bash
# Linear mixed models: alliance against lme4 + lmerTest, side by side on the same files.
#
#   Benchmarks/lmm.sh            all sizes (the 2,000,000-row lme4 fits take several minutes)
#   Benchmarks/lmm.sh --quick    up to 320,000 rows
#
# Data: sessions in patients in therapists from the seeded generator (seed 1). Models:
#   nested  distress ~ rupture + repair + session + (1 | therapist/patient)
#   slopes  distress ~ rupture + repair + session + (1 | therapist) + (1 + session | patient)
# and InstEval (73,421 rows, crossed (1|s) + (1|d) + (1|dept), ML).
# Times, inside each program, reading the file excluded: alliance = model setup + optimization +
# Satterthwaite df, the median of 3 runs; lme4 = lme4::lmer() alone (no df); lme4 + lmerTest =
# that plus lmerTest's Satterthwaite computations (lmerTest::lmer()). Two ratios: against lme4
# alone (alliance's time includes the df, lme4's does not) and against lme4 + lmerTest (the same
# work on both sides). The end-to-end row (read + fit + JSON) is timed separately, with peak
# memory.
# R is skipped (ratios shown as -) when it is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=false; [ "${1:-}" = "--quick" ] && quick=true
data=${BENCH_DATA:-/tmp/alliance-bench}
mkdir -p "$data"
swift build -c release --product AllianceBenchmarks >/dev/null
swift build -c release --product alliance >/dev/null
bench=.build/release/AllianceBenchmarks
have_r=false
Rscript -e 'suppressPackageStartupMessages({library(lme4); library(lmerTest)})' >/dev/null 2>&1 && have_r=true

nested='distress ~ rupture + repair + session + (1 | therapist/patient)'
slopes='distress ~ rupture + repair + session + (1 | therapist) + (1 + session | patient)'

ours() { # FILE FORMULA [ml] -> median seconds of setup + optimize + inference
    for i in 1 2 3; do
        $bench fit "$@" | head -1 | awk '{print $5 + $7 + $9}'
    done | sort -n | sed -n 2p
}
theirs() { # FILE FORMULA [ml] [factor=...] -> "lme4_seconds lmertest_seconds" inside R
    if $have_r; then
        Rscript Benchmarks/R/lmer-fit.R "$@" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.3f %.3f" % (d["lme4_seconds"], d["lmertest_seconds"]))'
    else echo "- -"; fi
}
ratio() { if [ "$2" = "-" ]; then echo "-"; else python3 -c "print(f'{$2 / $1:.0f}x')"; fi; }

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | sed 's|.*/\([^/]*\)/libblas.*|\1|'); $(date -u +%Y-%m-%d); load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| rows | patients | therapists | model | lme4 (s) | lme4 + lmerTest (s) | alliance (s) | vs lme4 | vs lme4 + lmerTest |"
echo "|---:|---:|---:|---|---:|---:|---:|---:|---:|"
sizes=("119 6 16" "2000 50 16" "20000 200 16" "100000 1000 20")
$quick && sizes=("119 6 16" "2000 50 16" "20000 200 16")
for size in "${sizes[@]}"; do
    set -- $size
    rows=$(( $1 * $3 ))
    file="$data/panel-$1-$2-$3.csv"
    [ -f "$file" ] || $bench generate-panel "$1" "$2" "$3" 1 "$file" >/dev/null
    for model in nested slopes; do
        formula=${!model}
        a=$(ours "$file" "$formula"); read -r r rt <<< "$(theirs "$file" "$formula")"
        printf "| %'d | %'d | %'d | %s | %s | %s | %.3f | %s | %s |\n" "$rows" "$1" "$2" "$model" "$r" "$rt" "$a" "$(ratio "$a" "$r")" "$(ratio "$a" "$rt")"
    done
done
insteval=datasets/classic/insteval.csv
a=$(ours $insteval 'y ~ 1 + factor(service) + (1 | s) + (1 | d) + (1 | dept)' ml)
read -r r rt <<< "$(theirs $insteval 'y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)' ml factor=service)"
printf "| 73,421 | InstEval | | crossed, ML | %s | %s | %.3f | %s | %s |\n" "$r" "$rt" "$a" "$(ratio "$a" "$r")" "$(ratio "$a" "$rt")"

if ! $quick; then
    echo
    file="$data/panel-100000-1000-20.csv"
    /usr/bin/time -f "%e %M" -o "$data/time.txt" .build/release/alliance fit "$file" --formula "$nested" --format json > /dev/null
    read -r seconds kilobytes < "$data/time.txt"
    echo "End to end, 2,000,000 rows, nested model (read CSV + fit + Satterthwaite + JSON): ${seconds} s, peak memory $(( kilobytes / 1024 )) MB"
fi
