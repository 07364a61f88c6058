import Numerics

/// The latent values of one patient, one at a time (Asparouhov et al. 2018, App. B, blocks B6-B8):
/// the pre-sample values d_s, s = -K..<0 (initial condition `latent`), then each missing outcome
/// in session order.
///
/// Every term of the joint density that holds the value v = d_s (d_s = y_s - mu for a cell) is
/// Gaussian in v:
/// - its prior N(m0, v0), for a pre-sample value or a missing outcome without an equation;
/// - its own equation, d_s = sum_k phi_k d_(s-L_k) + c_s + e_s: precision 1/sigma^2, mean the
///   prediction;
/// - each later equation t = s + L_k in which it is a lag, d_t - (the rest of the prediction) =
///   phi_k v + e_t: precision phi_k^2 / sigma^2, "observation" (d_t - rest) / phi_k.
/// So v | rest ~ N(b / P, 1 / P) with P and b the sums of those precisions and
/// precision-weighted means. For AR(1) at an interior missing cell this is
/// N((phi d_(s-1) + c_s + phi (d_(s+1) - c_(s+1))) / (1 + phi^2), sigma^2 / (1 + phi^2)).
enum LatentValuesBlock {
    static func update(_ v: PatientView, state: ChainState, stream: RandomStream) {
        let k = state.data.presampleCount
        for s in stride(from: -k, to: 0, by: 1) {
            v.presample[s] = draw(slot: s, v, stream: stream)
        }
        for t in 0..<v.count where v.missing[t] {
            v.y[t] = v.mu + draw(slot: t, v, stream: stream)
        }
    }

    /// A draw of the deviation at slot s (a pre-sample value if s < 0) given everything else.
    @inline(__always)
    static func draw(slot s: Int, _ v: PatientView, stream: RandomStream) -> Double {
        let (precision, linear) = conditional(slot: s, v)
        return linear / precision + stream.normal() / precision.squareRoot()
    }

    /// The precision and linear term of the slot's full conditional.
    static func conditional(slot s: Int, _ v: PatientView) -> (precision: Double, linear: Double) {
        let inverseVariance = 1 / v.variance
        var precision = 0.0, linear = 0.0
        if s < 0 || !v.hasEquation[s] {
            precision += 1 / v.initialVariance
            linear += v.initialMean / v.initialVariance
        } else {
            precision += inverseVariance
            linear += v.prediction(s) * inverseVariance
        }
        let current = v.deviation(s)
        for a in 0..<v.lagCount {
            let t = s + v.lags[a]
            guard t >= 0, t < v.count, v.hasEquation[t] else { continue }
            let phi = v.phi[a]
            // d_t minus every part of its prediction except phi_a * d_s.
            let rest = v.residual(t) + phi * current
            precision += phi * phi * inverseVariance
            linear += phi * rest * inverseVariance
        }
        return (precision, linear)
    }
}
