#!/usr/bin/env bash
# Benchmark: load a 2,000,000-row session panel (100,000 patients x 20 sessions, 1,000 therapists,
# seeded) and detect ruptures for both raters under the `drop` criterion. Target: under 2 s.
# Usage: Benchmarks/ruptures.sh [CRITERION]   (release build; data cached in bench-out/)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product AllianceBenchmarks >/dev/null
bin="$(swift build -c release --show-bin-path)/AllianceBenchmarks"
mkdir -p bench-out
data=bench-out/panel-100000x20.csv
[ -f "$data" ] || "$bin" generate-panel 100000 1000 20 1 "$data"
for run in 1 2 3; do "$bin" ruptures "$data" "${1:-drop}"; done
