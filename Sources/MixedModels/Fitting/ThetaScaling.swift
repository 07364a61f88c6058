/// The scale-free coordinates in which theta is optimized and differentiated.
///
/// theta is already relative to sigma, so it does not change when the response is rescaled; but
/// a random slope's row of T_j scales with 1/c when its predictor is multiplied by c (Z Lambda
/// is unchanged when column i of Z is multiplied by c and row i of T_j divided by c). alliance
/// therefore works with
///
///     theta~ = theta / s,   s = 1 / rms(z_i) for every element in row i of T_j,
///
/// rms(z_i) = sqrt(mean over observations of z_i^2), which is 1 for an intercept (so models of
/// random intercepts are optimized exactly as lme4 optimizes them) and scales with the predictor.
/// In these coordinates BOBYQA's tolerances, its starting point (T = I), the finite-difference
/// steps and the Hessian checks mean the same thing whatever the units of the data [I: the
/// design of this project; lme4 and lmerTest work in theta itself, which is why their df and
/// convergence warnings change when a predictor is rescaled]. Reported theta is always lme4's.
struct ThetaScaling: Sendable {
    /// theta = scale * theta~, element by element.
    let scale: [Double]

    /// The scales of the terms' theta, then `extra` parameters on their own scale (the residual
    /// correlation's eta, already unit free).
    init(terms: [RandomEffectsTerm], extra: Int = 0) {
        var scale = [Double]()
        for term in terms {
            let k = term.k
            let n = term.groupCodes.count
            var rms = [Double](repeating: 0, count: k)
            for row in 0..<n { for c in 0..<k { rms[c] += term.z[row * k + c] * term.z[row * k + c] } }
            let rowScale = rms.map { sum -> Double in
                let r = (sum / Double(max(n, 1))).squareRoot()
                return r > 0 && r.isFinite && (1 / r).isFinite ? 1 / r : 1
            }
            // Column-major lower triangle: element (i, j), i >= j, belongs to row i.
            for j in 0..<k { for i in j..<k { scale.append(rowScale[i]) } }
        }
        scale += [Double](repeating: 1, count: extra)
        self.scale = scale
    }

    init(scale: [Double]) { self.scale = scale }

    func theta(_ scaled: [Double]) -> [Double] { zip(scaled, scale).map { $0 * $1 } }
    func scaled(_ theta: [Double]) -> [Double] { zip(theta, scale).map { $0 / $1 } }
}
