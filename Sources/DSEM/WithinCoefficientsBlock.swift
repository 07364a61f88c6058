import Numerics

/// The population values of the within coefficients: the fixed coefficients gamma (fixed
/// autoregressions and covariate effects; Asparouhov et al. 2018, App. B, blocks B11-B12) together
/// with the means alpha_S of the random slopes, drawn in the non-centred parameterization.
///
/// Each patient's within coefficients are b_i = (gamma, alpha_S + u_i), u_i the patient's
/// deviations from the slopes' means. Holding u_i (and mu_i, the latent values) fixed, every
/// equation is a linear regression d_t = x_t' (beta + (0, u_i)) + e_t on beta = (gamma, alpha_S), so
/// with the patients' sums (`PatientStatistics`) and prior N(m, v) per coefficient (flat by
/// default), beta is normal with precision s sum_i X_i'W X_i + diag(1/v) and linear term
/// s sum_i (X_i'W d_i - X_i'W X_i (0, u_i)) + m/v (s = 1/sigma^2 with a common residual variance,
/// 1 when the weights already hold 1/sigma_i^2). Afterwards each patient's slopes are
/// alpha_S + u_i with the new means.
///
/// The slopes' means are also drawn in the centred parameterization, from the random slopes
/// (`BetweenCoefficientsBlock`). Drawing them both ways each iteration is Yu & Meng's (2011)
/// ancillarity-sufficiency interweaving: each draw is a valid Gibbs step of the same posterior, and
/// together they mix well both when the slopes vary a lot between patients (where the centred
/// step is fast) and when they hardly vary (where the non-centred step is) [I: our choice; Mplus
/// uses parameter expansion, "GIBBS(PX1)" in its output].
enum WithinCoefficientsBlock {
    static func update(state: ChainState, stream: RandomStream) throws {
        let data = state.data
        let g = data.fixedCount, q = RandomSlopesBlock.slopeCount(data), m = g + q
        guard m > 0 else { return }
        var (precision, linear) = conditional(state: state)
        let deviations = slopeDeviations(state: state)
        try precision.withUnsafeMutableBufferPointer { p in
            try linear.withUnsafeMutableBufferPointer { l in
                try CanonicalNormal.draw(precision: p.baseAddress!, linear: l.baseAddress!, order: m, stream: stream)
            }
        }
        for a in 0..<g { state.gamma[a] = linear[a] }
        let r = state.randomEffectCount
        for s in 0..<q {
            let mean = linear[g + s]
            state.alpha[data.betweenIndex(ofRandomEffect: 1 + s)] = mean
            for p in 0..<data.patientCount { state.theta[p * r + 1 + s] = mean + deviations[p * q + s] }
        }
    }

    /// u_i: each patient's slopes minus their means, patient-major (q per patient).
    static func slopeDeviations(state: ChainState) -> [Double] {
        let data = state.data
        let q = RandomSlopesBlock.slopeCount(data), r = state.randomEffectCount
        var u = [Double](repeating: 0, count: data.patientCount * q)
        for p in 0..<data.patientCount {
            for s in 0..<q { u[p * q + s] = state.theta[p * r + 1 + s] - state.alpha[data.betweenIndex(ofRandomEffect: 1 + s)] }
        }
        return u
    }

    /// The precision and linear term of beta = (gamma, alpha_S) given the slopes' deviations.
    static func conditional(state: ChainState) -> (precision: [Double], linear: [Double]) {
        let data = state.data
        let g = data.fixedCount, q = RandomSlopesBlock.slopeCount(data), m = g + q
        let scale = data.logVarianceSlot == nil ? 1 / state.residualVariance : 1
        let stride = PatientStatistics.stride(coefficients: m)
        let deviations = slopeDeviations(state: state)
        var precision = [Double](repeating: 0, count: m * m), linear = [Double](repeating: 0, count: m)
        for p in 0..<data.patientCount {
            let slot = state.statistics.baseAddress! + p * stride
            let products = slot + PatientStatistics.products(m)
            for a in 0..<m {
                var l = slot[PatientStatistics.crossProducts + a]
                for s in 0..<q { l -= products[a + (g + s) * m] * deviations[p * q + s] }
                linear[a] += scale * l
                for b in 0..<m { precision[a + b * m] += scale * products[a + b * m] }
            }
        }
        for a in 0..<m {
            if let prior = a < g ? data.fixedPriors[a] : data.betweenPriors[data.betweenIndex(ofRandomEffect: 1 + a - g)] {
                precision[a + a * m] += prior.precision
                linear[a] += prior.mean * prior.precision
            }
        }
        return (precision, linear)
    }
}
