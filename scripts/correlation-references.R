# Reference fits of models with correlated residuals, for Tests/MixedModelsTests/CorrelationTests.swift.
#
#   Rscript scripts/correlation-references.R            export the datasets, fit every model, write the JSON
#   Rscript scripts/correlation-references.R NAME ...   refit only these models (the others are kept)
#
# Reads Tests/MixedModelsTests/Reference/correlation-models.tsv (one model a line: name, dataset, method,
# formula in lme4 syntax, residuals as alliance takes them, nlme's random and correlation arguments,
# note) and writes Tests/MixedModelsTests/Reference/correlation-optimum.json with, per model:
#
# - "nlme": nlme 3.1's lme() (or gls() without random effects) with its default optimizer (nlminb),
#   or optim when nlminb stops at its iteration limit: -2 logLik, fixed effects and SEs, variance
#   components, the correlation and its 95% interval from intervals();
# - "exact": the exact optimum of the same likelihood, found independently of nlme: the marginal
#   (RE)ML deviance written densely, V = Z Lambda Lambda' Z' + R(phi) (relative to sigma^2),
#   sigma^2 and beta profiled out, minimized by nlminb from nlme's estimates and lme4's theta, then
#   Newton steps with numDeriv's Richardson derivatives (as scripts/exact-references.R polishes lme4).
#   The script checks that this deviance at nlme's own estimates equals nlme's -2 logLik (same model,
#   same constants), and records by how much nlme stopped short.
#
# The session panel with missed sessions (datasets/simulated/session-panel.csv) is generated here
# with R's own random numbers (set.seed(20261201)): 6 therapists, 60 patients, up to 16 sessions
# with about 15% missed, AR(1) errors over session numbers (phi = 0.5 per session).
#
# - "kenward_roger" (REML fits): Kenward-Roger SEs and df at the exact optimum from a dense
#   implementation of pbkrtest's formulas with G_i = dV/dgamma_i by numDeriv and Kenward & Roger's
#   second-derivative term for the correlation parameter (pbkrtest itself has no such models).
#
# Needs R with nlme, lme4, pbkrtest, numDeriv, jsonlite, Matrix (Debian: r-cran-nlme, r-cran-lme4,
# r-cran-pbkrtest, r-cran-numderiv, r-cran-jsonlite). The test suite never runs R.
suppressPackageStartupMessages({
  library(nlme); library(lme4); library(numDeriv); library(jsonlite); library(Matrix); library(pbkrtest)
})
args <- commandArgs(trailingOnly = TRUE)
root <- normalizePath(file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), ".."))
setwd(root)

# ---- Datasets -------------------------------------------------------------------------------
plain <- function(d) {
  d <- as.data.frame(d)
  for (v in names(d)) if (is.factor(d[[v]])) d[[v]] <- as.character(d[[v]])
  d
}
ovary <- function() {
  d <- plain(nlme::Ovary)
  # nlme's corAR1() without a covariate uses the position within the group: export it.
  d$visit <- ave(seq_len(nrow(d)), d$Mare, FUN = seq_along)
  d
}
sessionPanel <- function() {
  set.seed(20261201)
  therapists <- 6; perTherapist <- 10; planned <- 16; phi <- 0.5
  rows <- list()
  for (i in seq_len(therapists * perTherapist)) {
    t <- (i - 1) %% therapists + 1
    u <- c(-2.1, 0.8, 1.7, -0.6, 0.3, -1.2)[t]
    v <- rnorm(1, 0, 3); w <- rnorm(1, 0, 0.15)
    attended <- c(TRUE, runif(planned - 1) > 0.15)
    sessions <- which(attended)
    e <- numeric(length(sessions)); e[1] <- rnorm(1, 0, 3)
    for (k in seq_along(sessions)[-1]) {
      r <- phi^(sessions[k] - sessions[k - 1])
      e[k] <- r * e[k - 1] + sqrt(1 - r^2) * rnorm(1, 0, 3)
    }
    alliance <- round(pmin(7, pmax(1, 4.6 + 0.04 * sessions + rnorm(length(sessions), 0, 0.7))) * 6) / 6
    distress <- 20 + u + v + (w - 0.3) * sessions - 1.2 * (alliance - 4.9) + e
    rows[[i]] <- data.frame(therapist = sprintf("T%d", t), patient = sprintf("P%02d", i), session = sessions,
                            alliance = round(alliance, 4), distress = round(distress, 2))
  }
  do.call(rbind, rows)
}
exports <- list(
  "r-packages/ovary" = ovary,
  "r-packages/bodyweight" = function() plain(nlme::BodyWeight)[, c("weight", "Time", "Rat", "Diet")],
  "simulated/session-panel" = sessionPanel
)
for (name in names(exports)) {
  path <- file.path("datasets", paste0(name, ".csv"))
  if (!file.exists(path)) write.csv(exports[[name]](), path, row.names = FALSE, na = "NA")
}
datasetPath <- function(name) {
  for (dir in c("datasets/classic", "datasets/r-packages", "datasets/simulated")) {
    p <- file.path(dir, paste0(name, ".csv"))
    if (file.exists(p)) return(p)
  }
  stop("no dataset ", name)
}

