#!/usr/bin/env bash
# Benchmark: alliance dsem against Stan (rstan) on the SUD design, the same data, model and priors.
#
# Data: `alliance simulate --preset sud-2025` (119 patients, ~16 sessions), ruptures and repairs
# detected in the patient-rated alliance (`alliance ruptures --annotate`, criterion drop). Model:
#   distress ~ lag(distress) + lag(rupture_patient) + lag(repair_patient) + (1 + lag(distress) | patient)
# random mu and phi, rupture and repair at lag 1, Mplus's default priors, the latent initial
# condition with its prior fixed at N(0, v0) on both sides (v0 the pooled within-patient variance
# of distress), so that both programs sample exactly the same posterior.
#
# alliance: 2 chains in parallel, run until every PSR < 1.1 (Mplus's rule), then 5,000 iterations
# per chain. Stan: Benchmarks/R/dsem.stan, 2 chains in parallel, 1,000 warmup + 1,000 draws.
# Targets (issue #12): alliance under 1 s; posterior means within 3 Monte Carlo SEs of Stan's and
# SDs within 10%; at least 50 times Stan's effective samples per second (ESS of both programs'
# draws by rstan::ess_bulk, wall time including warmup/burn-in).
#
# Usage: Benchmarks/dsem-stan.sh [SEED]     (default 11)
set -euo pipefail
cd "$(dirname "$0")/.."
seed="${1:-11}"
swift build -c release --product alliance >/dev/null
bin="$(swift build -c release --show-bin-path)/alliance"
out=bench-out/dsem-stan
mkdir -p "$out"
echo "machine: $(uname -m), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" simulate --preset sud-2025 --seed "$seed" --out "$out/sud.csv"
"$bin" ruptures "$out/sud.csv" --rater patient --no-sensitivity --annotate "$out/sud-ruptures.csv" > /dev/null
v0=$(Rscript -e 'd <- read.csv(commandArgs(TRUE)[1]); w <- d$distress - ave(d$distress, d$patient, FUN = function(x) mean(x, na.rm = TRUE)); cat(var(w, na.rm = TRUE))' "$out/sud-ruptures.csv")
formula='distress ~ lag(distress) + lag(rupture_patient) + lag(repair_patient) + (1 + lag(distress) | patient)'
start=$(date +%s.%N)
"$bin" dsem "$out/sud-ruptures.csv" --formula "$formula" --time session --iterations 5000 --seed 1 \
  --prior "initial ~ N(0, $v0)" --format json --out "$out/alliance.json" --draws "$out/alliance-draws.csv"
end=$(date +%s.%N)
printf 'alliance dsem: %.3f s end to end (read, sample, summarize, write the draws); sampling %s s\n' \
  "$(echo "$end - $start" | bc -l)" "$(Rscript -e 'cat(jsonlite::fromJSON(commandArgs(TRUE)[1])$timing$sampling_seconds)' "$out/alliance.json")"
Rscript Benchmarks/R/dsem-stan.R "$out/sud-ruptures.csv" distress rupture_patient,repair_patient \
  "$out/alliance.json" "$out/alliance-draws.csv" "$v0" "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
