# Profile-likelihood confidence intervals, for Tests/MixedModelsTests/ProfileTests.swift.
#
#   Rscript scripts/profile-references.R
#
# Reads Tests/MixedModelsTests/Reference/profile-models.tsv (name, dataset, method, formula, note), fits
# each with lme4 at the exact optimum (nloptwrap with xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13,
# ftol_rel = 1e-15) and writes Tests/MixedModelsTests/Reference/profile-references.json with lme4's
# confint(fit, method = "profile", oldNames = FALSE): every parameter's 95% interval (standard deviations
# and correlations of the random effects, sigma, the fixed effects), as users print it, and the seconds
# lme4 took. lme4 profiles on the ML deviance (REML fits are refitted by ML) and interpolates the
# profile with splines between points about 0.43 apart in zeta.
#
# Needs R with lme4 and jsonlite. The test suite never runs R.
suppressPackageStartupMessages({ library(lme4); library(jsonlite) })
root <- normalizePath(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), ".."))
setwd(root)
datasetPath <- function(name) {
  for (dir in c("datasets/classic", "datasets/r-packages", "datasets/simulated")) {
    p <- file.path(dir, paste0(name, ".csv"))
    if (file.exists(p)) return(p)
  }
  stop("no dataset ", name)
}
exact <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15))
num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NA else signif(x, 15)
battery <- read.delim("Tests/MixedModelsTests/Reference/profile-models.tsv", comment.char = "#",
                      stringsAsFactors = FALSE, quote = "")
models <- list()
for (i in seq_len(nrow(battery))) {
  row <- battery[i, ]
  data <- read.csv(datasetPath(row$dataset), stringsAsFactors = TRUE)
  fit <- lmer(as.formula(row$formula), data = data, REML = row$method == "REML", control = exact)
  seconds <- system.time(ci <- suppressWarnings(confint(fit, method = "profile", oldNames = FALSE)))[["elapsed"]]
  cat(row$name, seconds, "s\n")
  models[[length(models) + 1]] <- list(
    name = row$name, dataset = row$dataset, method = row$method, formula = row$formula, note = row$note,
    lme4_seconds = num(seconds),
    intervals = lapply(seq_len(nrow(ci)), function(k) list(parameter = rownames(ci)[k], lower = num(ci[k, 1]), upper = num(ci[k, 2]))))
}
meta <- list(R = R.version.string, lme4 = as.character(packageVersion("lme4")), script = "scripts/profile-references.R",
             control = "nloptwrap: xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15")
writeLines(toJSON(list(meta = meta, models = models), auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null"),
           "Tests/MixedModelsTests/Reference/profile-references.json")
