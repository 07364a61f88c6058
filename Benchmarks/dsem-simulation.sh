#!/usr/bin/env bash
# Benchmark: the simulation of Asparouhov, Hamaker & Muthén (2018), Table 1, with alliance's DSEM
# and, side by side, the multilevel model with the lagged outcome centred on each patient's
# observed mean (fitted by alliance's MixedModels, lme4's REML with lmerTest's df).
#
# Design (the paper's): y_it = mu_i + phi_i (y_i,t-1 - mu_i) + e_it, E phi_i = 0.3, Var(phi_i) = 0.01,
# Var(mu_i) = 3, Var(e) = 3, the first 10 generated values discarded; T = 10 sessions for N = 100
# patients, and T = 20 for N = 50; REPS replications of each (default 500; the paper ran 100).
# DSEM: y ~ lag(y) + (1 + lag(y) | patient), Mplus's priors and PSR rule, the posterior median and
# the 95% credible interval. Targets (issue #12): DSEM bias of phi within +-0.03, 95% coverage
# 92-98%; the observed-centring model shows its known bias (the paper: -0.140 and -0.070).
# Then the same at the SUD design's size (T = 16, N = 119) under both initial conditions
# (docs/METHODS.md, "Initial conditions").
#
# Usage: Benchmarks/dsem-simulation.sh [REPS]
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-500}"
swift build -c release --product AllianceBenchmarks >/dev/null
bin="$(swift build -c release --show-bin-path)/AllianceBenchmarks"
echo "machine: $(uname -m), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Asparouhov et al. (2018), Table 1 (100 replications, Mplus): bias of phi"
echo "  T=10 N=100: DSEM +0.025, observed centring -0.140, Nickell's -(1 + phi)/(T - 1) = -0.144"
echo "  T=20 N=50:  DSEM +0.006, observed centring -0.070, Nickell's -0.068"
"$bin" dsem-table1 10 100 "$reps" 1
"$bin" dsem-table1 20 50 "$reps" 1
echo "The SUD design's size, both initial conditions (Nickell's -(1 + phi)/(T - 1) = -0.087):"
"$bin" dsem-table1 16 119 "$reps" 1 latent
"$bin" dsem-table1 16 119 "$reps" 1 first
"$bin" dsem-table1 10 100 "$reps" 1 first
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
