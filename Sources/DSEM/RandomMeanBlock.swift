import Numerics

/// The latent mean mu_i of one patient (Asparouhov et al. 2018, App. B, block B1).
///
/// With the other random effects theta_i,-mu fixed, mu has the conditional prior of the between
/// model, precision Q_00 and linear term Q_00 m_0 - sum_(r != 0) Q_0r (theta_r - m_r) (Q = Omega^-1,
/// m_r the mean of random effect r under the between model). Each equation is linear in mu:
/// e_t = r_t - k_t mu with
///
///     k_t = 1 - sum_(k: t - L_k >= 0) phi_k,
///     r_t = y_t - sum_(k: t - L_k >= 0) phi_k y_(t - L_k) - sum_(k: t - L_k < 0) phi_k d_(t - L_k) - c_t
///
/// (a lag inside the series is y - mu; a pre-sample lag is a deviation that does not move with mu),
/// and a missing outcome without an equation adds (y_t - m0 - mu)^2 / v0. So mu | rest is normal
/// with precision Q_00 + sum k_t^2 / sigma^2 + n0 / v0 and linear term
/// Q_00 m~ + sum k_t r_t / sigma^2 + sum (y_t - m0) / v0: the paper's "M = I - sum R_l" rule,
/// which for AR(1) gives the coefficient 1 on the first equation and (1 - phi) on the others.
/// The missing outcomes are held at their current draws (they are values of y, sampled by
/// `LatentValuesBlock`), the pre-sample values at theirs.
enum RandomMeanBlock {
    static func update(_ v: inout PatientView, state: ChainState, stream: RandomStream) {
        let (precision, linear) = conditional(v, state: state)
        let mu = linear / precision + stream.normal() / precision.squareRoot()
        v.theta[0] = mu
        v.mu = mu
    }

    static func conditional(_ v: PatientView, state: ChainState) -> (precision: Double, linear: Double) {
        var (precision, linear) = RandomEffectPrior.conditional(v, effect: 0, state: state)
        let inverseVariance = 1 / v.variance
        for t in 0..<v.count {
            if v.hasEquation[t] {
                var k = 1.0, r = v.y[t] - v.covariatePart[t]
                for a in 0..<v.lagCount {
                    let s = t - v.lags[a]
                    if s >= 0 {
                        k -= v.phi[a]
                        r -= v.phi[a] * v.y[s]
                    } else {
                        r -= v.phi[a] * v.presample[s]
                    }
                }
                precision += k * k * inverseVariance
                linear += k * r * inverseVariance
            } else if v.missing[t] {
                precision += 1 / v.initialVariance
                linear += (v.y[t] - v.initialMean) / v.initialVariance
            }
        }
        return (precision, linear)
    }
}
