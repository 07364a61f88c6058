/// The between model theta_i ~ MVN(m_i, Omega) as the prior of some of a patient's random effects
/// given the others, in canonical form.
///
/// With Q = Omega^-1, the log density as a function of the effects S (the others fixed) is
/// -theta_S' Q_SS theta_S / 2 + theta_S' (Q_SS m_S - Q_S,-S (theta_-S - m_-S)) + const, so the
/// conditional prior has precision Q_SS and linear term Q_SS m_S - Q_S,-S (theta_-S - m_-S).
enum RandomEffectPrior {
    /// Precision and linear term of random effect r alone.
    @inline(__always)
    static func conditional(_ v: PatientView, effect r: Int, state: ChainState) -> (precision: Double, linear: Double) {
        let n = state.randomEffectCount
        let q = state.omegaInverse
        var linear = q[r + r * n] * v.means[r]
        for s in 0..<n where s != r { linear -= q[r + s * n] * (v.theta[s] - v.means[s]) }
        return (q[r + r * n], linear)
    }

    /// Adds the precision Q_SS and linear term of the effects `effects` (consecutive slots) to
    /// `precision` (k x k, column-major) and `linear` (k).
    static func addConditional(_ v: PatientView, effects: Range<Int>, state: ChainState,
                               precision: UnsafeMutableBufferPointer<Double>, linear: UnsafeMutableBufferPointer<Double>) {
        let n = state.randomEffectCount
        let q = state.omegaInverse
        let k = effects.count
        for (i, r) in effects.enumerated() {
            var l = 0.0
            for s in 0..<n {
                if effects.contains(s) {
                    precision[i + (s - effects.lowerBound) * k] += q[r + s * n]
                    l += q[r + s * n] * v.means[s]
                } else {
                    l -= q[r + s * n] * (v.theta[s] - v.means[s])
                }
            }
            linear[i] += l
        }
    }
}
