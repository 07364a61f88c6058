#!/usr/bin/env bash
# Benchmark: a power study of the sud-2025 design (119 patients, 6 therapists, ~16 sessions) with
# the three estimators for both raters (6 model fits with Satterthwaite df per replication),
# 1,000 replications on every core, through the `alliance power` command as users run it.
# Target: under 20 s on the project's 2-core machine. Where R is installed with lme4, lmerTest
# and yaml, the same study runs in R (Benchmarks/power.R: simulate and refit in a loop, as simr
# does, on the same cores with parallel::mclapply), and the ratio is printed.
#
# Usage: Benchmarks/power.sh [REPS]     (default 1000)
#   R_REPS=N  replications for R (default 100; R's time is scaled to REPS per replication)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-1000}"
r_reps="${R_REPS:-100}"
cores="$(nproc)"
swift build -c release --product alliance >/dev/null
bin="$(swift build -c release --show-bin-path)/alliance"
mkdir -p bench-out
rm -f bench-out/power-sud-2025.txt.checkpoint
"$bin" power --preset sud-2025 --print-config > bench-out/sud-2025.yaml

echo "machine: $(uname -m), $cores cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
"$bin" power --preset sud-2025 --reps "$reps" --seed 1 --out bench-out/power-sud-2025.txt --quiet
end=$(date +%s.%N)
swift_seconds=$(echo "$end - $start" | bc -l)
printf 'alliance power: %d replications in %.2f s (%.1f ms per replication); load average after: %s\n' \
  "$reps" "$swift_seconds" "$(echo "1000 * $swift_seconds / $reps" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"

if command -v Rscript >/dev/null && Rscript -e 'for (p in c("lme4", "lmerTest", "yaml")) stopifnot(requireNamespace(p, quietly = TRUE))' >/dev/null 2>&1; then
  r_output=$(Rscript Benchmarks/power.R bench-out/sud-2025.yaml "$r_reps" 1 "$cores")
  echo "$r_output"
  line=$(echo "$r_output" | head -1)
  r_seconds=$(echo "$line" | awk '{print $2}')
  r_scaled=$(echo "$r_seconds * $reps / $r_reps" | bc -l)
  printf 'R (lme4 %s, lmerTest): %d replications in %.2f s; %d would take %.0f s; alliance is %.0fx faster\n' \
    "$(Rscript -e 'cat(as.character(packageVersion("lme4")))')" "$r_reps" "$r_seconds" "$reps" "$r_scaled" \
    "$(echo "$r_scaled / $swift_seconds" | bc -l)"
else
  echo "R with lme4, lmerTest and yaml not found: no comparison"
fi
