# Checks the ML-SEM step of `alliance replicate` with lavaan: the per-rater model
#   distress ~ pre(lag(rupture_r)) + pre(lag(repair_r)), sessions 3-12, FIML, observed information
# on the bundled data, fitted by lavaan::sem() from the model alliance prints (--print-model) and
# the annotated data reshaped to wide here (independently of alliance's reshaping).
#
# Usage (from the repository root, after `swift build -c release --product alliance`):
#   .build/release/alliance ruptures datasets/sud-synthetic.csv --annotate /tmp/mc/annotated.csv
#   for r in therapist patient; do
#     .build/release/alliance mlsem /tmp/mc/annotated.csv --sessions 3:12 --print-model \
#       --formula "distress ~ pre(lag(rupture_$r)) + pre(lag(repair_$r))" > /tmp/mc/model_$r.lav
#     .build/release/alliance mlsem /tmp/mc/annotated.csv --sessions 3:12 --format json \
#       --formula "distress ~ pre(lag(rupture_$r)) + pre(lag(repair_$r))" > /tmp/mc/fit_$r.json
#   done
#   Rscript Benchmarks/R/mlsem-replicate-check.R /tmp/mc
# A rater whose alliance fit failed has an empty or missing fit_<rater>.json; lavaan is fitted anyway.
#
# Result (lavaan 0.6.14, R 4.2, 2026-12-01, main at 9f2bd98): therapist-rated, log-likelihoods
# within 7e-9, every estimate within 4e-5 SE, every SE within 1.2e-5 relative, chi-square and
# CFI/TLI/RMSEA to 7 digits (SRMR only once lavaan's saturated EM is run to convergence). Patient-
# rated: lavaan fails too (EM and nlminb do not converge; the saturated block's covariance goes
# singular, smallest eigenvalue ~1e-8): the likelihood has no interior maximum. Both raters'
# printed models are, statement for statement, dpm's model as Benchmarks/R/dpm-model.R writes it.

suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[[1]] else "/tmp/mc"
first <- 3; last <- 12

long <- read.csv(file.path(dir, "annotated.csv"), na.strings = c("NA", ""))

# Wide over sessions first..last: one row per patient, <var>_<session>; a session the patient has
# no row for is NA. Patients without any value in the model's variables are dropped (lavaan drops
# them too under missing = "ml").
wide_sessions <- function(long, vars) {
  ids <- sort(unique(long$patient))
  out <- data.frame(patient = ids)
  for (v in vars) for (s in first:last) {
    rows <- long[long$session == s, c("patient", v)]
    out[[paste0(v, "_", s)]] <- rows[[v]][match(ids, rows$patient)]
  }
  out
}

coef_row <- function(pe, label, term) {
  r <- pe[pe$label == label & pe$op == "~", ][1, ]
  data.frame(term = term, estimate = r$est, se = r$se, z = r$z, p = r$pvalue)
}

