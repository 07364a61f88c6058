#!/usr/bin/env bash
# Benchmark: `alliance replicate` on the bundled synthetic dataset (datasets/sud-synthetic.csv):
# the whole analysis (the mixed models with Satterthwaite df under every criterion, and the DSEM
# and ML-SEM of step 5 per rater) and every output file (--out), in release mode, as a user runs
# it after the build. Target: under 2 s with two free cores (the DSEM and ML-SEM take most of it).
# Usage: Benchmarks/replicate.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product alliance >/dev/null
bin="$(swift build -c release --show-bin-path)/alliance"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) cores $(uname -m); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT="replicate %R s wall, %U s user, %S s system"
for run in $(seq 1 "${1:-5}"); do
    { time "$bin" replicate --quiet --out "$out/run$run" >/dev/null; } 2>&1
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
