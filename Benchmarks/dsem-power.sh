#!/usr/bin/env bash
# Benchmark: a 500-replication DSEM power study of the sud-2025 design through `alliance power`,
# as users run it: the `dsem` estimator for both raters, each also fitted to the simulation's true
# events (the oracle rows), so 4 DSEM fits per replication (2 chains each, Mplus's PSR rule), on
# every core. Target (issue #12): under 10 minutes on the project's 2-core machine.
#
# Usage: Benchmarks/dsem-power.sh [REPS]     (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-500}"
swift build -c release --product alliance >/dev/null
bin="$(swift build -c release --show-bin-path)/alliance"
mkdir -p bench-out
printf 'preset: sud-2025\nanalysis:\n  estimators: [dsem]\n' > bench-out/dsem-power.yaml
rm -f bench-out/dsem-power.txt.checkpoint
echo "machine: $(uname -m), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
# CPU time as well as wall time: on a machine shared with other work the wall time depends on the
# load; (user + system) / cores is the time on an idle machine with the same cores.
TIMEFORMAT='alliance power: wall %R s, CPU user %U s, system %S s'
time "$bin" power --config bench-out/dsem-power.yaml --reps "$reps" --seed 1 --out bench-out/dsem-power.txt \
  --replications bench-out/dsem-power-replications.csv --quiet
end=$(date +%s.%N)
seconds=$(echo "$end - $start" | bc -l)
printf 'alliance power (dsem, with oracle fits): %d replications in %.1f s (%.2f s per replication, 4 DSEM fits each); load average after: %s\n' \
  "$reps" "$seconds" "$(echo "$seconds / $reps" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
cat bench-out/dsem-power.txt
