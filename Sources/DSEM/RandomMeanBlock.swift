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
///
/// The same pass over the cells records the patient's sums for `LatentMeanLocationBlock` (which
/// need k_t, r_t and the fixed covariates: none of them moves with mu), so mu is the last of the
/// patient's blocks in an iteration.
enum RandomMeanBlock {
    static func update(_ v: inout PatientView, workspace w: PatientWorkspace, state: ChainState, stream: RandomStream) {
        let (precision, linear) = accumulate(v, workspace: w, state: state, recordLocation: true)
        let mu = linear / precision + stream.normal() / precision.squareRoot()
        v.theta[0] = mu
        v.mu = mu
    }

    /// The precision and linear term of mu's full conditional.
    static func conditional(_ v: PatientView, state: ChainState) -> (precision: Double, linear: Double) {
        accumulate(v, workspace: nil, state: state, recordLocation: false)
    }

    /// mu's conditional, and with `recordLocation` the patient's sums of w (k, x)(k, x)' and
    /// w (k, x) r (x the fixed covariates) into its slot of `state.locationStatistics`.
    static func accumulate(_ v: PatientView, workspace w: PatientWorkspace?, state: ChainState,
                           recordLocation: Bool) -> (precision: Double, linear: Double) {
        var (precision, linear) = RandomEffectPrior.conditional(v, effect: 0, state: state)
        let inverseVariance = 1 / v.variance
        let fixed = state.fixedCovariates
        let n = 1 + fixed.count
        // The location rows, each scaled by the square root of its weight: columns k, x, r.
        let x = recordLocation ? w!.locationRegressors.baseAddress! : nil
        let lead = w?.longest ?? 0
        var rows = 0
        let rootWeight = inverseVariance.squareRoot(), rootPrior = (1 / v.initialVariance).squareRoot()
        for t in 0..<v.count {
            if v.hasEquation[t] {
                var k = 1.0, rt = v.y[t] - v.covariatePart[t]
                for a in 0..<v.lagCount {
                    let s = t - v.lags[a]
                    if s >= 0 {
                        k -= v.phi[a]
                        rt -= v.phi[a] * v.y[s]
                    } else {
                        rt -= v.phi[a] * v.presample[s]
                    }
                }
                precision += k * k * inverseVariance
                linear += k * rt * inverseVariance
                guard let x else { continue }
                // r for the location block: the fixed covariates' part goes back in.
                let row = v.covariates + t * v.covariateCount
                var fixedPart = 0.0
                for j in 0..<fixed.count {
                    let value = row[fixed[j].covariate]
                    x[rows + (1 + j) * lead] = rootWeight * value
                    fixedPart += v.beta[fixed[j].covariate] * value
                }
                x[rows] = rootWeight * k
                x[rows + n * lead] = rootWeight * (rt + fixedPart)
                rows += 1
            } else if v.missing[t] {
                precision += 1 / v.initialVariance
                linear += (v.y[t] - v.initialMean) / v.initialVariance
                guard let x else { continue }
                x[rows] = rootPrior
                for j in 0..<fixed.count { x[rows + (1 + j) * lead] = 0 }
                x[rows + n * lead] = rootPrior * (v.y[t] - v.initialMean)
                rows += 1
            }
        }
        if let x, let w {
            let p = w.products.baseAddress!, size = n + 1
            ColumnCrossProducts.compute(x, rows: rows, columns: size, leading: lead, into: p)
            let slot = state.locationStatistics.baseAddress! + v.patient * (n * n + n)
            for a in 0..<n {
                slot[n * n + a] = p[a + n * size]
                for b in 0..<n { slot[a + b * n] = p[a + b * size] }
            }
        }
        return (precision, linear)
    }
}