# ---- The dense likelihood -----------------------------------------------------------------------
parseResiduals <- function(text) {
  m <- regmatches(text, regexec("^\\s*(ar1|car1|cs)\\((.*)\\|(.*)\\)\\s*$", text))[[1]]
  list(kind = m[2], time = trimws(m[3]), group = trimws(m[4]))
}
# The innermost grouping of `a/b` or `a:b`: one level per combination.
innermost <- function(data, group) {
  factors <- trimws(strsplit(group, "[/:]")[[1]])
  interaction(data[factors], drop = TRUE, lex.order = TRUE)
}
# Correlation of two residuals of one group at the correlation value `r`.
corMatrix <- function(kind, times, r) {
  m <- length(times)
  if (kind == "cs") { R <- matrix(r, m, m); diag(R) <- 1; return(R) }
  gaps <- abs(outer(times, times, "-"))
  r^gaps
}
correlationValue <- function(kind, eta, largest) {
  if (kind == "cs") { l <- -1 / (largest - 1); return(l + (1 - l) * (1 + tanh(eta)) / 2) }
  tanh(eta)
}
etaOf <- function(kind, value, largest) {
  if (kind == "cs") { l <- -1 / (largest - 1); return(atanh(2 * (value - l) / (1 - l) - 1)) }
  atanh(value)
}

