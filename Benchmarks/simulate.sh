#!/usr/bin/env bash
# Benchmark: `alliance simulate` as users run it, 16 sessions per patient, for 12,500 to 100,000
# patients, writing CSV. Simulation is one pass over the patients, so the time per patient should
# not grow with their number (it grew linearly before: 16,000 patients took 9.9 s, 32,000 36 s,
# fuzz report D08). Target: 100,000 patients x 16 sessions in under 10 s on the project's 2-core
# machine. There is no R tool that simulates this process, so there is no ratio against R.
#
# Usage: Benchmarks/simulate.sh [PATIENTS...]     (default 12500 25000 50000 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(12500 25000 50000 100000)
swift build -c release --product alliance >/dev/null
bin="$(swift build -c release --show-bin-path)/alliance"
mkdir -p bench-out
echo "machine: $(uname -m), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  printf 'preset: default\npatients: %d\ntherapists: 100\nsessions: {distribution: fixed, mean: 16, minimum: 16, maximum: 16}\n' "$n" \
    > bench-out/simulate-$n.yaml
  start=$(date +%s.%N)
  "$bin" simulate --config bench-out/simulate-$n.yaml --seed 1 --out bench-out/simulate-$n.csv > /dev/null
  end=$(date +%s.%N)
  seconds=$(echo "$end - $start" | bc -l)
  rows=$(($(wc -l < bench-out/simulate-$n.csv) - 1))
  printf 'patients %7d: %8d sessions (rows) in %6.2f s, %5.1f us per patient\n' "$n" "$rows" "$seconds" "$(echo "1000000 * $seconds / $n" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
