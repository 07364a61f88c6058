# Fits one model with lme4 + lmerTest and prints a JSON object shaped like `alliance fit --format json`
# (the fields both produce), plus the time lmer() took inside R (model frame, optimization and
# lmerTest's Satterthwaite Hessian, which lmerTest computes at fit time).
#
# Usage: Rscript lmer-fit.R DATA.csv 'FORMULA' [ml] [factor=COL,COL]
# Used by Benchmarks/lmm.sh (timing) and scripts/crosscheck (agreement). Needs r-cran-lme4 and
# r-cran-lmertest (Debian packages).
suppressPackageStartupMessages({ library(lme4); library(lmerTest) })
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1])
reml <- !("ml" %in% args)
for (a in grep("^factor=", args, value = TRUE)) {
  for (col in strsplit(sub("^factor=", "", a), ",")[[1]]) data[[col]] <- factor(data[[col]])
}
formula <- as.formula(args[2])
elapsed <- system.time(fit <- lmerTest::lmer(formula, data = data, REML = reml))[["elapsed"]]
coefs <- summary(fit)$coefficients
ci <- cbind(coefs[, "Estimate"] - qt(0.975, coefs[, "df"]) * coefs[, "Std. Error"],
            coefs[, "Estimate"] + qt(0.975, coefs[, "df"]) * coefs[, "Std. Error"])
vc <- as.data.frame(VarCorr(fit))
num <- function(x) if (is.na(x)) "null" else sprintf("%.15g", x)
str <- function(x) if (is.na(x)) "null" else paste0('"', x, '"')
fixed <- sapply(seq_len(nrow(coefs)), function(i) sprintf(
  '{"term": %s, "estimate": %s, "se": %s, "df": %s, "t": %s, "p": %s, "ci_lower": %s, "ci_upper": %s}',
  str(rownames(coefs)[i]), num(coefs[i, 1]), num(coefs[i, 2]), num(coefs[i, 3]), num(coefs[i, 4]), num(coefs[i, 5]),
  num(ci[i, 1]), num(ci[i, 2])))
random <- sapply(seq_len(nrow(vc)), function(i) sprintf(
  '{"group": %s, "var1": %s, "var2": %s, "vcov": %s, "sdcor": %s}',
  str(vc$grp[i]), str(vc$var1[i]), str(vc$var2[i]), num(vc$vcov[i]), num(vc$sdcor[i])))
obj <- if (reml) REMLcrit(fit) else deviance(fit)
cat(sprintf('{"objective": %s, "theta": [%s], "singular": %s, "fixed": [%s], "random": [%s], "lme4_seconds": %s}\n',
            num(obj), paste(sapply(getME(fit, "theta"), num), collapse = ", "),
            if (isSingular(fit)) "true" else "false",
            paste(fixed, collapse = ", "), paste(random, collapse = ", "), num(elapsed)))
