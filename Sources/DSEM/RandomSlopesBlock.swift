import Numerics

/// The random slopes of one patient, jointly (Asparouhov et al. 2018, App. B, block B2: drawn
/// apart from mu, because the autoregression multiplies mu in d_t-k = y_t-k - mu).
///
/// With mu and everything else fixed, each equation is a linear regression of
/// u_t = d_t - (fixed autoregressions and covariates) on the regressors g_t of the random slopes
/// (d_(t - L_k) for a random phi_k, x_jt for a random beta_j) with variance sigma^2. With the
/// conditional prior of the slopes given mu (and log sigma^2) from the between model (precision
/// Q_SS, linear term l_S; `RandomEffectPrior`), the slopes are normal with precision
/// Q_SS + sum g_t g_t' / sigma^2 and linear term l_S + sum g_t u_t / sigma^2, drawn by
/// `CanonicalNormal` (Cholesky of the precision).
enum RandomSlopesBlock {
    static func update(_ v: PatientView, workspace w: PatientWorkspace, state: ChainState, stream: RandomStream) throws {
        let q = slopeCount(state.data)
        guard q > 0 else { return }
        accumulate(v, workspace: w, state: state)
        try CanonicalNormal.draw(precision: w.precision.baseAddress!, linear: w.linear.baseAddress!, order: q, stream: stream)
        for i in 0..<q { v.theta[1 + i] = w.linear[i] }
        v.loadCoefficients(state: state, covariateParts: state.hasRandomCovariateSlope)
    }

    /// The number of random slopes (random effects other than mu and log sigma^2).
    static func slopeCount(_ data: ModelData) -> Int {
        data.randomEffectCount - 1 - (data.logVarianceSlot == nil ? 0 : 1)
    }

    /// Fills the workspace's precision and linear term of the slopes' full conditional.
    static func accumulate(_ v: PatientView, workspace w: PatientWorkspace, state: ChainState) {
        let q = slopeCount(state.data)
        for i in 0..<(q * q) { w.precision[i] = 0 }
        for i in 0..<q { w.linear[i] = 0 }
        RandomEffectPrior.addConditional(v, effects: 1..<(1 + q), state: state, precision: w.precision, linear: w.linear)
        let inverseVariance = 1 / v.variance
        let g = w.regressors
        for t in 0..<v.count where v.hasEquation[t] {
            // Regressors of the random slopes, and u_t = e_t + their current contribution.
            var u = v.residual(t)
            for a in 0..<v.lagCount where state.autoregressiveRandomSlot[a] >= 1 {
                let x = v.deviation(t - v.lags[a])
                g[state.autoregressiveRandomSlot[a] - 1] = x
                u += v.phi[a] * x
            }
            let row = v.covariates + t * v.covariateCount
            for k in 0..<v.covariateCount where state.covariateRandomSlot[k] >= 1 {
                let x = row[k]
                g[state.covariateRandomSlot[k] - 1] = x
                u += v.beta[k] * x
            }
            for a in 0..<q {
                let ga = g[a] * inverseVariance
                w.linear[a] += ga * u
                for b in 0..<q { w.precision[a + b * q] += ga * g[b] }
            }
        }
    }
}
