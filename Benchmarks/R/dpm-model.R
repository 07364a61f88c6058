# The ML-SEM dynamic panel model of Allison, Williams & Moral-Benito (2017) written in lavaan
# syntax, as the R package dpm generates it (dpm is not installed here; this is an independent
# transcription of the model, section by section as dpm's print.only output shows it), and the
# wide data it is fitted to, and a function that fits it with lavaan. Sourced by mlsem-lavaan.R
# and mlsem-reference.R.
#
# dpm_model(long, dv, terms, constants, id, wave, ...) returns list(model, data, start, end):
#   terms      data.frame(var, lag, pre): the time-varying predictors, e.g. pre(lag(union)) is
#              var = "union", lag = 1, pre = TRUE
#   constants  names of time-invariant covariates (after dpm's '|')
#   options as dpm names them: error.inv, const.inv, alpha.free, y.lag, y.free, x.free,
#   fixed.effects, partial.pre; waves are the session numbers (no recoding), optionally cut to
#   sessions first..last.

wide_data <- function(long, vars, constants, id, wave, waves) {
  ids <- unique(long[[id]])
  out <- data.frame(row.names = seq_along(ids))
  out[[id]] <- ids
  row_of <- match(long[[id]], ids)
  for (v in vars) for (w in waves) {
    col <- rep(NA_real_, length(ids))
    sel <- long[[wave]] == w
    col[row_of[sel]] <- long[[v]][sel]
    out[[paste0(v, "_", w)]] <- col
  }
  for (z in constants) {
    col <- rep(NA_real_, length(ids))
    for (i in seq_along(ids)) {
      vals <- long[[z]][row_of == i & !is.na(long[[z]])]
      if (length(vals)) col[i] <- vals[1]
    }
    out[[z]] <- col
  }
  out
}

