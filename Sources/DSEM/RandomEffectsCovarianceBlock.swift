import Numerics

/// The covariance matrix Omega of the random effects (Asparouhov et al. 2018, App. B).
///
/// With u_i = theta_i - Z_i alpha over the N patients:
/// - correlated random effects, prior IW(Psi0, nu0) (Mplus's IW(0, -p-1) by default, or
///   IW(s I, nu0)): Omega | rest ~ IW(Psi0 + sum u_i u_i', nu0 + N);
/// - uncorrelated (`||`), prior IG(a0, b0) per variance: Omega_rr | rest ~ IG(a0 + N/2,
///   b0 + sum u_ir^2 / 2), the covariances 0.
enum RandomEffectsCovarianceBlock {
    static func update(state: ChainState, stream: RandomStream) throws {
        let data = state.data
        let r = data.randomEffectCount
        let scatter = residualScatter(state: state)
        let spec = data.specification
        var omega = [Double](repeating: 0, count: r * r)
        if spec.uncorrelatedRandomEffects {
            let prior = spec.priors.randomEffectVariance
            for i in 0..<r {
                let shape = prior.shape + Double(data.patientCount) / 2, scale = prior.scale + scatter[i + i * r] / 2
                guard shape > 0, scale > 0 else {
                    throw DSEMComputationError("the variance of \(data.randomEffectName(i)) has no proper posterior (IG(\(shape), \(scale)))")
                }
                omega[i + i * r] = stream.inverseGamma(shape: shape, scale: scale)
            }
        } else {
            let (scale, df) = conditional(scatter: scatter, state: state)
            do {
                omega = try InverseWishart.draw(scale: Matrix(rows: r, columns: r, columnMajor: scale),
                                                degreesOfFreedom: df, stream: stream).elements
            } catch {
                throw DSEMComputationError("the covariance matrix of the random effects could not be drawn: \(error)")
            }
        }
        do { try state.setOmega(omega) } catch {
            throw DSEMComputationError("the covariance matrix of the random effects is not positive definite: \(error)")
        }
    }

    /// The scale and degrees of freedom of the inverse Wishart conditional.
    static func conditional(scatter: [Double], state: ChainState) -> (scale: [Double], degreesOfFreedom: Double) {
        let data = state.data
        let r = data.randomEffectCount
        let prior = data.specification.priors.randomEffects
        var scale = scatter
        if let prior { for i in 0..<r { scale[i + i * r] += prior.scale } }
        return (scale, (prior?.degreesOfFreedom ?? Double(-r - 1)) + Double(data.patientCount))
    }

    /// sum_i u_i u_i', r x r.
    static func residualScatter(state: ChainState) -> [Double] {
        let data = state.data
        let r = data.randomEffectCount
        var s = [Double](repeating: 0, count: r * r), u = [Double](repeating: 0, count: r)
        for p in 0..<data.patientCount {
            for i in 0..<r { u[i] = state.theta[p * r + i] - state.randomEffectMean(patient: p, effect: i) }
            for i in 0..<r { for j in 0..<r { s[i + j * r] += u[i] * u[j] } }
        }
        return s
    }
}
