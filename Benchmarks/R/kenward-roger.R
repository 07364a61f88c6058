# Kenward-Roger inference for a fitted model, timed inside R: pbkrtest's vcovAdj() once plus Lb_ddf()
# for every coefficient (what alliance computes), and lmerTest's summary(ddf = "Kenward-Roger") (which
# calls vcovAdj once per coefficient). The fit itself (lme4 at its defaults) is not timed. Prints one
# JSON line with the SEs and df.
#
# Usage: Rscript kenward-roger.R DATA.csv 'FORMULA'
# Used by Benchmarks/session-models.sh. Needs r-cran-lme4, r-cran-lmertest, r-cran-pbkrtest.
suppressPackageStartupMessages({ library(lme4); library(lmerTest); library(pbkrtest) })
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1], stringsAsFactors = TRUE)
fit <- lmerTest::lmer(as.formula(args[2]), data = data)
p <- length(fixef(fit))
pbkr <- system.time({
  adjusted <- vcovAdj(fit)
  df <- sapply(seq_len(p), function(j) { L <- matrix(0, 1, p); L[1, j] <- 1; Lb_ddf(L, vcov(fit), adjusted) })
})[["elapsed"]]
lmertest <- system.time(s <- summary(fit, ddf = "Kenward-Roger"))[["elapsed"]]
cat(sprintf('{"nobs": %d, "se": [%s], "df": [%s], "pbkrtest_seconds": %.3f, "lmertest_seconds": %.3f}\n', nobs(fit),
            paste(sprintf("%.8f", sqrt(diag(as.matrix(adjusted)))), collapse = ", "), paste(sprintf("%.6f", df), collapse = ", "),
            pbkr, lmertest))
