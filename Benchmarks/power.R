# The power study of `alliance power` done the way simr does it: a loop of simulating a dataset
# and refitting lme4 models (with lmerTest's Satterthwaite tests), for the benchmark in
# Benchmarks/power.sh. It reads the study from the configuration `alliance power --print-config`
# writes (so both programs run the same design, the `drop` criterion and the three estimators),
# simulates with the equations of docs/METHODS.md ("Simulation"), and times the loop.
#
# Usage: Rscript Benchmarks/power.R CONFIG.yaml REPS SEED CORES
# Prints: r-power SECONDS REPS replications, CORES cores, FITS fits, FAILED failed fits,
# and the mean estimate of each focal term (a check that the two programs agree in distribution).
suppressPackageStartupMessages({ library(yaml); library(lme4); library(lmerTest); library(parallel) })

args <- commandArgs(trailingOnly = TRUE)
cfg <- yaml.load_file(args[1])
reps <- as.integer(args[2]); seed <- as.integer(args[3]); cores <- as.integer(args[4])

observe <- function(latent, scale) {
  y <- if (scale$values_per_point > 0) round(latent * scale$values_per_point) / scale$values_per_point else latent
  pmin(scale$maximum, pmax(scale$minimum, y))
}

session_probabilities <- function(s) {
  n <- s$minimum:s$maximum
  w <- switch(s$distribution,
    fixed = as.numeric(n == s$mean), uniform = rep(1, length(n)), poisson = dpois(n, s$mean),
    "negative-binomial" = dnbinom(n, size = s$mean^2 / (s$sd^2 - s$mean), mu = s$mean))
  list(n = n, p = w / sum(w))
}

