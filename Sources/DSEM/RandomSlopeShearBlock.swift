import Numerics

/// A joint shift of one random slope by a multiple of another random effect's deviations, across
/// all patients, with the covariance matrix: the move that lets the covariance of a patient's
/// latent mean and slope mix (drawn one at a time, mu_i and the slope hold each other in place).
///
/// The move is Liu & Sabatti's (2000) generalized Gibbs step for the additive group of shears
/// g_c: u_is -> u_is + c u_ir for every patient i (u = theta - Z alpha, s a slope, r any other random
/// effect), Omega -> A Omega A' with A = I + c e_s e_r'. The group's Haar measure is dc and the
/// Jacobian is 1 (|A| = 1, for the u_i and, as |A|^(p+1), for Omega); the normal densities of the u_i
/// do not change, and the prior IW(psi I, nu0) changes only through
/// tr(psi (A Omega A')^-1) = psi (tr Q - 2 c Q_rs + c^2 Q_ss) (Q = Omega^-1; 0 for Mplus's default).
/// The likelihood is Gaussian in c because every equation is linear in the slope (with k the
/// slope's column in the patients' sums, `PatientStatistics`):
///
///     sum_i SSE_i(b_i + c u_ir e_k) = const + c^2 A + 2 c B,
///     A = sum_i u_ir^2 (X'WX)_i,kk,   B = sum_i u_ir ((X'WX)_i b_i - X'W d_i)_k,
///
/// so c | rest is normal with precision s A + psi Q_ss and linear term -s B + psi Q_rs (s as in
/// `WithinCoefficientsBlock`): an exact draw. Only for correlated random effects (with `||`,
/// Omega must stay diagonal, which a shear would break).
enum RandomSlopeShearBlock {
    static func update(state: ChainState, stream: RandomStream) throws {
        let data = state.data
        guard !data.specification.uncorrelatedRandomEffects else { return }
        let q = RandomSlopesBlock.slopeCount(data), r = state.randomEffectCount
        for s in 0..<q {
            for source in 0..<r where source != 1 + s {
                try update(slope: s, source: source, state: state, stream: stream)
            }
        }
    }

    static func update(slope s: Int, source: Int, state: ChainState, stream: RandomStream) throws {
        let data = state.data
        let r = state.randomEffectCount, target = 1 + s
        let (precision, linear) = conditional(slope: s, source: source, state: state)
        guard precision > 0 else { return }
        let c = linear / precision + stream.normal() / precision.squareRoot()
        for p in 0..<data.patientCount {
            let u = state.theta[p * r + source] - state.randomEffectMean(patient: p, effect: source)
            state.theta[p * r + target] += c * u
        }
        // Omega -> A Omega A', A = I + c e_target e_source'.
        var omega = (0..<(r * r)).map { state.omega[$0] }
        var rows = omega
        for j in 0..<r { rows[target + j * r] += c * omega[source + j * r] }
        omega = rows
        for i in 0..<r { omega[i + target * r] += c * rows[i + source * r] }
        do { try state.setOmega(omega) } catch {
            throw DSEMComputationError("the covariance matrix of the random effects is not positive definite after a shear: \(error)")
        }
    }

    /// The precision and linear term of c.
    static func conditional(slope s: Int, source: Int, state: ChainState) -> (precision: Double, linear: Double) {
        let data = state.data
        let g = data.fixedCount, m = PatientStatistics.coefficientCount(data), k = g + s
        let r = state.randomEffectCount, target = 1 + s
        let scale = data.logVarianceSlot == nil ? 1 / state.residualVariance : 1
        let stride = PatientStatistics.stride(coefficients: m)
        var a = 0.0, b = 0.0
        var coefficients = [Double](repeating: 0, count: m)
        for p in 0..<data.patientCount {
            let slot = state.statistics.baseAddress! + p * stride
            let products = slot + PatientStatistics.products(m)
            PatientStatistics.coefficients(patient: p, state: state, into: &coefficients)
            let u = state.theta[p * r + source] - state.randomEffectMean(patient: p, effect: source)
            var fitted = 0.0
            for c in 0..<m { fitted += products[k + c * m] * coefficients[c] }
            a += u * u * products[k + k * m]
            b += u * (fitted - slot[PatientStatistics.crossProducts + k])
        }
        let psi = data.specification.priors.randomEffects?.scale ?? 0
        return (scale * a + psi * state.omegaInverse[target + target * r],
                -scale * b + psi * state.omegaInverse[source + target * r])
    }
}
