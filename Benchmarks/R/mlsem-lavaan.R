# Fits one ML-SEM (dpm) model with lavaan and prints a JSON object shaped like
# `alliance mlsem --format json` (the fields both produce) plus `lavaan_seconds`, the time of
# lavaan::sem() and fitMeasures(), and `lavaan_fit_seconds`, sem() alone (the wide data and the
# model string are built before the clock starts; alliance's time likewise excludes reading).
#
# Usage: Rscript Benchmarks/R/mlsem-lavaan.R DATA.csv 'FORMULA' ID TIME ['OPTIONS as JSON']
#   e.g. ... wages.csv 'wks ~ pre(lag(union)) + lag(lwage) | ed' id t '{"error_inv": true}'
# Options are dpm's with underscores (see dpm-model.R), plus "information": "observed" (default)
# or "expected". Used by Benchmarks/mlsem.sh. Needs r-cran-lavaan and jsonlite.
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
script_dir <- dirname(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))
source(file.path(script_dir, "dpm-model.R"))
options <- if (length(args) >= 5) fromJSON(args[5]) else list()
information <- if (is.null(options$information)) "observed" else options$information
options$information <- NULL
long <- read.csv(args[1])
r <- suppressWarnings(fit_dpm_lavaan(long, args[2], options, args[3], args[4], information))
out <- r$results
out$parameters <- NULL
out$converged <- lavInspect(r$fit, "converged")
out$lavaan_seconds <- r$seconds
out$lavaan_fit_seconds <- r$fit_seconds
cat(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null"), "\n")
