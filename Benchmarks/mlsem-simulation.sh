#!/usr/bin/env bash
# Nickell's bias by simulation: ML-SEM (alliance mlsem's model, FIML) against the multilevel
# model with observed-centred lags (alliance's own MixedModels) on a dynamic panel with feedback
# (Simulation/Process/DynamicPanelProcess.swift): N = 119 patients, T = 16 sessions, rho = 0.3,
# beta = 0.5, x predetermined (it responds to the previous y) and its person effect correlated
# with the outcome's. Two designs: complete series, and half the patients dropping out after a
# uniform 5-16 sessions with 5% of sessions missed.
#
#   Benchmarks/mlsem-simulation.sh [REPLICATIONS]     (default 1000; about a minute per 1000 on 2 cores)
#
# Prints per estimator and parameter: the mean estimate, bias with its Monte Carlo SE, RMSE and
# the coverage of the 95% intervals (target for ML-SEM: unbiased within Monte Carlo error,
# coverage 93-97%); and Nickell's -(1 + rho)/(T - 1) for comparison. A short seeded version runs in
# the tests (Tests/SEMTests/NickellBiasTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-1000}
swift build -c release --product AllianceBenchmarks >/dev/null
bench=.build/release/AllianceBenchmarks
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); $(date -u +%Y-%m-%d); load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "Complete series:"
$bench mlsem-simulation "$reps" 20261201
echo
echo "Half the patients drop out after 5-16 sessions, 5% of sessions missed (FIML):"
$bench mlsem-simulation "$reps" 20261202 119 16 0.5 0.05
