#!/usr/bin/env bash
# Checks the sud-2025 preset (or a configuration built on it) against the published pattern
# of Gidhagen, Holmqvist & Falkenström (2025) over many seeds: for each seed, simulate a dataset,
# run `alliance replicate` on it (criterion drop), and count in how many datasets each published
# finding holds (docs/METHODS.md, "Presets" and "The replication"). Prints the mean prevalences.
#
# Usage: Benchmarks/preset-sud-2025.sh [SEEDS] [CONFIG]   (default 30 seeds, the preset itself)
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-30}"
config="${2:-}"
swift build -c release --product alliance >/dev/null
bin="$(swift build -c release --show-bin-path)/alliance"
out=bench-out/preset-check
mkdir -p "$out"
study=(--preset sud-2025)
[ -n "$config" ] && study=(--config "$config")
for seed in $(seq 1 "$seeds"); do
  "$bin" simulate "${study[@]}" --seed "$seed" --out "$out/seed-$seed.csv" >/dev/null
  "$bin" replicate "$out/seed-$seed.csv" --codebook datasets/sud-synthetic.yaml --format json > "$out/seed-$seed.json" 2>/dev/null
done
Rscript -e '
  suppressPackageStartupMessages(library(jsonlite))
  files <- list.files(commandArgs(TRUE)[1], pattern = "^seed-[0-9]+[.]json$", full.names = TRUE)
  held <- NULL; values <- NULL
  for (f in files) {
    p <- fromJSON(f)$published
    held <- rbind(held, setNames(as.logical(p$holds), p$finding))
    values <- rbind(values, setNames(ifelse(is.na(p$this_dataset), p$estimate, p$this_dataset), p$finding))
  }
  cat(sprintf("%d datasets\n", length(files)))
  for (k in seq_len(ncol(held))) cat(sprintf("  holds in %2d: %s (mean %s)\n", sum(held[, k], na.rm = TRUE), colnames(held)[k],
                                             format(mean(values[, k], na.rm = TRUE), digits = 3)))
  cat(sprintf("  every finding holds in %d\n", sum(apply(held, 1, all))))
' "$out"
