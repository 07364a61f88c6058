// The two-level DSEM of `alliance dsem` (docs/METHODS.md, "Dynamic structural equation models"),
// written for Stan (rstan 2.21's Stan 2.21 syntax) to check alliance's Gibbs sampler against it on the same data and priors:
//
//   y_it = mu_i + phi_i (y_i,t-1 - mu_i) + x_it' beta + e_it,   e_it ~ N(0, sigma^2)
//   (mu_i, phi_i) ~ MVN((alpha_mu, alpha_phi), Omega)
//
// with the latent initial condition (the deviation before each patient's first cell, d_i0, has
// the prior N(m0, v0)), missing outcomes as parameters (a missing outcome without an equation has
// the prior N(mu_i + m0, v0)), and Mplus's default priors: flat on alpha, beta and sigma^2
// (IG(-1, 0)), flat on Omega (IW(0, -3)): Stan's uniform density over its constrained parameters
// is exactly that, so no prior statements appear for them. The random effects are non-centred
// (theta_i = alpha + chol(Omega) z_i), which changes nothing in the posterior.
//
// The data are laid out as alliance lays them out (cells by session number from each patient's
// first to last observed outcome; an equation where the lagged covariates are known; lagged
// covariates before the first session 0) by Benchmarks/R/dsem-stan.R, which builds the layout
// itself from the CSV file.
data {
  int<lower=1> N;                        // patients
  int<lower=1> C;                        // cells
  int<lower=1> start[N + 1];             // patient i owns cells start[i] .. start[i + 1] - 1
  vector[C] y_observed;                  // 0 where missing
  int<lower=0, upper=1> missing[C];
  int<lower=0, upper=1> equation[C];
  int<lower=0> J;                        // covariates (fixed effects)
  matrix[C, J] x;
  int<lower=0> M;                        // missing outcomes
  int<lower=1, upper=C> missing_index[M];
  real m0;
  real<lower=0> v0;
}
parameters {
  vector[M] y_missing;
  vector[N] d0;
  vector[2] alpha;
  cov_matrix[2] Omega;
  matrix[2, N] z;
  vector[J] beta;
  real<lower=0> sigma2;
}
transformed parameters {
  matrix[2, N] theta = rep_matrix(alpha, N) + cholesky_decompose(Omega) * z;
}
model {
  vector[C] y = y_observed;
  real sigma = sqrt(sigma2);
  y[missing_index] = y_missing;
  to_vector(z) ~ std_normal();
  d0 ~ normal(m0, sqrt(v0));
  for (i in 1:N) {
    real mu = theta[1, i];
    real phi = theta[2, i];
    for (c in start[i]:(start[i + 1] - 1)) {
      real previous = c == start[i] ? d0[i] : y[c - 1] - mu;
      if (equation[c] == 1) {
        real mean_c = mu + phi * previous;
        if (J > 0) mean_c += x[c] * beta;
        y[c] ~ normal(mean_c, sigma);
      } else if (missing[c] == 1) {
        y[c] ~ normal(mu + m0, sqrt(v0));
      }
    }
  }
}
