# Reference fits at the exact optimum, for Tests/MixedModelsTests/ExactOptimumTests.swift.
#
#   Rscript scripts/exact-references.R            export the datasets, fit every model, write the JSON
#   Rscript scripts/exact-references.R NAME ...   refit only these models (the others are kept)
#
# Reads the battery from Tests/MixedModelsTests/Reference/exact-models.tsv (one model a line: name,
# dataset, method, formula, note, quantities not compared), fits each with lme4 + lmerTest on the CSV in datasets/ exactly
# as alliance reads it, and writes Tests/MixedModelsTests/Reference/exact-optimum.json. To add a
# model, add a line to the TSV (and, for a new dataset, an export below) and run this script.
#
# "The exact optimum": lme4's nloptwrap BOBYQA with xtol_abs = 1e-13, ftol_abs = 1e-15,
# xtol_rel = 1e-13, ftol_rel = 1e-15 (lme4's defaults stop early on flat optima). The result is
# then checked: a Newton polish on the profiled criterion (numDeriv's Richardson gradient and
# Hessian, eigenvalues of the Hessian floored, backtracking) from lme4's theta, and from theta
# with each small standard-deviation parameter set to zero. When either ends lower, lmerTest is
# evaluated at that theta (lmerControl(optimizer = NULL) with start = theta), and the JSON says by
# how much lme4 stopped short ("polish_gain"). The test suite never runs R.
#
# Needs R with lme4, lmerTest, nlme, mlmRev, numDeriv and jsonlite (Debian: r-cran-lme4,
# r-cran-lmertest, r-cran-nlme, r-cran-mlmrev, r-cran-jsonlite).
suppressPackageStartupMessages({
  library(lme4); library(lmerTest); library(numDeriv); library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
root <- normalizePath(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), ".."))
setwd(root)

# ---- Datasets from R packages (CSV, as a user would export them with write.csv) -------------
# Ordered factors (nlme's groupedData) become plain factors: their order is by response means,
# and an ordered factor would get polynomial contrasts in a fixed part.
plain <- function(d) {
  d <- as.data.frame(d)
  for (v in names(d)) if (is.factor(d[[v]])) d[[v]] <- as.character(d[[v]])
  d
}
exports <- list(
  machines  = function() plain(nlme::Machines),
  ergostool = function() plain(nlme::ergoStool),
  orthodont = function() plain(nlme::Orthodont),
  oxboys    = function() plain(nlme::Oxboys),
  oats      = function() plain(nlme::Oats),
  oxide     = function() plain(nlme::Oxide),
  early     = function() plain(mlmRev::Early),
  egsingle  = function() plain(mlmRev::egsingle)[, c("schoolid", "childid", "year", "grade", "math", "female", "lowinc")],
  chem97    = function() plain(mlmRev::Chem97)[, c("lea", "school", "score", "gender", "age", "gcsecnt")],
  scotssec  = function() plain(mlmRev::ScotsSec),
  exam      = function() plain(mlmRev::Exam)[, c("school", "normexam", "standLRT", "sex", "schgend")],
  gcsemv    = function() plain(mlmRev::Gcsemv),
  hsb82     = function() plain(mlmRev::Hsb82),
  ham       = function() plain(lmerTest::ham),
  carrots   = function() plain(lmerTest::carrots)[, c("Consumer", "Product", "Preference", "sens1", "sens2", "Homesize", "Gender")],
  tvbo      = function() plain(lmerTest::TVbo)[, c("Assessor", "TVset", "Repeat", "Picture", "Coloursaturation", "Colourbalance")]
)
for (name in names(exports)) {
  path <- file.path("datasets/r-packages", paste0(name, ".csv"))
  if (!file.exists(path)) write.csv(exports[[name]](), path, row.names = FALSE, na = "NA")
}
datasetPath <- function(name) {
  for (dir in c("datasets/classic", "datasets/r-packages")) {
    p <- file.path(dir, paste0(name, ".csv"))
    if (file.exists(p)) return(p)
  }
  stop("no dataset ", name)
}

# ---- The battery -------------------------------------------------------------------------
battery <- read.delim("Tests/MixedModelsTests/Reference/exact-models.tsv", comment.char = "#",
                      stringsAsFactors = FALSE, quote = "")
exact <- lmerControl(optimizer = "nloptwrap",
                     optCtrl = list(xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15))

