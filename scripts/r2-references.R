# Nakagawa & Schielzeth's R-squared, for Tests/MixedModelsTests/RSquaredTests.swift.
#
#   Rscript scripts/r2-references.R
#
# Writes Tests/MixedModelsTests/Reference/r2-references.json: for lme4 fits (REML, lme4 at the exact
# optimum) performance::r2_nakagawa() (performance 0.10, Debian's r-cran-performance), and for fits
# with correlated residuals, where performance gives no random-effect variance for nlme's lme with a
# correlation structure, the same published formula (Nakagawa, Johnson & Schielzeth 2017) from nlme's
# estimates: R2m = var_f / (var_f + var_a + sigma^2), R2c = (var_f + var_a) / (...), var_f the variance
# (n - 1) of X beta-hat, var_a the mean over the rows of z' Sigma z for each random-effects term.
suppressPackageStartupMessages({ library(lme4); library(nlme); library(performance); library(jsonlite) })
root <- normalizePath(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), ".."))
setwd(root)
exact <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15))
num <- function(x) signif(x, 15)
read <- function(path) read.csv(path, stringsAsFactors = TRUE)
lme4Models <- list(
  list(name = "sleepstudy", data = "datasets/classic/sleepstudy.csv", formula = "Reaction ~ Days + (Days | Subject)"),
  list(name = "pastes", data = "datasets/classic/pastes.csv", formula = "strength ~ 1 + (1 | batch/cask)"),
  list(name = "orthodont", data = "datasets/r-packages/orthodont.csv", formula = "distance ~ age * Sex + (age | Subject)"),
  list(name = "panel", data = "datasets/simulated/session-panel.csv", formula = "distress ~ session + alliance + (1 | therapist/patient)"))
out <- list()
for (m in lme4Models) {
  fit <- lmer(as.formula(m$formula), data = read(m$data), control = exact)
  r2 <- r2_nakagawa(fit)
  out[[length(out) + 1]] <- list(name = m$name, dataset = sub(".*/(.*)\\.csv", "\\1", m$data), formula = m$formula, residuals = NULL,
                                 source = "performance::r2_nakagawa", marginal = num(r2$R2_marginal), conditional = num(r2$R2_conditional))
}
nlmeModels <- list(
  list(name = "sleepstudy-ar1", data = "datasets/classic/sleepstudy.csv", fixed = Reaction ~ Days, random = ~ 1 | Subject,
       correlation = corAR1(form = ~ Days | Subject), formula = "Reaction ~ Days + (1 | Subject)", residuals = "ar1(Days | Subject)"),
  list(name = "ovary-ar1", data = "datasets/r-packages/ovary.csv", fixed = follicles ~ sin(2 * pi * Time) + cos(2 * pi * Time),
       random = ~ 1 | Mare, correlation = corAR1(form = ~ visit | Mare),
       formula = "follicles ~ sin(2 * pi * Time) + cos(2 * pi * Time) + (1 | Mare)", residuals = "ar1(visit | Mare)"))
for (m in nlmeModels) {
  fit <- lme(m$fixed, data = read(m$data), random = m$random, correlation = m$correlation)
  X <- model.matrix(m$fixed, read(m$data))
  vf <- var(as.vector(X %*% fixef(fit)))
  va <- as.numeric(getVarCov(fit))
  ve <- fit$sigma^2
  out[[length(out) + 1]] <- list(name = m$name, dataset = sub(".*/(.*)\\.csv", "\\1", m$data), formula = m$formula, residuals = m$residuals,
                                 source = "the formula, nlme's estimates", marginal = num(vf / (vf + va + ve)),
                                 conditional = num((vf + va) / (vf + va + ve)))
}
meta <- list(R = R.version.string, performance = as.character(packageVersion("performance")), script = "scripts/r2-references.R")
writeLines(toJSON(list(meta = meta, models = out), auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null"),
           "Tests/MixedModelsTests/Reference/r2-references.json")