dpm_model <- function(long, dv, terms, constants = character(0), id = "id", wave = "t",
                      error.inv = FALSE, const.inv = FALSE, alpha.free = FALSE, y.lag = 1,
                      y.free = FALSE, x.free = FALSE, fixed.effects = TRUE, partial.pre = FALSE,
                      first = NULL, last = NULL) {
  w_min <- if (is.null(first)) min(long[[wave]]) else first
  w_max <- if (is.null(last)) max(long[[wave]]) else last
  long <- long[long[[wave]] >= w_min & long[[wave]] <= w_max, ]
  y_lags <- y.lag[y.lag > 0]
  max_lag <- max(c(terms$lag, y.lag))
  start <- w_min + max_lag
  end <- w_max
  yv <- function(w) if (length(w)) paste0(dv, "_", w) else character(0)
  xv <- function(v, w) if (length(w)) paste0(v, "_", w) else character(0)
  vars <- unique(terms$var[c(which(terms$pre), which(!terms$pre))])
  # waves at which each predictor enters some equation
  waves_of <- function(v, pre_only = FALSE) {
    lags <- terms$lag[terms$var == v & (terms$pre | !pre_only)]
    (start - max(lags)):(end - min(lags))
  }
  pre_vars <- unique(terms$var[terms$pre])
  exo_vars <- setdiff(vars, pre_vars)
  initial_y <- if (length(y_lags)) w_min:(start - 1) else integer(0)
  free_x <- function(v) isTRUE(x.free) || v %in% x.free

  lines <- c()
  # Main regressions: one equation per wave start..end, coefficients equal across waves unless
  # freed.
  # labels as dpm numbers them: en1, en2, ... over pre() terms, ex1, ... over the others
  number <- ave(seq_len(nrow(terms)), terms$pre, FUN = seq_along)
  ordered <- c(which(terms$pre), which(!terms$pre))
  for (w in start:end) {
    rhs <- c()
    for (k in ordered) {
      v <- terms$var[k]
      label <- paste0(if (terms$pre[k]) "en" else "ex", number[k])
      if (free_x(v)) label <- paste0(label, "_", w)
      rhs <- c(rhs, paste0(label, "*", xv(v, w - terms$lag[k])))
    }
    for (j in seq_along(constants)) {
      label <- paste0("c", j)
      if (free_x(constants[j])) label <- paste0(label, "_", w)
      rhs <- c(rhs, paste0(label, "*", constants[j]))
    }
    for (l in y_lags) {
      free <- isTRUE(y.free) || l %in% y.free
      rhs <- c(rhs, paste0(if (free) "" else paste0("p", l, "*"), yv(w - l)))
    }
    lines <- c(lines, paste(yv(w), "~", paste(rhs, collapse = " + ")))
  }
  # alpha: loading 1 on every equation's outcome (free after the first with alpha.free)
  loadings <- sapply(start:end, yv)
  # alpha.free: lavaan fixes the first loading at 1 and frees the others
  loadings <- if (alpha.free) c(paste0("1*", loadings[1]), loadings[-1]) else paste0("1*", loadings)
  lines <- c(lines, paste("alpha =~", paste(loadings, collapse = " + ")))
  # alpha covaries with every time-varying predictor and the initial outcomes (fixed effects)
  alpha_with <- c(unlist(lapply(vars, function(v) xv(v, waves_of(v)))), yv(initial_y))
  lines <- c(lines, paste("alpha ~~", paste(paste0(if (fixed.effects) "" else "0*", alpha_with), collapse = " + ")))
  # errors correlate with later values of predetermined predictors (the waves its pre() terms
  # use, when a column is also a strictly exogenous term)
  offset <- if (partial.pre) 0 else 1
  for (w in start:(end - 1)) {
    later <- unlist(lapply(pre_vars, function(v) { ws <- waves_of(v, TRUE); xv(v, ws[ws >= w + offset]) }))
    if (length(later)) lines <- c(lines, paste(yv(w), "~~", paste(later, collapse = " + ")))
  }
  # the exogenous block (predictors at every wave, constants, initial outcomes) is saturated
  block <- c(unlist(lapply(vars, function(v) xv(v, waves_of(v)))), constants, yv(initial_y))
  if (length(block) > 1) for (a in 1:(length(block) - 1)) {
    lines <- c(lines, paste(block[a], "~~", paste(block[(a + 1):length(block)], collapse = " + ")))
  }
  # error variances and intercepts of the equations
  for (w in start:end) lines <- c(lines, paste0(yv(w), " ~~ ", if (error.inv) "v*" else "", yv(w)))
  for (w in start:end) lines <- c(lines, paste0(yv(w), " ~ ", if (const.inv) "k*" else "", "1"))

  data <- wide_data(long, c(dv, vars), constants, id, wave, w_min:w_max)
  list(model = paste(lines, collapse = "\n"), data = data, start = start, end = end)
}

# Reads dpm's formula 'y ~ pre(lag(x)) + lag(w, 2) + v | z1 + z2' into list(dv, terms, constants).
parse_dpm_formula <- function(text) {
  parts <- strsplit(text, "|", fixed = TRUE)[[1]]
  sides <- strsplit(parts[1], "~", fixed = TRUE)[[1]]
  dv <- trimws(sides[1])
  items <- trimws(strsplit(sides[2], "+", fixed = TRUE)[[1]])
  terms <- data.frame(var = character(0), lag = numeric(0), pre = logical(0))
  for (item in items) {
    pre <- grepl("^pre\\(", item)
    if (pre) item <- sub("^pre\\((.*)\\)$", "\\1", item)
    lag <- 0
    if (grepl("^lag\\(", item)) {
      inner <- trimws(strsplit(sub("^lag\\((.*)\\)$", "\\1", item), ",")[[1]])
      item <- inner[1]
      lag <- if (length(inner) > 1) as.numeric(inner[2]) else 1
    }
    terms[nrow(terms) + 1, ] <- list(item, lag, pre)
  }
  constants <- if (length(parts) > 1) trimws(strsplit(parts[2], "+", fixed = TRUE)[[1]]) else character(0)
  list(dv = dv, terms = terms, constants = constants)
}

