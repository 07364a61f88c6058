import Numerics

/// The residual variance sigma^2 common to all patients (Asparouhov et al. 2018, App. B).
///
/// With prior IG(a0, b0) (Mplus's IG(-1, 0) by default) and n equations with residuals e_t, the
/// conditional is IG(a0 + n/2, b0 + SSE/2), SSE = sum_i SSE_i(b_i) from each patient's sums
/// (`PatientStatistics`) and current within coefficients b_i.
enum ResidualVarianceBlock {
    static func update(_ pooled: PooledStatistics, state: ChainState, stream: RandomStream) throws {
        guard state.data.logVarianceSlot == nil else { return }
        let (shape, scale) = conditional(pooled, state: state)
        guard shape > 0, scale > 0, scale.isFinite else {
            throw DSEMComputationError("the residual variance has no proper posterior (IG(\(shape), \(scale))): too few equations, or residuals that are all 0")
        }
        state.residualVariance = stream.inverseGamma(shape: shape, scale: scale)
    }

    static func conditional(_ pooled: PooledStatistics, state: ChainState) -> (shape: Double, scale: Double) {
        var sse = 0.0
        var b = [Double](repeating: 0, count: PatientStatistics.coefficientCount(state.data))
        for p in 0..<state.patientCount {
            PatientStatistics.coefficients(patient: p, state: state, into: &b)
            sse += PatientStatistics.residualSumOfSquares(patient: p, coefficients: b, state: state)
        }
        let prior = state.data.specification.priors.residualVariance
        return (prior.shape + pooled.equations / 2, prior.scale + max(sse, 0) / 2)
    }
}