for (rater in c("therapist", "patient")) {
  cat(sprintf("\n===== %s-rated: distress ~ pre(lag(rupture_%s)) + pre(lag(repair_%s)), sessions %d-%d =====\n",
              rater, rater, rater, first, last))
  model <- paste(readLines(file.path(dir, sprintf("model_%s.lav", rater))), collapse = "\n")
  vars <- c("distress", paste0("rupture_", rater), paste0("repair_", rater))
  wide <- wide_sessions(long, vars)
  used <- lavaanNames(lavaanify(model), "ov")
  wide <- wide[rowSums(!is.na(wide[, used])) > 0, ]
  cat(sprintf("patients with a value: %d; observed variables in the model: %d\n", nrow(wide), length(used)))
  zero_var <- used[sapply(used, function(v) isTRUE(var(wide[[v]], na.rm = TRUE) == 0))]
  if (length(zero_var)) cat("variables without variance:", zero_var, "\n")

  fit <- tryCatch(
    withCallingHandlers(
      sem(model, data = wide, missing = "ml", information = "observed", fixed.x = FALSE),
      warning = function(w) { cat("lavaan warning:", conditionMessage(w), "\n"); invokeRestart("muffleWarning") }),
    error = function(e) { cat("lavaan error:", conditionMessage(e), "\n"); NULL })
  if (is.null(fit)) next
  # The saturated block alone (free means, variances, covariances; FIML): the full model contains
  # it, so if its likelihood has no interior maximum (the covariance goes singular), neither does
  # the model's.
  vb <- c(grep("^(rupture|repair)_", used, value = TRUE), paste0("distress_", first))
  sat <- paste(c(combn(vb, 2, function(p) paste(p[1], "~~", p[2])), paste(vb, "~~", vb), paste(vb, "~ 1")),
               collapse = "\n")
  fb <- suppressWarnings(sem(sat, data = wide, missing = "ml", fixed.x = FALSE))
  evs <- eigen(lavInspect(fb, "cov.ov"), symmetric = TRUE, only.values = TRUE)$values
  cat(sprintf("saturated block alone: converged %s, covariance eigenvalues %.3g .. %.3g\n",
              lavInspect(fb, "converged"), min(evs), max(evs)))
  opt <- fit@optim
  # lavaan's "npar" counts each labelled copy of en1/en2/p1 (9 waves each); less the 24 equality
  # constraints it is alliance's free_parameters.
  ll <- suppressWarnings(as.numeric(logLik(fit)))
  cat(sprintf("lavaan: converged %s, iterations %d, free parameters %d (%d before equality constraints), logLik %.6f\n",
              lavInspect(fit, "converged"), lavInspect(fit, "iterations"),
              sum(parTable(fit)$free > 0) - sum(parTable(fit)$op == "=="), lavInspect(fit, "npar"), ll))
  if (lavInspect(fit, "converged")) {
    measures <- c("chisq", "df", "cfi", "tli", "rmsea", "srmr")
    fm <- fitMeasures(fit, measures)
    cat("lavaan fit measures:", paste(names(fm), sprintf("%.7g", fm), sep = " = ", collapse = ", "), "\n")
    # lavaan's EM for the saturated moments stops at an absolute change of 1e-5 or 500 iterations;
    # alliance's goes to a relative change of 1e-9. SRMR depends on those moments most.
    tight <- suppressWarnings(sem(model, data = wide, missing = "ml", information = "observed", fixed.x = FALSE,
                                  em.h1.tol = 1e-12, em.h1.iter.max = 200000))
    fm <- fitMeasures(tight, measures)
    cat("lavaan fit measures, saturated EM to 1e-12:", paste(names(fm), sprintf("%.7g", fm), sep = " = ", collapse = ", "), "\n")
  }
  # The model-implied covariance of the saturated block (indicator waves 3-11 and distress_3):
  # near-singular means the likelihood has no interior maximum.
  block <- c(grep("^(rupture|repair)_", used, value = TRUE), paste0("distress_", first))
  evb <- eigen(lavInspect(fit, "cov.ov")[block, block], symmetric = TRUE, only.values = TRUE)$values
  cat(sprintf("implied covariance of the %d-variable saturated block: smallest eigenvalue %.3g, largest %.3g\n",
              length(block), min(evb), max(evb)))
  # The observed information at lavaan's solution: positive definite? (smallest eigenvalue)
  info <- tryCatch(lavInspect(fit, "information.observed"), error = function(e) NULL)
  if (!is.null(info)) {
    ev <- eigen(info, symmetric = TRUE, only.values = TRUE)$values
    cat(sprintf("observed information: smallest eigenvalue %.3g, largest %.3g\n", min(ev), max(ev)))
  }
  if (!lavInspect(fit, "converged")) cat("lavaan did not converge: no standard errors\n")
  pe <- suppressWarnings(parameterEstimates(fit))
  la <- rbind(coef_row(pe, "en1", sprintf("lag(rupture_%s)", rater)),
              coef_row(pe, "en2", sprintf("lag(repair_%s)", rater)),
              coef_row(pe, "p1", "lag(distress)"))

  json <- file.path(dir, sprintf("fit_%s.json", rater))
  if (file.exists(json) && file.info(json)$size > 0 && requireNamespace("jsonlite", quietly = TRUE)) {
    al <- jsonlite::fromJSON(json)
    cat(sprintf("alliance: converged %s, free parameters %d, logLik %.6f; difference (alliance - lavaan) %.3g\n",
                al$converged, al$free_parameters, al$loglik, al$loglik - ll))
    cat(sprintf("alliance fit measures: chisq = %.7g, df = %d, cfi = %.7g, tli = %.7g, rmsea = %.7g, srmr = %.7g\n",
                al$chisq, al$df, al$cfi, al$tli, al$rmsea, al$srmr))
    ac <- al$coefficients[match(la$term, al$coefficients$term), ]
    cmp <- data.frame(term = la$term,
                      est_alliance = ac$estimate, est_lavaan = la$estimate,
                      est_reldiff = (ac$estimate - la$estimate) / abs(la$estimate),
                      se_alliance = ac$se, se_lavaan = la$se,
                      se_reldiff = (ac$se - la$se) / la$se,
                      p_alliance = ac$p, p_lavaan = la$p)
    print(cmp, digits = 6, row.names = FALSE)
    # Every free parameter side by side (alliance's parameter table has lavaan's lhs/op/rhs).
    ap <- al$parameters[al$parameters$free, ]
    key_a <- paste(ap$lhs, ap$op, ap$rhs); key_l <- paste(pe$lhs, pe$op, pe$rhs)
    key_l_rev <- paste(pe$rhs, pe$op, pe$lhs)
    i <- match(key_a, key_l); j <- match(key_a, key_l_rev)
    i[is.na(i)] <- j[is.na(i)]
    cat(sprintf("all %d free parameters matched in lavaan: %d; max |est difference| / SE %.3g; max |SE relative difference| %.3g\n",
                nrow(ap), sum(!is.na(i)),
                max(abs(ap$estimate - pe$est[i]) / pe$se[i], na.rm = TRUE),
                max(abs(ap$se - pe$se[i]) / pe$se[i], na.rm = TRUE)))
  } else {
    cat("alliance: no fit (see its error message); lavaan alone:\n")
    print(la, digits = 6, row.names = FALSE)
  }
  invisible(warnings())
}

