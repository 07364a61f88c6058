#!/usr/bin/env bash
# ML-SEM (dpm's dynamic panel model): alliance against lavaan, side by side on the same data and
# the same model, with the differences in the numbers.
#
#   Benchmarks/mlsem.sh
#
# lavaan fits the model as dpm writes it (Benchmarks/R/dpm-model.R transcribes dpm's lavaan syntax;
# FIML is lavaan's missing = "ml", standard errors from the observed information, as dpm's
# Socius example). Times are measured inside each program, reading excluded: alliance = the
# fit with standard errors and fit indices (the "timing" of `alliance mlsem --format json`,
# median of 3 runs); lavaan = lavaan::sem() and fitMeasures() (the same work: estimates, SEs,
# saturated and baseline models), and sem() alone (its fit measures not computed yet), the ratio
# taken against both. Differences: chi-square and
# log-likelihood (absolute), coefficients (largest difference over the formula's terms, in
# units of the standard error), standard errors (largest relative difference).
# R is skipped (columns shown as -) when it is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product alliance >/dev/null
alliance=.build/release/alliance
have_r=false
Rscript -e 'suppressPackageStartupMessages({library(lavaan); library(jsonlite)})' >/dev/null 2>&1 && have_r=true

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); BLAS: $(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 | sed 's|.*/\([^/]*\)/libblas.*|\1|'); $(date -u +%Y-%m-%d); load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| model | patients | parameters | patterns | lavaan (s) | lavaan sem() alone (s) | alliance (s) | ratio | ratio to sem() alone | chi-square diff | logLik diff | coef. diff (SE) | SE rel. diff |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

# name | data | formula | id | time | alliance flags | lavaan options (JSON)
cases=(
  "Socius (WageData, error.inv)|datasets/classic/wages.csv|wks ~ pre(lag(union)) + lag(lwage) | ed|id|t|--error-inv|{\"error_inv\": true}"
  "WageData, four predictors|datasets/classic/wages.csv|wks ~ pre(lag(union)) + pre(lag(ms)) + lag(lwage) + lag(ind) | ed + blk|id|t||{}"
  "WageData with dropout, FIML|Tests/SEMTests/Reference/wages-dropout.csv|wks ~ pre(lag(union)) + lag(lwage) | ed|id|t||{}"
  "simulated N = 119, T = 16, dropout, FIML|Tests/SEMTests/Reference/simulated-n119-t16.csv|y ~ pre(lag(x))|patient|session||{}"
  "SUD design (sud-synthetic, sessions 1-16, FIML)|datasets/sud-synthetic.csv|distress ~ pre(lag(alliance_patient))|patient|session|--sessions 1:16|{\"sessions\": [1, 16]}"
)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for case in "${cases[@]}"; do
  # The formula itself may contain '|': it is everything between the 2nd field and the last four.
  IFS='|' read -ra parts <<< "$case"
  n=${#parts[@]}
  name=${parts[0]}; data=${parts[1]}; options=${parts[$((n-1))]}; flags=${parts[$((n-2))]}; time=${parts[$((n-3))]}; id=${parts[$((n-4))]}
  formula=$(IFS='|'; echo "${parts[*]:2:$((n-6))}")
  for i in 1 2 3; do $alliance mlsem "$data" --formula "$formula" --id "$id" --time "$time" $flags --format json > "$scratch/ours$i.json"; done
  if $have_r; then Rscript Benchmarks/R/mlsem-lavaan.R "$data" "$formula" "$id" "$time" "$options" 2>/dev/null > "$scratch/theirs.json"; else echo "{}" > "$scratch/theirs.json"; fi
  python3 - "$name" "$scratch" <<'PY'
import json, sys
name, scratch = sys.argv[1], sys.argv[2]
theirs = json.load(open(f"{scratch}/theirs.json"))
runs = [json.load(open(f"{scratch}/ours{i}.json")) for i in (1, 2, 3)]
a = runs[0]
seconds = sorted(sum(r["timing"].values()) for r in runs)[1]
def f(x, fmt): return "-" if x is None else fmt % x
if theirs:
    ratio = f"{theirs['lavaan_seconds'] / seconds:.0f}x"
    ratio_fit = f"{theirs['lavaan_fit_seconds'] / seconds:.0f}x"
    lav_fit = f"{theirs['lavaan_fit_seconds']:.2f}"
    chi = "-" if a.get("chisq") is None else f"{a['chisq'] - theirs['chisq']:+.1e}"
    ll = f"{a['loglik'] - theirs['loglik']:+.1e}"
    coef = max(abs(x["estimate"] - y["estimate"]) / y["se"] for x, y in zip(a["coefficients"], theirs["coefficients"]))
    se = max(abs(x["se"] - y["se"]) / y["se"] for x, y in zip(a["coefficients"], theirs["coefficients"]))
    lav = f"{theirs['lavaan_seconds']:.2f}"
    coef, se = f"{coef:.1e}", f"{se:.1e}"
else:
    ratio = ratio_fit = lav_fit = chi = ll = coef = se = lav = "-"
print(f"| {name} | {a['patients_used']} | {a['free_parameters']} | {a['missing_data_patterns']} | {lav} | {lav_fit} | {seconds:.3f} | {ratio} | {ratio_fit} | {chi} | {ll} | {coef} | {se} |")
if a.get("fit_indices_unavailable"):
    with open(f"{scratch}/notes", "a") as notes:
        notes.write(f"- {name}: alliance reports no chi-square ({a['fit_indices_unavailable'].split(' (')[0]}); "
                    f"lavaan reports {theirs.get('chisq', float('nan')):.2f} after warning that its EM estimate of the saturated model "
                    "did not converge and is nearly singular.\n")
PY
done
if [ -s "$scratch/notes" ]; then echo; cat "$scratch/notes"; fi
