# Reference values for alliance's PSR and ESS (Tests/DSEMTests/DiagnosticsTests.swift).
#
# Writes three chains of 400 draws of an AR(1) process (autocorrelation 0.7, the third chain
# shifted) to Tests/DSEMTests/Reference/chains.csv, and the reference numbers to
# Tests/DSEMTests/Reference/diagnostics.csv:
#   - ess: Stan's classic effective sample size (Geyer's initial monotone sequence over chains),
#     rstan:::ess_rfun, the function rstan 2.21 documents as the n_eff of Stan 2.18 and earlier;
#   - psr: Gelman & Rubin's potential scale reduction as Gelman et al. (2004, pp. 296-297) define
#     it (no degrees-of-freedom correction, no split), computed here from its formula;
#   - the summaries alliance reports of the pooled draws: mean, SD, R's type-7 quantiles 2.5%,
#     50%, 97.5%, and Mplus's one-tailed p (the share of draws at or below 0 for a positive median);
#   for all three chains, and for the first two only.
# Run from the repository root: Rscript Benchmarks/R/dsem-diagnostics-reference.R
suppressPackageStartupMessages(library(rstan))
set.seed(20261201)
n <- 400
ar1 <- function(shift) as.numeric(arima.sim(list(ar = 0.7), n = n)) + shift
chains <- cbind(ar1(0), ar1(0.1), ar1(0.6))
write.csv(data.frame(chain1 = chains[, 1], chain2 = chains[, 2], chain3 = chains[, 3]),
          "Tests/DSEMTests/Reference/chains.csv", row.names = FALSE)
psr <- function(x) {
  n <- nrow(x); m <- ncol(x)
  W <- mean(apply(x, 2, var))
  B <- n * var(colMeans(x))
  sqrt(((n - 1) / n * W + B / n) / W)
}
# ess_rfun reads the chains from the file's values, so round-tripping through the CSV is exact
# up to the 15 significant digits write.csv keeps: read them back before computing.
back <- as.matrix(read.csv("Tests/DSEMTests/Reference/chains.csv"))
summaries <- function(x) {
  v <- as.vector(x)
  q <- quantile(v, c(0.025, 0.5, 0.975), type = 7)
  c(ess = rstan:::ess_rfun(x), psr = psr(x), mean = mean(v), sd = sd(v), lower = q[[1]], median = q[[2]],
    upper = q[[3]], p = if (q[[2]] >= 0) mean(v <= 0) else mean(v >= 0))
}
out <- data.frame(chains = c("1,2,3", "1,2"), rbind(summaries(back), summaries(back[, 1:2])))
write.csv(out, "Tests/DSEMTests/Reference/diagnostics.csv", row.names = FALSE)
print(out, digits = 15)