# The model alliance prints against dpm's model written independently (Benchmarks/R/dpm-model.R,
# from dpm's model_builder.R): lavaan's parameter tables (free parameters and alpha's loadings,
# with labels) of the two must be the same statements.
source(file.path("Benchmarks", "R", "dpm-model.R"))
for (rater in c("therapist", "patient")) {
  f <- parse_dpm_formula(sprintf("distress ~ pre(lag(rupture_%s)) + pre(lag(repair_%s))", rater, rater))
  m <- dpm_model(long, f$dv, f$terms, f$constants, id = "patient", wave = "session", first = first, last = last)
  statements <- function(model) {
    pt <- parTable(suppressWarnings(sem(model, data = m$data, missing = "ml", do.fit = FALSE)))
    pt <- pt[pt$free > 0 | pt$op == "=~", ]
    swap <- pt$op == "~~" & pt$lhs > pt$rhs
    sort(paste(ifelse(swap, pt$rhs, pt$lhs), pt$op, ifelse(swap, pt$lhs, pt$rhs), pt$label))
  }
  ours <- statements(m$model)
  theirs <- statements(paste(readLines(file.path(dir, sprintf("model_%s.lav", rater))), collapse = "\n"))
  cat(sprintf("%s-rated: alliance's --print-model and dpm-model.R give %d and %d statements; identical: %s\n",
              rater, length(theirs), length(ours), identical(ours, theirs)))
}