# One dataset in the long format, as alliance's SimulatedSample (same equations; R's own streams).
# The per-session recursion is sequential, so it is a loop over sessions; parameters are pulled
# out of the configuration into plain vectors first, as a careful R user would.
simulate <- function(cfg) {
  a <- cfg$alliance; r <- cfg$ruptures; d <- cfg$distress; m <- cfg$missing
  k2 <- c("patient", "therapist")
  mean_a <- sapply(k2, function(k) a[[k]]$mean); slope_a <- sapply(k2, function(k) a[[k]]$slope)
  phi <- sapply(k2, function(k) a[[k]]$autoregression); sig <- sapply(k2, function(k) a[[k]]$residual_sd)
  miss_a <- c(m$alliance_patient, m$alliance_therapist)
  sens <- c(r$sensitivity$patient, r$sensitivity$therapist)
  beta_r <- c(d$rupture_effect$patient, d$rupture_effect$therapist)
  beta_p <- c(d$repair_effect$patient, d$repair_effect$therapist)
  logit_rate <- qlogis(r$rate)
  feedback <- if (d$residual_sd > 0) r$distress_feedback else 0
  sp <- session_probabilities(cfg$sessions)
  th <- cbind(rnorm(cfg$therapists, 0, a$patient$therapist_sd), rnorm(cfg$therapists, 0, a$therapist$therapist_sd),
              rnorm(cfg$therapists, 0, d$therapist_sd))
  sw <- max(d$residual_sd / sqrt(1 - d$autoregression^2), 1e-300)
  rows <- vector("list", cfg$patients)
  for (i in seq_len(cfg$patients)) {
    j <- if (cfg$caseload == "balanced") (i - 1) %% cfg$therapists + 1 else sample.int(cfg$therapists, 1)
    N <- sp$n[sample.int(length(sp$n), 1, prob = sp$p)]
    z1 <- rnorm(1); z2 <- rnorm(1); rc <- a$rater_correlation
    intercept <- c(a$patient$patient_sd * z1, a$therapist$patient_sd * (rc * z1 + sqrt(1 - rc^2) * z2))
    slope <- c(rnorm(1, 0, a$patient$slope_sd), rnorm(1, 0, a$therapist$slope_sd))
    u <- rnorm(1, 0, d$patient_sd); v <- rnorm(1, 0, d$slope_sd)
    z <- rnorm(2, 0, sig / sqrt(1 - phi^2))
    w <- rnorm(1, 0, sw)
    drop_now <- c(0, 0)                        # summed sizes of the open perceived ruptures
    repair_at <- numeric(0); repair_size <- numeric(0); repair_seen <- list()
    prev_start <- c(FALSE, FALSE); prev_repair <- c(FALSE, FALSE)
    # The draws every session needs, drawn at once.
    eps <- rnorm(N, 0, d$residual_sd); eta <- matrix(rnorm(2 * N, 0, sig), 2)
    onset <- runif(N); attend <- runif(N) >= m$session; gone <- runif(N)
    na_a <- matrix(runif(2 * N), 2) < miss_a; na_d <- runif(N) < m$distress
    out <- matrix(NA_real_, N, 3); kept <- logical(N)
    for (t in seq_len(N)) {
      if (t > 1) {
        w <- d$autoregression * w + sum(beta_r[prev_start]) + sum(beta_p[prev_repair]) + eps[t]
        z <- phi * z + eta[, t]
      }
      repaired <- c(FALSE, FALSE)
      if (length(repair_at)) {
        due <- which(repair_at == t)
        for (k in due) { drop_now <- drop_now - repair_size[k] * repair_seen[[k]]; repaired <- repaired | repair_seen[[k]] }
        if (length(due)) { repair_at <- repair_at[-due]; repair_size <- repair_size[-due]; repair_seen <- repair_seen[-due] }
      }
      started <- c(FALSE, FALSE)
      if (t >= 2 && onset[t] < plogis(logit_rate + feedback * w / sw)) {
        size <- if (r$size_sd > 0) rgamma(1, shape = (r$size_mean / r$size_sd)^2, scale = r$size_sd^2 / r$size_mean) else r$size_mean
        started <- runif(2) < sens
        drop_now <- drop_now + size * started
        at <- if (runif(1) < r$repair_probability) t + 1 + (if (r$repair_delay_mean > 1) rpois(1, r$repair_delay_mean - 1) else 0) else Inf
        if (any(started)) { repair_at <- c(repair_at, at); repair_size <- c(repair_size, size); repair_seen <- c(repair_seen, list(started)) }
      }
      if (attend[t]) {
        kept[t] <- TRUE
        out[t, 1:2] <- ifelse(na_a[, t], NA, mean_a + intercept + th[j, 1:2] + (slope_a + slope) * (t - 1) + z - drop_now)
        out[t, 3] <- if (na_d[t]) NA else d$mean + u + th[j, 3] + (d$slope + v) * (t - 1) + w
      }
      prev_start <- started; prev_repair <- repaired
      if (t < N && gone[t] < (if (length(repair_at)) cfg$dropout$open_rupture_hazard else cfg$dropout$hazard)) break
    }
    s <- which(kept)
    rows[[i]] <- cbind(i, j, s, out[s, , drop = FALSE])
  }
  x <- do.call(rbind, rows)
  data.frame(patient = x[, 1], therapist = x[, 2], session = x[, 3], alliance_patient = observe(x[, 4], a$patient$scale),
             alliance_therapist = observe(x[, 5], a$therapist$scale), distress = observe(x[, 6], d$scale))
}

# The `drop` criterion (a drop of >= 1 point between consecutive sessions, repaired on regaining
# the pre-rupture rating by the end of treatment), as alliance's detector computes it.
drop_indicators <- function(session, y, threshold = 1) {
  n <- length(y); rupture <- rep(NA_real_, n); repair <- rep(NA_real_, n)
  obs <- which(!is.na(y))
  if (length(obs) < 2) return(list(rupture = rupture, repair = repair))
  repair[obs] <- 0; rupture[obs] <- NA
  for (k in seq_along(obs)[-1]) {
    i <- obs[k]; p <- obs[k - 1]
    if (session[i] - session[p] != 1) next
    dlt <- y[p] - y[i]
    rupture[i] <- as.numeric(dlt > 0 && dlt >= threshold - 1e-9 * max(1, abs(threshold)))
    if (rupture[i] == 1) {
      later <- obs[k:length(obs)][-1]
      u <- later[y[later] >= y[p] - 1e-9 * max(1, abs(y[p]))]
      if (length(u)) repair[u[1]] <- 1
    }
  }
  list(rupture = rupture, repair = repair)
}