# Newton on f from theta with the parameters in `fixed` held; eigenvalues of the Hessian floored
# at 1e-8 of the largest, steps halved until f decreases, projected onto the bounds.
newton <- function(f, theta, lower, fixed = rep(FALSE, length(theta))) {
  value <- f(theta)
  free <- !fixed
  if (!any(free)) return(list(theta = theta, value = value))
  for (iteration in 1:30) {
    g <- numDeriv::grad(f, theta)[free]
    h <- numDeriv::hessian(f, theta)[free, free, drop = FALSE]
    e <- eigen((h + t(h)) / 2, symmetric = TRUE)
    lambda <- pmax(abs(e$values), 1e-8 * max(abs(e$values)))
    step <- -e$vectors %*% ((t(e$vectors) %*% g) / lambda)
    accepted <- FALSE
    for (halving in 0:40) {
      candidate <- theta
      candidate[free] <- pmax(theta[free] + step / 2^halving, lower[free])
      v <- f(candidate)
      if (is.finite(v) && v < value) { accepted <- TRUE; break }
    }
    if (!accepted) break
    gain <- value - v
    theta <- candidate; value <- v
    if (gain < 1e-14 * abs(value)) break
  }
  list(theta = theta, value = value)
}

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NA else signif(x, 15)

reference <- function(row) {
  data <- read.csv(datasetPath(row$dataset), stringsAsFactors = TRUE)
  formula <- as.formula(row$formula)
  reml <- row$method == "REML"
  fit <- lmerTest::lmer(formula, data = data, REML = reml, control = exact)
  theta <- getME(fit, "theta")
  lower <- getME(fit, "lower")
  devfun <- lme4::lmer(formula, data = data, REML = reml, devFunOnly = TRUE)
  best <- list(theta = theta, value = devfun(theta))
  lme4Value <- best$value
  candidates <- list(newton(devfun, theta, lower, fixed = theta == lower & lower == 0))
  small <- which(lower == 0 & theta < 1e-2)
  for (i in small) {
    t0 <- theta; t0[i] <- 0
    candidates[[length(candidates) + 1]] <- newton(devfun, t0, lower, fixed = t0 == 0 & lower == 0)
  }
  for (c in candidates) if (c$value < best$value) best <- c
  gain <- lme4Value - best$value
  if (gain > 1e-12 * abs(lme4Value)) {
    fit <- lmerTest::lmer(formula, data = data, REML = reml, start = list(theta = best$theta),
                          control = lmerControl(optimizer = NULL))
    theta <- best$theta
  } else {
    gain <- max(gain, 0)
  }
  coefs <- summary(fit)$coefficients
  vc <- as.data.frame(VarCorr(fit))
  objective <- if (reml) REMLcrit(fit) else deviance(fit)
  conv <- fit@optinfo$conv$lme4$messages
  list(
    name = row$name, dataset = row$dataset, method = row$method, formula = row$formula, note = row$note,
    not_compared = I(if (row$not_compared == "-") character(0) else strsplit(row$not_compared, ",")[[1]]),
    nobs = nobs(fit), dropped_rows = nrow(data) - nobs(fit),
    objective = num(objective), lme4_objective = num(lme4Value), polish_gain = num(gain),
    theta = I(unname(sapply(theta, num))), singular = isSingular(fit),
    lme4_messages = I(if (is.null(conv)) character(0) else as.character(conv)),
    fixed = lapply(seq_len(nrow(coefs)), function(i) list(
      term = rownames(coefs)[i], estimate = num(coefs[i, 1]), se = num(coefs[i, 2]), df = num(coefs[i, 3]),
      t = num(coefs[i, 4]), p = num(coefs[i, 5]))),
    random = lapply(seq_len(nrow(vc)), function(i) list(
      group = vc$grp[i], var1 = if (is.na(vc$var1[i])) NULL else vc$var1[i],
      var2 = if (is.na(vc$var2[i])) NULL else vc$var2[i], vcov = num(vc$vcov[i]), sdcor = num(vc$sdcor[i]))),
    dropped_columns = I(if (is.null(attr(getME(fit, "X"), "col.dropped"))) character(0) else names(attr(getME(fit, "X"), "col.dropped")))
  )
}

out <- "Tests/MixedModelsTests/Reference/exact-optimum.json"
previous <- if (file.exists(out)) fromJSON(out, simplifyVector = FALSE)$models else list()
keep <- setNames(previous, sapply(previous, `[[`, "name"))
models <- list()
for (i in seq_len(nrow(battery))) {
  row <- battery[i, ]
  if (length(args) > 0 && !(row$name %in% args) && !is.null(keep[[row$name]])) {
    models[[length(models) + 1]] <- keep[[row$name]]
    next
  }
  cat(row$name, "... ")
  r <- reference(row)
  cat(sprintf("objective %.10f, polish gain %.2g\n", r$objective, r$polish_gain))
  models[[length(models) + 1]] <- r
}
meta <- list(R = R.version.string, lme4 = as.character(packageVersion("lme4")),
             lmerTest = as.character(packageVersion("lmerTest")), nloptr = as.character(packageVersion("nloptr")),
             control = "nloptwrap: xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15",
             script = "scripts/exact-references.R",
             note = "objective is the REML criterion for REML fits, else the deviance (-2 logLik)")
writeLines(toJSON(list(meta = meta, models = models), auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null"), out)