# Returns the deviance function of (theta, eta) and what is needed to report at a point.
denseModel <- function(formula, residuals, data, reml) {
  hasRandom <- !is.null(findbars(formula))
  if (hasRandom) {
    lf <- lFormula(formula, data = data)
    fr <- lf$fr; X <- lf$X; y <- model.response(fr)
    Zt <- lf$reTrms$Zt; Lambdat <- lf$reTrms$Lambdat; Lind <- lf$reTrms$Lind
    nth <- length(lf$reTrms$theta); lower <- lf$reTrms$lower
    used <- as.integer(rownames(fr))
  } else {
    mf <- model.frame(formula, data = data)
    X <- model.matrix(formula, mf); y <- model.response(mf)
    nth <- 0; lower <- numeric(0); used <- as.integer(rownames(mf))
  }
  res <- parseResiduals(residuals)
  d <- data[used, ]
  groups <- innermost(d, res$group)
  times <- if (res$kind == "cs") ave(seq_along(groups), groups, FUN = seq_along) else d[[res$time]]
  members <- split(seq_along(groups), groups)
  largest <- max(lengths(members))
  n <- length(y); p <- ncol(X)
  Rblock <- function(eta) {
    r <- correlationValue(res$kind, eta, largest)
    blocks <- lapply(members, function(idx) corMatrix(res$kind, times[idx], r))
    perm <- unlist(members)
    R <- bdiag(blocks)
    R[order(perm), order(perm)]
  }
  pieces <- function(par) {
    theta <- par[seq_len(nth)]; eta <- par[nth + 1]
    V <- Rblock(eta)
    if (nth > 0) {
      Lambdat@x <- theta[Lind]
      ZL <- t(Lambdat %*% Zt)
      V <- V + tcrossprod(ZL)
    }
    V <- forceSymmetric(as(V, "CsparseMatrix"))
    U <- chol(V)                         # V = U'U
    logdet <- 2 * sum(log(diag(U)))
    Xs <- as.matrix(solve(t(U), X)); ys <- as.numeric(solve(t(U), y))
    qrX <- qr(Xs)
    beta <- qr.coef(qrX, ys); r2 <- sum((ys - Xs %*% beta)^2)
    dof <- if (reml) n - p else n
    value <- logdet + dof * (1 + log(2 * pi * r2 / dof))
    if (reml) value <- value + 2 * sum(log(abs(diag(qr.R(qrX)))))
    sigma2 <- r2 / dof
    Rinv <- chol2inv(qr.R(qrX))
    ord <- qrX$pivot
    cov <- matrix(0, p, p); cov[ord, ord] <- Rinv * sigma2
    list(value = value, beta = setNames(beta, colnames(X)), se = sqrt(diag(cov)), sigma2 = sigma2,
         r = correlationValue(res$kind, eta, largest))
  }
  # V(gamma) for Kenward-Roger: gamma = the lower triangles of the terms' covariance matrices,
  # sigma^2, then the correlation r (phi or rho).
  corAt <- function(r) {
    blocks <- lapply(members, function(idx) corMatrix(res$kind, times[idx], r))
    perm <- unlist(members)
    as.matrix(bdiag(blocks))[order(perm), order(perm)]
  }
  covarianceAt <- function(gamma) {
    V <- gamma[length(gamma) - 1] * corAt(gamma[length(gamma)])
    if (nth > 0) {
      offset <- 0
      for (k in seq_along(lf$reTrms$cnms)) {
        m <- length(lf$reTrms$cnms[[k]])
        S <- matrix(0, m, m); S[lower.tri(S, diag = TRUE)] <- gamma[offset + seq_len(m * (m + 1) / 2)]
        S <- S + t(S) - diag(diag(S), m)
        offset <- offset + m * (m + 1) / 2
        rowsK <- (lf$reTrms$Gp[k] + 1):lf$reTrms$Gp[k + 1]
        Zk <- as.matrix(t(Zt[rowsK, , drop = FALSE]))
        levels <- length(rowsK) / m
        V <- V + Zk %*% kronecker(diag(levels), S) %*% t(Zk)
      }
    }
    V
  }
  list(f = function(par) pieces(par)$value, pieces = pieces, nth = nth, lower = c(lower, if (res$kind == "car1") 0 else -9),
       upper = c(rep(Inf, nth), 9), kind = res$kind, largest = largest,
       terms = if (hasRandom) lf$reTrms else NULL, X = X, covarianceAt = covarianceAt, corAt = corAt)
}

# Kenward-Roger with a residual correlation, densely: pbkrtest's vcovAdj and Lb_ddf with G_i = dV/dgamma_i
# taken by numDeriv, and Kenward & Roger's (1997) second-derivative term -R_ij / 4 in the adjusted
# covariance (R_ij = X'V^-1 (d^2 V / dgamma_i dgamma_j) V^-1 X, nonzero for (sigma^2, r) and (r, r)).
kenwardRogerDense <- function(dense, gamma) {
  X <- dense$X
  m <- length(gamma)
  V <- dense$covarianceAt(gamma)
  Vinv <- chol2inv(chol(V))
  G <- lapply(seq_len(m), function(i) {
    if (i < m) { e <- numeric(m); e[i] <- 1; return(dense$covarianceAt(gamma + e) - dense$covarianceAt(gamma) ) }
    matrix(numDeriv::jacobian(function(r) as.vector(dense$covarianceAt(c(gamma[-m], r))), gamma[m]), nrow(V))
  })
  # d^2 V: (sigma^2, r) = dR/dr; (r, r) = sigma^2 d^2 R / dr^2.
  dR <- matrix(numDeriv::jacobian(function(r) as.vector(dense$corAt(r)), gamma[m]), nrow(V))
  d2R <- matrix(numDeriv::jacobian(function(r) numDeriv::jacobian(function(s) as.vector(dense$corAt(s)), r), gamma[m]), nrow(V))
  K <- vector("list", m * m); dim(K) <- c(m, m)
  K[[m - 1, m]] <- K[[m, m - 1]] <- dR
  K[[m, m]] <- gamma[m - 1] * d2R
  Phi <- solve(t(X) %*% Vinv %*% X)
  TT <- Vinv %*% X
  H <- lapply(G, function(g) g %*% Vinv)
  O <- lapply(H, function(h) h %*% X)
  P <- lapply(O, function(o) -t(o) %*% TT)
  Q <- vector("list", m * m); dim(Q) <- c(m, m)
  for (i in 1:m) for (j in 1:m) Q[[i, j]] <- t(O[[i]]) %*% Vinv %*% O[[j]]
  IE2 <- matrix(0, m, m)
  for (i in 1:m) for (j in 1:m)
    IE2[i, j] <- sum(t(H[[i]]) * H[[j]]) - 2 * sum(Phi * Q[[i, j]]) + sum((Phi %*% P[[i]]) * (P[[j]] %*% Phi))
  W <- 2 * solve(IE2)
  U <- matrix(0, ncol(X), ncol(X))
  for (i in 1:m) for (j in 1:m) {
    term <- Q[[i, j]] - P[[i]] %*% Phi %*% P[[j]]
    if (!is.null(K[[i, j]])) term <- term - t(TT) %*% K[[i, j]] %*% TT / 4
    U <- U + W[i, j] * term
  }
  PhiA <- Phi + 2 * Phi %*% U %*% Phi
  df <- sapply(seq_len(ncol(X)), function(j) {
    L <- matrix(0, 1, ncol(X)); L[1, j] <- 1
    attr(PhiA, "P") <- P; attr(PhiA, "W") <- W
    pbkrtest::Lb_ddf(L, Phi, PhiA)
  })
  list(se = sqrt(diag(PhiA)), df = df)
}

