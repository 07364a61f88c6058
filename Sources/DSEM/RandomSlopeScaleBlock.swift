import Foundation
import Numerics

/// A joint rescaling of one random slope across all patients, with the covariance matrix: the
/// move that keeps a Gibbs sampler from sticking when a slope varies little between patients (a
/// small variance pins every patient's slope to the mean, and the mean to the slopes; Liu & Wu's
/// 1999 parameter expansion, which Mplus also uses).
///
/// The move is Liu & Sabatti's (2000) generalized Gibbs step for the group of scalings
/// g_c: u_is -> c u_is for every patient i (u_is = theta_is - alpha_s), Omega -> D Omega D with
/// D = diag(1, .., c, .., 1), c > 0. Drawing c from p(g_c(x)) |J_c(x)| dc / c (dc / c is the
/// group's Haar measure) and moving to g_c(x) leaves the posterior invariant. The Jacobian of the
/// scaling is c^(N + p + 1) (N deviations, the variance and p - 1 covariances); the N normal
/// densities of the u_i contribute c^(-N), the prior of Omega (IW(psi I, nu0)) contributes
/// c^(-(nu0 + p + 1)) exp(-psi Q_ss / (2 c^2)) (Q = Omega^-1; with `||`, IG(a0, b0) on the variance:
/// c^(-2 a0 - 2) exp(-b0 / (Omega_ss c^2)) and a Jacobian c^2), and the likelihood is Gaussian in
/// c, because every equation is linear in the slope: with k the slope's column in the patients'
/// sums (`PatientStatistics`) and b_i the patient's coefficients,
///
///     sum_i SSE_i(b_i + (c - 1) u_is e_k) = const + (c - 1)^2 A + 2 (c - 1) B,
///     A = sum_i u_is^2 (X'WX)_i,kk,   B = sum_i u_is ((X'WX)_i b_i - X'W d_i)_k.
///
/// So log p(c) = kappa log c - s A c^2 / 2 + s (A - B) c - tau / c^2 + const, with kappa = -nu0 - 1
/// (Mplus's default IW(0, -p - 1): kappa = p) or -2 a0 - 1, tau = psi Q_ss / 2 or b0 / Omega_ss,
/// s as in `WithinCoefficientsBlock`. It is sampled by one Metropolis-Hastings step from c = 1 (the
/// identity) on lambda = log c with an independence proposal: normal at the mode of the log
/// density of lambda with its curvature there (widened by 1.5). The step is exact whatever the
/// proposal; a poor proposal only makes it move less often.
enum RandomSlopeScaleBlock {
    static func update(state: ChainState, stream: RandomStream) {
        let q = RandomSlopesBlock.slopeCount(state.data)
        for s in 0..<q { update(slope: s, state: state, stream: stream) }
    }

    static func update(slope s: Int, state: ChainState, stream: RandomStream) {
        let data = state.data
        let r = state.randomEffectCount, effect = 1 + s
        let f = logDensity(slope: s, state: state)
        guard f.a > 0 else { return }
        // g(lambda) = log p(e^lambda) + lambda, its derivatives, and its mode by Newton's method.
        func g(_ l: Double) -> Double { f.value(exp(l)) + l }
        func derivatives(_ l: Double) -> (Double, Double) {
            let c = exp(l)
            let first = f.kappa + 1 - f.a * c * c + f.b * c + 2 * f.tau / (c * c)
            let second = -2 * f.a * c * c + f.b * c - 4 * f.tau / (c * c)
            return (first, second)
        }
        var mode = 0.0
        for _ in 0..<30 {
            let (d1, d2) = derivatives(mode)
            let step = d2 < 0 ? -d1 / d2 : (d1 > 0 ? 0.5 : -0.5)
            mode += max(-2, min(2, step))
            if abs(step) < 1e-10 { break }
        }
        let curvature = derivatives(mode).1
        guard mode.isFinite, curvature < 0 else { return }
        let sd = 1.5 / (-curvature).squareRoot()
        let proposal = mode + sd * stream.normal()
        func logProposal(_ l: Double) -> Double { -(l - mode) * (l - mode) / (2 * sd * sd) }
        let logRatio = g(proposal) - g(0) + logProposal(0) - logProposal(proposal)
        guard logRatio.isFinite, log(stream.uniform()) < logRatio else { return }
        let c = exp(proposal)
        let mean = state.alpha[data.betweenIndex(ofRandomEffect: effect)]
        for p in 0..<data.patientCount {
            let k = p * r + effect
            state.theta[k] = mean + c * (state.theta[k] - mean)
        }
        for j in 0..<r where j != effect {
            state.omega[effect + j * r] *= c
            state.omega[j + effect * r] *= c
            state.omegaInverse[effect + j * r] /= c
            state.omegaInverse[j + effect * r] /= c
        }
        state.omega[effect + effect * r] *= c * c
        state.omegaInverse[effect + effect * r] /= c * c
    }

    /// log p(c) = kappa log c - a c^2 / 2 + b c - tau / c^2 (up to a constant).
    struct LogDensity {
        let kappa: Double, a: Double, b: Double, tau: Double
        func value(_ c: Double) -> Double { kappa * log(c) - a * c * c / 2 + b * c - tau / (c * c) }
    }

    static func logDensity(slope s: Int, state: ChainState) -> LogDensity {
        let data = state.data
        let g = data.fixedCount, m = PatientStatistics.coefficientCount(data), k = g + s
        let r = state.randomEffectCount, effect = 1 + s
        let scale = data.logVarianceSlot == nil ? 1 / state.residualVariance : 1
        let stride = PatientStatistics.stride(coefficients: m)
        let mean = state.alpha[data.betweenIndex(ofRandomEffect: effect)]
        var a = 0.0, bSum = 0.0
        var coefficients = [Double](repeating: 0, count: m)
        for p in 0..<data.patientCount {
            let slot = state.statistics.baseAddress! + p * stride
            let products = slot + PatientStatistics.products(m)
            PatientStatistics.coefficients(patient: p, state: state, into: &coefficients)
            let u = state.theta[p * r + effect] - mean
            var fitted = 0.0
            for c in 0..<m { fitted += products[k + c * m] * coefficients[c] }
            a += u * u * products[k + k * m]
            bSum += u * (fitted - slot[PatientStatistics.crossProducts + k])
        }
        let spec = data.specification
        let kappa: Double, tau: Double
        if spec.uncorrelatedRandomEffects {
            let prior = spec.priors.randomEffectVariance
            kappa = -2 * prior.shape - 1
            tau = prior.scale / state.omega[effect + effect * r]
        } else {
            let prior = spec.priors.randomEffects
            kappa = -(prior?.degreesOfFreedom ?? Double(-r - 1)) - 1
            tau = (prior?.scale ?? 0) * state.omegaInverse[effect + effect * r] / 2
        }
        return LogDensity(kappa: kappa, a: scale * a, b: scale * (a - bSum), tau: tau)
    }
}
