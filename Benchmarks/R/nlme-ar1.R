# Fits a model with AR(1) residuals by nlme and prints one JSON line: the -2 log-likelihood, phi,
# the fixed effects, and the seconds lme() took inside R (reading the file excluded).
#
# Usage: Rscript nlme-ar1.R DATA.csv 'FIXED' 'RANDOM' 'CORRELATION' [ml]
#   e.g. Rscript nlme-ar1.R panel.csv 'distress ~ rupture + repair + session' '~ 1 | therapist/patient' \
#        'corAR1(form = ~ session | therapist/patient)'
# Used by Benchmarks/session-models.sh. Needs r-cran-nlme.
suppressPackageStartupMessages(library(nlme))
args <- commandArgs(trailingOnly = TRUE)
data <- read.csv(args[1], stringsAsFactors = TRUE)
method <- if ("ml" %in% args) "ML" else "REML"
fixed <- as.formula(args[2]); random <- eval(parse(text = args[3])); correlation <- eval(parse(text = args[4]))
optimizer <- "nlminb"
seconds <- system.time(fit <- tryCatch(lme(fixed, data = data, random = random, correlation = correlation, method = method),
                                       error = function(e) e))[["elapsed"]]
if (inherits(fit, "error")) {
  optimizer <- "optim"
  seconds <- seconds + system.time(fit <- lme(fixed, data = data, random = random, correlation = correlation, method = method,
                                              control = lmeControl(opt = "optim")))[["elapsed"]]
}
b <- fixef(fit)
cat(sprintf('{"objective": %.10f, "phi": %.8f, "optimizer": "%s", "fixed": [%s], "nlme_seconds": %.3f}\n',
            -2 * as.numeric(logLik(fit)), as.numeric(coef(fit$modelStruct$corStruct, unconstrained = FALSE)), optimizer,
            paste(sprintf("%.8f", b), collapse = ", "), seconds))
