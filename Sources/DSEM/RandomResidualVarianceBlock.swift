import Foundation
import Numerics

/// A patient's log residual variance s_i = log sigma_i^2, when residual variances are random
/// (Asparouhov et al. 2018, App. B, block B13): a random-walk Metropolis step.
///
/// With n_i equations and residual sum of squares SSE_i (everything else fixed), the log full
/// conditional is
///
///     log p(s | rest) = -n_i s / 2 - SSE_i exp(-s) / 2 - P s^2 / 2 + l s + const,
///
/// (P, l) the conditional prior of s given the patient's other random effects
/// (`RandomEffectPrior`). The proposal is s' = s + h z, z ~ N(0, 1), accepted with probability
/// min(1, p(s' | rest) / p(s | rest)). The scale h starts at 1 and is tuned during the adaptation
/// phase (`tune`): every 50 iterations it is multiplied by 1.5 when more than half of the
/// proposals were accepted and divided by 1.5 when fewer than a quarter were, Mplus's target
/// range of 0.25-0.50 [V: the DSEM paper, eq. B.19 and its text]; after that it is fixed, so the
/// kept draws come from a proper Markov chain.
enum RandomResidualVarianceBlock {
    static let tuningInterval = 50

    static func update(_ v: inout PatientView, state: ChainState, stream: RandomStream) {
        guard let slot = state.data.logVarianceSlot else { return }
        let (count, sum) = residualSumOfSquares(v)
        let (precision, linear) = RandomEffectPrior.conditional(v, effect: slot, state: state)
        func logDensity(_ s: Double) -> Double {
            -count * s / 2 - sum * exp(-s) / 2 - precision * s * s / 2 + linear * s
        }
        let current = v.theta[slot]
        let proposal = current + state.proposalScale[v.patient] * stream.normal()
        if log(stream.uniform()) < logDensity(proposal) - logDensity(current) {
            v.theta[slot] = proposal
            state.accepted[v.patient] += 1
            v.variance = exp(proposal)
        }
    }

    /// The number of the patient's equations and the sum of their squared residuals.
    static func residualSumOfSquares(_ v: PatientView) -> (Double, Double) {
        var n = 0.0, sum = 0.0
        for t in 0..<v.count where v.hasEquation[t] {
            let e = v.residual(t)
            n += 1
            sum += e * e
        }
        return (n, sum)
    }

    /// Tunes every patient's proposal scale from the acceptances of the last `tuningInterval`
    /// iterations, and resets the counts.
    static func tune(state: ChainState) {
        for p in 0..<state.patientCount {
            let rate = Double(state.accepted[p]) / Double(tuningInterval)
            if rate > 0.5 { state.proposalScale[p] *= 1.5 } else if rate < 0.25 { state.proposalScale[p] /= 1.5 }
            state.accepted[p] = 0
        }
    }
}