# theta (lme4's order) from nlme's relative covariance matrices: lme4's group "b:a" is nlme's level "b".
thetaFromNlme <- function(reTrms, relative) {
  theta <- numeric(0)
  for (k in seq_along(reTrms$cnms)) {
    g <- names(reTrms$cnms)[k]
    level <- strsplit(g, ":")[[1]][1]
    D <- relative[[level]]
    cn <- reTrms$cnms[[k]]
    D <- D[cn, cn, drop = FALSE]
    L <- t(chol(D))
    theta <- c(theta, L[lower.tri(L, diag = TRUE)])
  }
  theta
}

newton <- function(f, x, lower, upper, held = rep(FALSE, length(x))) {
  value <- f(x)
  free <- !held
  if (!any(free)) return(list(par = x, value = value))
  for (iteration in 1:40) {
    g <- numDeriv::grad(f, x)[free]
    h <- numDeriv::hessian(f, x)[free, free, drop = FALSE]
    e <- eigen((h + t(h)) / 2, symmetric = TRUE)
    lambda <- pmax(abs(e$values), 1e-8 * max(abs(e$values)))
    step <- -e$vectors %*% ((t(e$vectors) %*% g) / lambda)
    accepted <- FALSE
    for (halving in 0:40) {
      candidate <- x
      candidate[free] <- pmin(pmax(x[free] + step / 2^halving, lower[free]), upper[free])
      v <- f(candidate)
      if (is.finite(v) && v < value) { accepted <- TRUE; break }
    }
    if (!accepted) break
    gain <- value - v
    x <- candidate; value <- v
    if (gain < 1e-14 * abs(value)) break
  }
  list(par = x, value = value)
}

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x)) NA else signif(x, 15)

# ---- The battery ----------------------------------------------------------------------------
battery <- read.delim("Tests/MixedModelsTests/Reference/correlation-models.tsv", comment.char = "#",
                      stringsAsFactors = FALSE, quote = "")

