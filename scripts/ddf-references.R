# Kenward-Roger and Satterthwaite inference references, for Tests/MixedModelsTests/DegreesOfFreedomTests.swift.
#
#   Rscript scripts/ddf-references.R
#
# Reads Tests/MixedModelsTests/Reference/ddf-models.tsv (one model a line: name, dataset, formula in
# lme4 syntax, hypotheses separated by ';' in alliance's --test syntax, note) and writes
# Tests/MixedModelsTests/Reference/ddf-references.json with, per model, at lme4's exact optimum
# (nloptwrap with xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15), REML:
#
# - the coefficients as lmerTest's summary(fit, ddf = "Kenward-Roger") prints them (estimate, SE
#   from pbkrtest's adjusted covariance, KR df, t, p), and pbkrtest's vcovAdj (Phi_A);
# - lmerTest's anova(fit, type = 3) with Satterthwaite's and with Kenward-Roger's method;
# - lmerTest's contestMD for each hypothesis, with both methods.
#
# Hypotheses are written 'a = b = 0' (each coefficient equal to the number at the end) or 'a = b'
# (equal coefficients); names are coefficient names as lme4 prints them.
#
# Needs R with lme4, lmerTest, pbkrtest, jsonlite (Debian: r-cran-lme4, r-cran-lmertest,
# r-cran-pbkrtest, r-cran-jsonlite). The test suite never runs R.
suppressPackageStartupMessages({
  library(lme4); library(lmerTest); library(pbkrtest); library(jsonlite)
})
root <- normalizePath(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), ".."))
setwd(root)

# A subsample of sleepstudy (pbkrtest's documentation uses one to show a KR adjustment that is not 1).
path <- "datasets/classic/sleepstudy120.csv"
if (!file.exists(path)) {
  s <- read.csv("datasets/classic/sleepstudy.csv")
  set.seed(123)
  write.csv(s[sort(sample(nrow(s), 120)), ], path, row.names = FALSE)
}
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

# L and rhs of a hypothesis in alliance's syntax.
hypothesis <- function(text, names) {
  sides <- trimws(strsplit(text, "=", fixed = TRUE)[[1]])
  last <- suppressWarnings(as.numeric(sides[length(sides)]))
  row <- function(name) { r <- numeric(length(names)); r[match(name, names)] <- 1; r }
  if (!is.na(last)) {
    coefs <- sides[-length(sides)]
    list(L = do.call(rbind, lapply(coefs, row)), rhs = rep(last, length(coefs)))
  } else {
    list(L = do.call(rbind, lapply(seq_len(length(sides) - 1), function(k) row(sides[k]) - row(sides[k + 1]))),
         rhs = rep(0, length(sides) - 1))
  }
}
ftable <- function(t) list(sum_sq = num(t[["Sum Sq"]]), mean_sq = num(t[["Mean Sq"]]), num_df = num(t[["NumDF"]]),
                            den_df = num(t[["DenDF"]]), f = num(t[["F value"]]), p = num(t[["Pr(>F)"]]))

battery <- read.delim("Tests/MixedModelsTests/Reference/ddf-models.tsv", comment.char = "#",
                      stringsAsFactors = FALSE, quote = "")
models <- list()
for (i in seq_len(nrow(battery))) {
  row <- battery[i, ]
  data <- read.csv(datasetPath(row$dataset), stringsAsFactors = TRUE)
  fit <- lmerTest::lmer(as.formula(row$formula), data = data, REML = TRUE, control = exact)
  kr <- summary(fit, ddf = "Kenward-Roger")$coefficients
  sat <- summary(fit)$coefficients
  phiA <- as.matrix(vcovAdj(fit))
  a3s <- anova(fit, type = 3)
  a3k <- anova(fit, type = 3, ddf = "Kenward-Roger")
  tests <- list()
  if (row$tests != "-") for (h in trimws(strsplit(row$tests, ";")[[1]])) {
    hy <- hypothesis(h, colnames(getME(fit, "X")))
    tests[[length(tests) + 1]] <- list(
      hypothesis = h,
      satterthwaite = ftable(contestMD(fit, hy$L, rhs = hy$rhs, ddf = "Satterthwaite")),
      kenward_roger = ftable(contestMD(fit, hy$L, rhs = hy$rhs, ddf = "Kenward-Roger")))
  }
  coefficients <- function(tab) lapply(seq_len(nrow(tab)), function(k) list(
    term = rownames(tab)[k], estimate = num(tab[k, 1]), se = num(tab[k, 2]), df = num(tab[k, 3]),
    t = num(tab[k, 4]), p = num(tab[k, 5])))
  anovaRows <- function(tab) lapply(seq_len(nrow(tab)), function(k) c(list(term = rownames(tab)[k]), ftable(tab[k, ])))
  cat(row$name, "\n")
  models[[length(models) + 1]] <- list(
    name = row$name, dataset = row$dataset, formula = row$formula, note = row$note,
    objective = num(REMLcrit(fit)),
    kenward_roger = coefficients(kr), satterthwaite = coefficients(sat),
    adjusted_covariance = I(as.vector(phiA)), covariance = I(as.vector(as.matrix(vcov(fit)))),
    anova_satterthwaite = anovaRows(a3s), anova_kenward_roger = anovaRows(a3k),
    tests = tests)
}
meta <- list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
             lmerTest = as.character(packageVersion("lmerTest")), pbkrtest = as.character(packageVersion("pbkrtest")),
             control = "nloptwrap: xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15",
             script = "scripts/ddf-references.R")
writeLines(toJSON(list(meta = meta, models = models), auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null"),
           "Tests/MixedModelsTests/Reference/ddf-references.json")
