# Writes Tests/SEMTests/Reference/mlsem-lavaan.json: ML-SEM (dpm) models fitted by lavaan with
# its default optimizer settings (tighter nlminb tolerances make lavaan report false convergence;
# on the larger models it stops a little short of the optimum), the numbers
# alliance's tests compare against including every free parameter, and the two data files with
# missing waves the FIML cases use. The tests never run R; rerun this after changing a case:
#
#   Rscript Benchmarks/R/mlsem-reference.R
#
# Needs R with lavaan (Debian: r-cran-lavaan) and jsonlite. dpm itself is not needed: the model
# is written by dpm-model.R, an independent transcription of dpm's lavaan syntax.
suppressPackageStartupMessages({ library(lavaan); library(jsonlite) })
here <- function(...) file.path(getwd(), ...)
source(here("Benchmarks/R/dpm-model.R"))
reference <- here("Tests/SEMTests/Reference")
dir.create(reference, showWarnings = FALSE, recursive = TRUE)

wages <- read.csv(here("datasets/classic/wages.csv"))

# WageData with missing waves: person 6k drops out after year 4, and every 11th (person, year) by
# a fixed rule is a missed year; the model's columns only.
dropout <- wages[!((wages$id %% 6 == 0 & wages$t >= 5) | ((7 * wages$id + 3 * wages$t) %% 11 == 0)),
                 c("id", "t", "wks", "lwage", "union", "ed")]
write.csv(dropout, file.path(reference, "wages-dropout.csv"), row.names = FALSE)

# 119 patients, 16 sessions: y_t = 0.3 y_{t-1} + 0.5 x_{t-1} + a + e, x feeding back on y (x is
# predetermined); every second patient stops after 5-16 sessions and 5% of sessions are missed.
set.seed(1)
rows <- list()
for (i in 1:119) {
  a <- rnorm(1); eta <- 0.5 * a + rnorm(1, sd = 0.5)
  y <- numeric(16); x <- numeric(16)
  y[1] <- a / 0.7 + rnorm(1); x[1] <- eta + rnorm(1)
  for (t in 2:16) {
    y[t] <- 0.3 * y[t - 1] + 0.5 * x[t - 1] + a + rnorm(1)
    x[t] <- 0.3 * x[t - 1] + 0.2 * y[t - 1] + eta + rnorm(1)
  }
  last <- if (i %% 2 == 0) sample(5:16, 1) else 16
  d <- data.frame(patient = i, session = 1:last, y = round(y[1:last], 6), x = round(x[1:last], 6))
  rows[[i]] <- d[!(runif(last) < 0.05), ]
}
simulated <- do.call(rbind, rows)
write.csv(simulated, file.path(reference, "simulated-n119-t16.csv"), row.names = FALSE)

cases <- list(
  list(name = "socius", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(error_inv = TRUE), information = "observed"),
  list(name = "defaults", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(), information = "observed"),
  list(name = "only_predetermined", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "lwage ~ pre(lag(union))", options = list(), information = "observed"),
  list(name = "two_outcome_lags", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(y_lag = c(1, 2)), information = "observed"),
  list(name = "no_outcome_lag", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(union) + lwage | ed", options = list(y_lag = 0), information = "observed"),
  list(name = "four_predictors", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + pre(lag(ms)) + lag(lwage) + lag(ind) | ed + blk", options = list(), information = "observed"),
  list(name = "two_lags_of_one_predictor", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + union + lag(lwage) | ed", options = list(), information = "observed"),
  list(name = "const_inv", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + union + lag(lwage) | ed", options = list(const_inv = TRUE), information = "observed"),
  list(name = "alpha_free", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(alpha_free = TRUE), information = "observed"),
  list(name = "y_free", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(y_free = TRUE), information = "observed"),
  list(name = "x_free", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(x_free = TRUE), information = "observed"),
  list(name = "random_effects", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) + occ | ed + blk", options = list(y_lag = 0, random_effects = TRUE), information = "observed"),
  list(name = "partial_pre", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(partial_pre = TRUE), information = "observed"),
  list(name = "expected_information", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(error_inv = TRUE), information = "expected"),
  list(name = "sessions_2_to_6", data = "datasets/classic/wages.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(sessions = c(2, 6)), information = "observed"),
  list(name = "fiml_dropout", data = "Tests/SEMTests/Reference/wages-dropout.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(), information = "observed"),
  list(name = "fiml_dropout_expected", data = "Tests/SEMTests/Reference/wages-dropout.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(error_inv = TRUE), information = "expected"),
  list(name = "listwise_dropout", data = "Tests/SEMTests/Reference/wages-dropout.csv", id = "id", time = "t",
       formula = "wks ~ pre(lag(union)) + lag(lwage) | ed", options = list(missing = "listwise"), information = "observed"),
  list(name = "fiml_simulated_n119_t16", data = "Tests/SEMTests/Reference/simulated-n119-t16.csv", id = "patient", time = "session",
       formula = "y ~ pre(lag(x))", options = list(), information = "observed")
)

fit_case <- function(case) {
  long <- read.csv(here(case$data))
  r <- fit_dpm_lavaan(long, case$formula, case$options, case$id, case$time, case$information)
  stopifnot(lavInspect(r$fit, "converged"))
  options <- case$options
  if (!is.null(options$y_lag)) options$y_lag <- I(options$y_lag)
  if (!is.null(options$sessions)) options$sessions <- I(options$sessions)
  list(name = case$name, data = case$data, id = case$id, time = case$time, formula = case$formula,
       options = if (length(options)) options else structure(list(), names = character(0)),
       information = case$information,
       lavaan_seconds = r$seconds,
       expected = r$results)
}

results <- lapply(cases, function(case) { cat(case$name, "\n", file = stderr()); fit_case(case) })
out <- list(
  source = paste("lavaan", packageVersion("lavaan"), "on", R.version.string,
                 "(Benchmarks/R/mlsem-reference.R; lavaan's default nlminb settings; FIML is missing = 'ml')"),
  cases = results)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null"),
           file.path(reference, "mlsem-lavaan.json"))
cat("wrote", file.path(reference, "mlsem-lavaan.json"), "\n", file = stderr())