reference <- function(row) {
  data <- read.csv(datasetPath(row$dataset), stringsAsFactors = TRUE)
  formula <- as.formula(row$formula)
  reml <- row$method == "REML"
  method <- if (reml) "REML" else "ML"
  fixed <- nobars(formula)
  correlation <- eval(parse(text = row$nlme_correlation))
  fitNlme <- function(control) {
    if (row$nlme_random == "-") gls(fixed, data = data, correlation = correlation, method = method, control = control)
    else lme(fixed, data = data, random = eval(parse(text = row$nlme_random)), correlation = correlation,
             method = method, control = control)
  }
  optimizer <- "nlminb"
  fit <- tryCatch(fitNlme(if (row$nlme_random == "-") glsControl() else lmeControl()), error = function(e) e)
  if (inherits(fit, "error")) {
    optimizer <- paste0("optim (nlminb: ", conditionMessage(fit), ")")
    fit <- fitNlme(if (row$nlme_random == "-") glsControl(opt = "optim") else lmeControl(opt = "optim"))
  }
  nlmeObjective <- -2 * as.numeric(logLik(fit))
  phi <- as.numeric(coef(fit$modelStruct$corStruct, unconstrained = FALSE))
  ci <- tryCatch(intervals(fit, which = "var-cov")$corStruct, error = function(e) NULL)
  tt <- summary(fit)$tTable
  # nlme's summary() multiplies ML standard errors by sqrt(n / (n - p)) (adjustSigma = TRUE);
  # vcov() is the estimate itself, as lme4 reports it.
  seFixed <- sqrt(diag(vcov(fit)))

  dense <- denseModel(formula, row$residuals, data, reml)
  eta0 <- etaOf(dense$kind, phi, dense$largest)
  theta0 <- if (dense$nth > 0) thetaFromNlme(dense$terms, as.matrix(fit$modelStruct$reStruct)) else numeric(0)
  atNlme <- dense$f(c(theta0, eta0))
  if (abs(atNlme - nlmeObjective) > 1e-6 * abs(nlmeObjective))
    stop(row$name, ": the dense deviance at nlme's estimates is ", atNlme, ", nlme's -2 logLik ", nlmeObjective)
  starts <- list(c(theta0, eta0))
  if (dense$nth > 0) {
    lmerFit <- lmer(formula, data = data, REML = reml)
    starts[[2]] <- c(getME(lmerFit, "theta"), eta0)
  }
  best <- list(par = starts[[1]], value = atNlme)
  for (s in starts) {
    o <- nlminb(s, dense$f, lower = dense$lower, upper = dense$upper, control = list(eval.max = 5000, iter.max = 2000, rel.tol = 1e-14))
    pol <- newton(dense$f, o$par, dense$lower, dense$upper, held = (o$par == dense$lower & dense$lower == 0))
    if (pol$value < best$value) best <- pol
    # Standard deviations close to 0: try them at 0.
    small <- which(dense$lower == 0 & seq_along(o$par) <= dense$nth & o$par < 1e-2)
    for (i in small) {
      t0 <- pol$par; t0[i] <- 0
      p0 <- newton(dense$f, t0, dense$lower, dense$upper, held = (t0 == 0 & dense$lower == 0))
      if (p0$value < best$value) best <- p0
    }
  }
  at <- dense$pieces(best$par)
  # The Wald interval of the correlation on nlme's scale from the exact Hessian of the profiled
  # deviance (its inverse's element for eta is that of the Hessian with sigma explicit).
  exactCI <- NULL
  etaHat <- best$par[dense$nth + 1]
  if (abs(at$r) < 1 - 1e-6) {
    toNlme <- switch(dense$kind, ar1 = function(e) 2 * e, cs = function(e) 2 * e, car1 = function(e) qlogis(tanh(e)))
    fromNlme <- switch(dense$kind, ar1 = function(x) atanh(tanh(x / 2)), cs = function(x) x / 2, car1 = function(x) atanh(plogis(x)))
    freeTheta <- which(!(best$par[seq_len(dense$nth)] == 0 & dense$lower[seq_len(dense$nth)] == 0))
    g <- function(v) { par <- best$par; par[freeTheta] <- v[seq_along(freeTheta)]; par[dense$nth + 1] <- fromNlme(v[length(v)]); dense$f(par) }
    v0 <- c(best$par[freeTheta], toNlme(etaHat))
    H <- numDeriv::hessian(g, v0)
    se <- sqrt(2 * solve(H)[length(v0), length(v0)])
    x <- toNlme(etaHat)
    exactCI <- sapply(x + c(-1, 1) * qnorm(0.975) * se, function(b) correlationValue(dense$kind, fromNlme(b), dense$largest))
  }
  theta <- best$par[seq_len(dense$nth)]
  vc <- NULL
  if (dense$nth > 0) {
    # Variance components as lme4's as.data.frame(VarCorr()): variances, then covariances, residual last.
    offset <- 0
    for (k in seq_along(dense$terms$cnms)) {
      cn <- dense$terms$cnms[[k]]; m <- length(cn)
      L <- matrix(0, m, m); L[lower.tri(L, diag = TRUE)] <- theta[offset + seq_len(m * (m + 1) / 2)]
      offset <- offset + m * (m + 1) / 2
      S <- L %*% t(L) * at$sigma2
      g <- names(dense$terms$cnms)[k]
      for (i in seq_len(m)) vc[[length(vc) + 1]] <- list(group = g, var1 = cn[i], var2 = NULL, vcov = num(S[i, i]))
      if (m > 1) for (j in 1:(m - 1)) for (i in (j + 1):m)
        vc[[length(vc) + 1]] <- list(group = g, var1 = cn[j], var2 = cn[i], vcov = num(S[i, j]))
    }
  }
  vc[[length(vc) + 1]] <- list(group = "Residual", var1 = NULL, var2 = NULL, vcov = num(at$sigma2))
  # Kenward-Roger at the exact optimum (REML fits).
  kr <- NULL
  if (reml) {
    gamma <- numeric(0)
    if (dense$nth > 0) {
      offset <- 0
      for (k in seq_along(dense$terms$cnms)) {
        mm <- length(dense$terms$cnms[[k]])
        L <- matrix(0, mm, mm); L[lower.tri(L, diag = TRUE)] <- theta[offset + seq_len(mm * (mm + 1) / 2)]
        offset <- offset + mm * (mm + 1) / 2
        S <- L %*% t(L) * at$sigma2
        gamma <- c(gamma, S[lower.tri(S, diag = TRUE)])
      }
    }
    gamma <- c(gamma, at$sigma2, at$r)
    kr <- kenwardRogerDense(dense, gamma)
  }
  cat(sprintf("%s: nlme %.10f (%s), exact %.10f, nlme short by %.3g\n", row$name, nlmeObjective, optimizer,
              best$value, nlmeObjective - best$value))
  list(
    name = row$name, dataset = row$dataset, method = row$method, formula = row$formula, residuals = row$residuals,
    nlme_call = paste0(if (row$nlme_random == "-") "gls(" else "lme(", deparse1(fixed),
                       if (row$nlme_random == "-") "" else paste0(", random = ", row$nlme_random),
                       ", correlation = ", row$nlme_correlation, ", method = \"", method, "\")"),
    note = row$note, nobs = nrow(dense$X),
    nlme = list(optimizer = optimizer, objective = num(nlmeObjective), aic = num(AIC(fit)),
                correlation = num(phi),
                correlation_ci = if (is.null(ci)) NULL else I(c(num(ci[1, 1]), num(ci[1, 3]))),
                fixed = lapply(seq_len(nrow(tt)), function(i) list(term = rownames(tt)[i], estimate = num(tt[i, 1]), se = num(seFixed[i]),
                                                                  se_summary = num(tt[i, 2]))),
                sigma = num(fit$sigma)),
    exact = list(objective = num(best$value), correlation = num(at$r), eta = num(best$par[dense$nth + 1]),
                 correlation_ci = if (is.null(exactCI)) NULL else I(sapply(exactCI, num)),
                 theta = I(sapply(theta, num)), sigma = num(sqrt(at$sigma2)),
                 fixed = lapply(seq_along(at$beta), function(i) list(term = names(at$beta)[i], estimate = num(at$beta[i]), se = num(at$se[i]))),
                 random = vc,
                 kenward_roger = if (is.null(kr)) NULL else lapply(seq_along(kr$se), function(i)
                   list(term = names(at$beta)[i], se = num(kr$se[i]), df = num(kr$df[i])))),
    nlme_short_by = num(nlmeObjective - best$value)
  )
}

out <- "Tests/MixedModelsTests/Reference/correlation-optimum.json"
previous <- if (file.exists(out)) fromJSON(out, simplifyVector = FALSE)$models else list()
keep <- setNames(previous, sapply(previous, `[[`, "name"))
models <- list()
for (i in seq_len(nrow(battery))) {
  row <- battery[i, ]
  if (length(args) > 0 && !(row$name %in% args) && !is.null(keep[[row$name]])) {
    models[[length(models) + 1]] <- keep[[row$name]]
    next
  }
  models[[length(models) + 1]] <- reference(row)
}
meta <- list(R = R.version.string, nlme = as.character(packageVersion("nlme")), lme4 = as.character(packageVersion("lme4")),
             script = "scripts/correlation-references.R",
             note = "objective: the REML criterion (REML) or deviance (ML), -2 logLik; exact: the independent dense likelihood at its polished optimum")
writeLines(toJSON(list(meta = meta, models = models), auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null"), out)