analysis_data <- function(df) {
  df <- df[order(df$patient, df$session), ]
  key <- paste(df$patient, df$session)
  df$distress_next <- df$distress[match(paste(df$patient, df$session + 1), key)]
  df$distress_within <- df$distress - ave(df$distress, df$patient, FUN = function(x) mean(x, na.rm = TRUE))
  # Detrended: residuals from each patient's least-squares line on session (three ratings needed).
  ok <- !is.na(df$distress)
  g <- df$patient
  n <- ave(as.numeric(ok), g, FUN = sum)
  tb <- ave(ifelse(ok, df$session, 0), g, FUN = sum) / n
  xb <- ave(ifelse(ok, df$distress, 0), g, FUN = sum) / n
  stt <- ave(ifelse(ok, (df$session - tb)^2, 0), g, FUN = sum)
  stx <- ave(ifelse(ok, (df$session - tb) * (df$distress - xb), 0), g, FUN = sum)
  df$distress_detrended <- ifelse(ok & n >= 3 & stt > 0, df$distress - (xb + stx / stt * (df$session - tb)), NA)
  df$distress_next_detrended <- df$distress_detrended[match(paste(df$patient, df$session + 1), key)]
  df$patient <- factor(df$patient)
  df
}

formulas <- list(
  "lagged-observed" = distress_next ~ distress + rupture + repair + session + (1 | patient),
  "lagged-centred" = distress_next ~ distress_within + rupture + repair + session + (1 | patient),
  "detrended" = distress_next_detrended ~ distress_detrended + rupture + repair + (1 | patient))

replication <- function(rep) {
  df <- analysis_data(simulate(cfg))
  out <- list()
  for (rater in cfg$analysis$raters) {
    col <- paste0("alliance_", rater)
    ind <- lapply(split(seq_len(nrow(df)), df$patient), function(i) drop_indicators(df$session[i], df[[col]][i]))
    df$rupture <- unlist(lapply(ind, `[[`, "rupture")); df$repair <- unlist(lapply(ind, `[[`, "repair"))
    for (e in names(formulas)) {
      est <- tryCatch({
        fit <- suppressMessages(suppressWarnings(lmer(formulas[[e]], data = df, REML = TRUE)))
        co <- summary(fit)$coefficients
        co[intersect(c("rupture", "repair"), rownames(co)), c("Estimate", "Std. Error", "df", "Pr(>|t|)"), drop = FALSE]
      }, error = function(err) NULL)
      out[[paste(rater, e)]] <- est
    }
  }
  out
}

RNGkind("L'Ecuyer-CMRG"); set.seed(seed)
start <- Sys.time()
results <- mclapply(seq_len(reps), replication, mc.cores = cores, mc.set.seed = TRUE)
seconds <- as.numeric(difftime(Sys.time(), start, units = "secs"))
fits <- reps * length(cfg$analysis$raters) * length(formulas)
failed <- sum(sapply(results, function(r) sum(sapply(r, is.null))))
cat(sprintf("r-power %.3f %d replications, %d cores, %d fits, %d failed fits\n", seconds, reps, cores, fits, failed))
for (key in names(results[[1]])) for (term in c("rupture", "repair")) {
  x <- unlist(lapply(results, function(r) if (!is.null(r[[key]]) && term %in% rownames(r[[key]])) r[[key]][term, "Estimate"]))
  cat(sprintf("  %s %s mean estimate %.3f (%d fits)\n", key, term, mean(x), length(x)))
}
