# alliance dsem against Stan on the same data, model and priors (called by Benchmarks/dsem-stan.sh).
#
#   Rscript Benchmarks/R/dsem-stan.R DATA.csv OUTCOME COVARIATES ALLIANCE.json ALLIANCE-DRAWS.csv V0 OUT-DIR
#
# COVARIATES: comma-separated columns entered at lag 1 (fixed effects), or "-" for none.
# Builds the data layout of alliance's DSEM from the CSV itself (cells by session number from each
# patient's first to last observed outcome, an equation where the lagged covariates are known,
# lagged covariates before the first session 0, the latent initial condition with prior
# N(0, V0)), runs Benchmarks/R/dsem.stan (2 chains of 2,000 iterations, 1,000 of them warmup,
# in parallel), and compares with alliance's summaries and draws:
#   - posterior means: |alliance - Stan| / sqrt(MCSE_alliance^2 + MCSE_Stan^2) (target < 3),
#     each MCSE = posterior SD / sqrt(ESS);
#   - posterior SDs: alliance / Stan (target within 10%);
#   - effective samples per second of wall time (warmup included on both sides), with the ESS of
#     both programs' draws computed here by the same function, rstan::ess_bulk.
suppressPackageStartupMessages({ library(rstan); library(jsonlite) })
args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 7)
data_path <- args[1]; outcome <- args[2]
covariates <- if (args[3] == "-") character(0) else strsplit(args[3], ",")[[1]]
alliance <- fromJSON(args[4], simplifyVector = FALSE)
alliance_draws <- read.csv(args[5], check.names = FALSE)
v0 <- as.numeric(args[6]); out_dir <- args[7]

d <- read.csv(data_path)
d <- d[order(match(d$patient, unique(d$patient)), d$session), ]
cells <- list(); N <- 0
for (p in unique(d$patient)) {
  rows <- d[d$patient == p, ]
  full <- data.frame(session = min(rows$session):max(rows$session))
  full <- merge(full, rows, by = "session", all.x = TRUE)
  for (v in covariates) full[[paste0("lag_", v)]] <- c(0, head(full[[v]], -1))  # before the first session: 0
  observed <- which(!is.na(full[[outcome]]))
  if (length(observed) == 0) next
  full <- full[min(observed):max(observed), ]
  full$patient <- p
  N <- N + 1
  cells[[N]] <- full
}
cells <- do.call(rbind, cells)
lagged <- as.matrix(cells[, paste0("lag_", covariates), drop = FALSE])
equation <- as.integer(if (length(covariates)) rowSums(is.na(lagged)) == 0 else rep(TRUE, nrow(cells)))
lagged[is.na(lagged)] <- 0
y <- cells[[outcome]]
counts <- as.integer(table(factor(cells$patient, levels = unique(cells$patient))))
standata <- list(N = N, C = nrow(cells), start = as.array(c(1L, 1L + cumsum(counts))),
                 y_observed = ifelse(is.na(y), 0, y), missing = as.integer(is.na(y)), equation = equation,
                 J = length(covariates), x = lagged, M = sum(is.na(y)), missing_index = as.array(which(is.na(y))),
                 m0 = 0, v0 = v0)
cat(sprintf("layout: %d patients, %d cells, %d observed, %d missing, %d equations (alliance: %d, %d, %d, %d, %d)\n",
            N, nrow(cells), sum(!is.na(y)), sum(is.na(y)), sum(equation),
            alliance$data$patients, alliance$data$sessions, alliance$data$observed, alliance$data$missing_sampled,
            alliance$data$equations))

# Debian's r-cran-bh is a virtual package whose Boost headers are the system's, in /usr/include.
boost <- if (file.exists(rstan_options("boost_lib"))) NULL else "/usr/include"
model <- stan_model("Benchmarks/R/dsem.stan", boost_lib = boost)
fit <- sampling(model, data = standata, chains = 2, iter = 2000, warmup = 1000, cores = 2, seed = 1, refresh = 0)
elapsed <- get_elapsed_time(fit)
stan_seconds <- max(rowSums(elapsed))  # chains run side by side: wall time is the slower chain
sampler <- get_sampler_params(fit, inc_warmup = FALSE)
divergent <- sum(sapply(sampler, function(s) sum(s[, "divergent__"])))

# The same parameters on both sides, alliance's names first.
pars <- list("(Intercept)" = "alpha[1]", "lag(distress)" = "alpha[2]")
names(pars)[2] <- paste0("lag(", outcome, ")")
for (j in seq_along(covariates)) pars[[paste0("lag(", covariates[j], ")")]] <- sprintf("beta[%d]", j)
pars[[sprintf("Var((Intercept))")]] <- "Omega[1,1]"
pars[[sprintf("Var(lag(%s))", outcome)]] <- "Omega[2,2]"
pars[[sprintf("Cov((Intercept), lag(%s))", outcome)]] <- "Omega[2,1]"
pars[["Residual variance"]] <- "sigma2"

stan_array <- as.array(fit)
kept <- alliance_draws[alliance_draws$kept == 1, ]
alliance_chains <- split(kept, kept$chain)
alliance_seconds <- alliance$timing$sampling_seconds
rows <- list()
for (name in names(pars)) {
  s <- stan_array[, , pars[[name]]]                        # iterations x chains
  a <- sapply(alliance_chains, function(ch) ch[[name]])    # iterations x chains
  ess_s <- ess_bulk(s); ess_a <- ess_bulk(a)
  mcse <- sqrt(sd(a)^2 / ess_a + sd(s)^2 / ess_s)
  rows[[name]] <- data.frame(parameter = name, alliance_mean = mean(a), stan_mean = mean(s),
                             z = (mean(a) - mean(s)) / mcse, sd_ratio = sd(a) / sd(s),
                             alliance_ess = ess_a, stan_ess = ess_s,
                             ess_per_second_ratio = (ess_a / alliance_seconds) / (ess_s / stan_seconds))
}
result <- do.call(rbind, rows)
rownames(result) <- NULL
cat(sprintf("Stan: %.1f s (wall, 2 chains in parallel, 1,000 warmup + 1,000 draws each), %d divergent transitions\n",
            stan_seconds, divergent))
cat(sprintf("alliance: %.3f s (wall, 2 chains in parallel, %d iterations each, the last %d kept), converged: %s\n",
            alliance_seconds, alliance$iterations$total, alliance$iterations$kept, alliance$converged))
print(result, digits = 4, row.names = FALSE)
cat(sprintf("means within 3 MCSE: %s (largest |z| %.2f); SDs within 10%%: %s (ratios %.3f-%.3f)\n",
            all(abs(result$z) < 3), max(abs(result$z)), all(abs(result$sd_ratio - 1) < 0.1),
            min(result$sd_ratio), max(result$sd_ratio)))
cat(sprintf("ESS per second, alliance / Stan: smallest %.0fx, median %.0fx\n",
            min(result$ess_per_second_ratio), median(result$ess_per_second_ratio)))
write.csv(result, file.path(out_dir, "stan-comparison.csv"), row.names = FALSE)
