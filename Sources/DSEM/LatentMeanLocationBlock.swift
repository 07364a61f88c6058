import Numerics

/// The between coefficients of the latent means (the intercept and the between covariates) and
/// the fixed covariate effects, drawn jointly in the non-centred parameterization.
///
/// A fixed covariate whose mean is far from 0 (a session trend) and the patients' latent means
/// explain the same level: drawn one given the other, they move in tiny steps. Holding each
/// patient's deviation u_i = mu_i - z~_i' alpha_mu fixed (z~_i = (1, z_i)) and the autoregressions
/// fixed, every equation is linear in (alpha_mu, gamma_x):
///
///     r_t = k_t mu_i + x_t' gamma_x + e_t,   mu_i = z~_i' alpha_mu + u_i,
///
/// with k_t and r_t as in `RandomMeanBlock` (the outcome less its lags and the random covariate
/// effects) and x_t the fixed covariates; a missing outcome without an equation adds the
/// pseudo-equation y_t - m0 = mu_i + (noise with variance v0). With the patients' sums of
/// w (k, x)(k, x)' and w (k, x) r (w = 1/sigma_i^2, or 1/v0), (alpha_mu, gamma_x) is normal with
/// precision sum_i [[S_kk z~ z~', z~ S_kx'], [S_xk z~', S_xx]] + prior and linear term
/// sum_i [z~ (S_kr - S_kk u_i), S_xr - S_xk u_i] + prior; afterwards mu_i = z~_i' alpha_mu + u_i.
/// Like `WithinCoefficientsBlock`, this interweaves with the centred draws of the same
/// parameters (`BetweenCoefficientsBlock`, `WithinCoefficientsBlock`).
enum LatentMeanLocationBlock {
    /// The fixed covariates (their covariate index and gamma slot).
    static func fixedCovariates(_ data: ModelData) -> [(covariate: Int, slot: Int)] {
        data.covariateFixedSlot.enumerated().filter { $0.element >= 0 }.map { ($0.offset, $0.element) }
    }

    /// Slots per patient: (1 + Gx)^2 products and 1 + Gx cross-products with r.
    static func stride(_ data: ModelData) -> Int {
        let n = 1 + fixedCovariates(data).count
        return n * n + n
    }

    /// Patient p's sums, into its slot of `state.locationStatistics` (`RandomMeanBlock` records
    /// them in its pass over the cells).
    static func record(_ v: PatientView, workspace w: PatientWorkspace, state: ChainState) {
        _ = RandomMeanBlock.accumulate(v, workspace: w, state: state, recordLocation: true)
    }

    /// The precision and linear term of (alpha_mu, gamma_x), and each patient's u_i.
    static func conditional(state: ChainState) -> (precision: [Double], linear: [Double], deviations: [Double]) {
        let data = state.data
        let fixed = state.fixedCovariates
        let b = data.betweenCount, n = 1 + fixed.count, size = 1 + b + fixed.count
        var precision = [Double](repeating: 0, count: size * size), linear = [Double](repeating: 0, count: size)
        var deviations = [Double](repeating: 0, count: data.patientCount)
        var z = [Double](repeating: 1, count: 1 + b)
        for p in 0..<data.patientCount {
            for k in 0..<b { z[1 + k] = data.between[p * b + k] }
            let u = state.theta[p * state.randomEffectCount] - state.randomEffectMean(patient: p, effect: 0)
            deviations[p] = u
            let slot = state.locationStatistics.baseAddress! + p * (n * n + n)
            let products = slot, cross = slot + n * n
            // Index a of the parameter vector: a <= b are alpha_mu (regressor k z~_a), then gamma_x.
            func regressorScale(_ a: Int) -> (row: Int, factor: Double) { a <= b ? (0, z[a]) : (a - b, 1) }
            for a in 0..<size {
                let (ra, fa) = regressorScale(a)
                linear[a] += fa * (cross[ra] - products[ra] * u)
                for c in 0..<size {
                    let (rc, fc) = regressorScale(c)
                    precision[a + c * size] += fa * fc * products[ra + rc * n]
                }
            }
        }
        for a in 0..<size {
            if let prior = a <= b ? data.betweenPriors[a] : data.fixedPriors[fixed[a - b - 1].slot] {
                precision[a + a * size] += prior.precision
                linear[a] += prior.mean * prior.precision
            }
        }
        return (precision, linear, deviations)
    }

    static func update(state: ChainState, stream: RandomStream) throws {
        let data = state.data
        let fixed = state.fixedCovariates
        let b = data.betweenCount, size = 1 + b + fixed.count
        var (precision, linear, deviations) = conditional(state: state)
        try precision.withUnsafeMutableBufferPointer { p in
            try linear.withUnsafeMutableBufferPointer { l in
                try CanonicalNormal.draw(precision: p.baseAddress!, linear: l.baseAddress!, order: size, stream: stream)
            }
        }
        for a in 0...b { state.alpha[a] = linear[a] }
        for (j, f) in fixed.enumerated() { state.gamma[f.slot] = linear[1 + b + j] }
        for p in 0..<data.patientCount {
            state.theta[p * state.randomEffectCount] = state.randomEffectMean(patient: p, effect: 0) + deviations[p]
        }
    }
}