# Fits dpm's model for `formula` (dpm's syntax) and `options` (a list with dpm's option names
# written with underscores: error_inv, const_inv, alpha_free, y_lag, y_free, x_free,
# random_effects, partial_pre, missing = "fiml" | "listwise", sessions = c(first, last)) to the
# long data with lavaan, as dpm would (FIML is lavaan's missing = "ml"). Returns the lavaan fit,
# lavaan's seconds (sem() and fitMeasures(), which fits the baseline model; and sem() alone) and
# the numbers alliance reports: fit measures, the formula's
# coefficients named as dpm names them, and every free parameter.
fit_dpm_lavaan <- function(long, formula, options = list(), id = "id", time = "t", information = "observed") {
  f <- parse_dpm_formula(formula)
  o <- options
  opt <- function(name, default) if (is.null(o[[name]])) default else o[[name]]
  m <- dpm_model(long, f$dv, f$terms, f$constants, id = id, wave = time,
                 error.inv = opt("error_inv", FALSE), const.inv = opt("const_inv", FALSE),
                 alpha.free = opt("alpha_free", FALSE), y.lag = opt("y_lag", 1),
                 y.free = opt("y_free", FALSE), x.free = opt("x_free", FALSE),
                 fixed.effects = !opt("random_effects", FALSE), partial.pre = opt("partial_pre", FALSE),
                 first = o$sessions[1], last = o$sessions[2])
  missing <- if (opt("missing", "fiml") == "fiml") "ml" else "listwise"
  fit_seconds <- system.time(fit <- lavaan::sem(m$model, data = m$data, missing = missing, information = information))[["elapsed"]]
  elapsed <- fit_seconds + system.time(fm <- lavaan::fitMeasures(fit))[["elapsed"]]
  pe <- lavaan::parameterEstimates(fit)
  coefs <- list()
  term_name <- function(v, lag) if (lag == 0) v else if (lag == 1) sprintf("lag(%s)", v) else sprintf("lag(%s, %d)", v, lag)
  add <- function(term, free, rhs_of) {
    waves <- if (free) m$start:m$end else m$start
    for (w in waves) {
      row <- pe[pe$op == "~" & pe$lhs == paste0(f$dv, "_", w) & pe$rhs == rhs_of(w), ]
      stopifnot(nrow(row) == 1)
      coefs[[length(coefs) + 1]] <<- list(term = term, session = if (free) w else NULL,
                                          estimate = row$est, se = row$se)
    }
  }
  xfree <- opt("x_free", FALSE)
  is_free_x <- function(v) isTRUE(xfree) || v %in% xfree
  ordered <- c(which(f$terms$pre), which(!f$terms$pre))
  for (k in ordered) {
    v <- f$terms$var[k]; lag <- f$terms$lag[k]
    add(term_name(v, lag), is_free_x(v), function(w) paste0(v, "_", w - lag))
  }
  for (z in f$constants) add(z, is_free_x(z), function(w) z)
  ylags <- opt("y_lag", 1)
  for (l in ylags[ylags > 0]) {
    yfree <- opt("y_free", FALSE)
    add(term_name(f$dv, l), isTRUE(yfree) || l %in% yfree, function(w) paste0(f$dv, "_", w - l))
  }
  pt <- lavaan::parTable(fit)
  pt <- pt[pt$free > 0, ]
  theta <- lapply(seq_len(nrow(pt)), function(i) list(lhs = pt$lhs[i], op = pt$op[i], rhs = pt$rhs[i],
                                                     estimate = pt$est[i], se = pt$se[i]))
  list(fit = fit, seconds = elapsed, fit_seconds = fit_seconds, model = m,
       results = list(chisq = fm[["chisq"]], df = fm[["df"]], npar = fm[["npar"]], loglik = fm[["logl"]],
                      nobs = lavaan::lavInspect(fit, "nobs"), cfi = fm[["cfi"]], tli = fm[["tli"]], rmsea = fm[["rmsea"]],
                      rmsea_ci_lower = fm[["rmsea.ci.lower"]], rmsea_ci_upper = fm[["rmsea.ci.upper"]],
                      rmsea_pvalue = fm[["rmsea.pvalue"]], srmr = fm[["srmr"]], aic = fm[["aic"]], bic = fm[["bic"]],
                      coefficients = coefs, parameters = theta))
}
