# Fits one model with lme4 + lmerTest and prints a JSON object shaped like `alliance fit --format json`
# (the fields both produce), plus two times measured inside R: `lme4_seconds`, lme4::lmer() alone
# (model frame and optimization, what lme4 users wait for), and `lmertest_seconds`, that plus
# lmerTest's conversion, which computes the Hessian and Jacobian Satterthwaite's df need
# (lmerTest::lmer() is exactly lme4::lmer() followed by that conversion).
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
lme4_elapsed <- system.time(plain <- lme4::lmer(formula, data = data, REML = reml))[["elapsed"]]
conversion <- system.time(fit <- lmerTest::as_lmerModLmerTest(plain))[["elapsed"]]
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
cat(sprintf('{"objective": %s, "theta": [%s], "singular": %s, "fixed": [%s], "random": [%s], "lme4_seconds": %s, "lmertest_seconds": %s}\n',
            num(obj), paste(sapply(getME(fit, "theta"), num), collapse = ", "),
            if (isSingular(fit)) "true" else "false",
            paste(fixed, collapse = ", "), paste(random, collapse = ", "), num(lme4_elapsed), num(lme4_elapsed + conversion)))
