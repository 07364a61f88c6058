import Foundation
import Numerics

/// Minus the log-likelihood of a RAM model under multivariate normality, over all observed values
/// of every row (full-information maximum likelihood, FIML; Arbuckle 1996), and its gradient.
///
/// With the rows grouped into missing-data patterns g (n_g rows observing the variables o_g, with
/// mean xbar_g and covariance C_g about it), Sigma_g = Sigma[o_g, o_g], Omega_g = Sigma_g^-1,
/// d_g = xbar_g - mu[o_g] and W_g = C_g + d_g d_g':
///
///     -log L = 1/2 sum_g n_g [ p_g log(2 pi) + log|Sigma_g| + tr(Omega_g W_g) ].
///
/// Its derivatives with respect to the implied moments are
///
///     dF/dSigma = G = 1/2 sum_g n_g E_g (Omega_g - Omega_g W_g Omega_g) E_g',
///     dF/dmu    = g = - sum_g n_g E_g Omega_g d_g,
///
/// (E_g puts pattern g's variables back in place), and with Sigma = F B S B' F', mu = F B M,
/// B = (I - A)^-1, H = B'F' G F B, K = B'F' G F C and u = B'F' g, the gradient over the cells of the
/// RAM matrices is
///
///     dF/dS[a,b] = 2 H[a,b] (a != b), H[a,a] (a = b),   dF/dM[a] = u[a],
///     dF/dA[i,j] = 2 K[i,j] + u[i] (B M)[j],
///
/// summed over the cells a parameter fills. With complete data there is one pattern and this is
/// the usual ML discrepancy up to constants. The Cholesky factor of each Sigma_g (LAPACK dpotrf)
/// gives log|Sigma_g| and Omega_g; a Sigma_g that is not positive definite puts the parameters
/// outside the model's domain (the value is +infinity).
struct FIMLObjective {
    let model: RAMModel
    let patterns: [MissingDataPattern]

    /// The derivatives with respect to the implied moments.
    struct MomentGradient {
        /// p x p, both triangles.
        var sigma: Numerics.Matrix
        var mu: [Double]
    }

    /// Minus the log-likelihood at `moments`, and its gradient with respect to the moments when
    /// `withGradient`; nil when some pattern's block of Sigma is not positive definite.
    func evaluate(_ moments: ImpliedMoments, withGradient: Bool) throws -> (value: Double, gradient: MomentGradient?)? {
        try Self.evaluate(patterns, sigma: moments.sigma, mu: moments.mu, withGradient: withGradient)
    }

    /// Minus the log-likelihood of `patterns` under N(mu, sigma), with its gradient over sigma and
    /// mu when `withGradient`; nil when some pattern's block of sigma is not positive definite.
    static func evaluate(_ patterns: [MissingDataPattern], sigma: Numerics.Matrix, mu: [Double],
                         withGradient: Bool) throws -> (value: Double, gradient: MomentGradient?)? {
        let p = mu.count
        var value = 0.0
        var gSigma = Numerics.Matrix(rows: withGradient ? p : 0, columns: withGradient ? p : 0)
        var gMu = [Double](repeating: 0, count: withGradient ? p : 0)
        let log2pi = log(2 * Double.pi)
        let kMax = patterns.map(\.observed.count).max() ?? 0
        let columnsMax = patterns.map { ($0.centred?.columns ?? 0) + 1 }.max() ?? 1
        var omega = [Double](repeating: 0, count: kMax * kMax)         // L, then Omega
        var z = [Double](repeating: 0, count: kMax * columnsMax)       // [d | centred rows]
        var v = [Double](repeating: 0, count: kMax * columnsMax)       // Omega z
        var owo = [Double](repeating: 0, count: kMax * kMax)           // Omega W Omega
        var oc = [Double](repeating: 0, count: kMax * kMax)            // Omega C
        for pattern in patterns {
            let o = pattern.observed, k = o.count, n = Double(pattern.count)
            let columns = (pattern.centred?.columns ?? 0) + 1
            let ok: Bool = try omega.withUnsafeMutableBufferPointer { om in
                try z.withUnsafeMutableBufferPointer { zb in
                    try v.withUnsafeMutableBufferPointer { vb in
                        // Sigma_g, its Cholesky factor, log|Sigma_g| and Omega_g (both triangles).
                        for (jj, j) in o.enumerated() { for (ii, i) in o.enumerated() where ii >= jj {
                            om[ii + jj * k] = sigma.elements[i + j * p]
                        } }
                        do { try DenseKernels.choleskyLower(k, om.baseAddress!, ld: k) } catch LinearAlgebraError.notPositiveDefinite { return false }
                        var logDet = 0.0
                        for i in 0..<k { logDet += log(om[i + i * k]) }
                        logDet *= 2
                        try DenseKernels.inverseFromCholeskyLower(k, om.baseAddress!, ld: k)
                        for jj in 0..<k { for ii in (jj + 1)..<max(jj + 1, k) { om[jj + ii * k] = om[ii + jj * k] } }
                        // z = [d | centred rows'], v = Omega z.
                        for (ii, i) in o.enumerated() { zb[ii] = pattern.mean[ii] - mu[i] }
                        if let centred = pattern.centred {
                            centred.elements.withUnsafeBufferPointer { c in
                                for e in 0..<(k * (columns - 1)) { zb[k + e] = c[e] }
                            }
                        }
                        DenseKernels.multiply(m: k, n: columns, k: k, alpha: 1, a: om.baseAddress!, lda: k, transposeA: false,
                                              b: zb.baseAddress!, ldb: k, transposeB: false, beta: 0, vb.baseAddress!, ldc: k)
                        var quadratic = 0.0
                        for i in 0..<k { quadratic += zb[i] * vb[i] }
                        var traceOC = 0.0
                        if pattern.centred != nil {
                            for e in k..<(k * columns) { traceOC += zb[e] * vb[e] }
                            traceOC /= n
                        } else {
                            pattern.covariance.elements.withUnsafeBufferPointer { c in
                                for e in 0..<(k * k) { traceOC += om[e] * c[e] }
                            }
                        }
                        value += 0.5 * n * (Double(k) * log2pi + logDet + traceOC + quadratic)
                        return true
                    }
                }
            }
            guard ok else { return nil }
            guard withGradient else { continue }
            // Omega W Omega = Omega C Omega + (Omega d)(Omega d)'.
            owo.withUnsafeMutableBufferPointer { w in
                v.withUnsafeMutableBufferPointer { vb in
                    omega.withUnsafeMutableBufferPointer { om in
                        if pattern.centred != nil {
                            DenseKernels.multiply(m: k, n: k, k: columns - 1, alpha: 1 / n, a: vb.baseAddress! + k, lda: k, transposeA: false,
                                                  b: vb.baseAddress! + k, ldb: k, transposeB: true, beta: 0, w.baseAddress!, ldc: k)
                        } else {
                            oc.withUnsafeMutableBufferPointer { ocb in
                                pattern.covariance.elements.withUnsafeBufferPointer { c in
                                    DenseKernels.multiply(m: k, n: k, k: k, alpha: 1, a: om.baseAddress!, lda: k, transposeA: false,
                                                          b: c.baseAddress!, ldb: k, transposeB: false, beta: 0, ocb.baseAddress!, ldc: k)
                                    DenseKernels.multiply(m: k, n: k, k: k, alpha: 1, a: ocb.baseAddress!, lda: k, transposeA: false,
                                                          b: om.baseAddress!, ldb: k, transposeB: false, beta: 0, w.baseAddress!, ldc: k)
                                }
                            }
                        }
                        for jj in 0..<k {
                            for ii in 0..<k {
                                let g = 0.5 * n * (om[ii + jj * k] - w[ii + jj * k] - vb[ii] * vb[jj])
                                gSigma.elements[o[ii] + o[jj] * p] += g
                            }
                            gMu[o[jj]] -= n * vb[jj]
                        }
                    }
                }
            }
        }
        return (value, withGradient ? MomentGradient(sigma: gSigma, mu: gMu) : nil)
    }

    /// The gradient over the free parameters from the gradient over the moments (the chain rule
    /// through the RAM form, above).
    func parameterGradient(_ g: MomentGradient, at moments: ImpliedMoments) throws -> [Double] {
        let m = model.variableCount
        let gfb = try BLAS.product(g.sigma, .none, moments.fb, .none)          // G F B (p x m)
        let h = try BLAS.product(moments.fb, .transpose, gfb, .none)          // B'F' G F B
        let kMatrix = try BLAS.product(gfb, .transpose, moments.fc, .none)   // B'F' G F C
        let u = try BLAS.product(moments.fb, .transpose, g.mu)                // B'F' g
        var out = [Double](repeating: 0, count: model.parameterCount)
        for (index, parameter) in model.parameters.enumerated() {
            var sum = 0.0
            for cell in parameter.cells {
                switch cell.matrix {
                case .s:
                    let value = h.elements[cell.row + cell.column * m]
                    sum += cell.row == cell.column ? value : 2 * value
                case .m:
                    sum += u[cell.row]
                case .a:
                    sum += 2 * kMatrix.elements[cell.row + cell.column * m] + u[cell.row] * moments.allMeans[cell.column]
                }
            }
            out[index] = sum
        }
        return out
    }

    /// Minus the log-likelihood at `theta`; +infinity outside the model's domain.
    func value(at theta: [Double]) throws -> Double {
        guard let moments = try? ImpliedMoments(model: model, theta: theta),
              let result = try evaluate(moments, withGradient: false) else { return .infinity }
        return result.value
    }

    /// Minus the log-likelihood and its gradient at `theta`; +infinity outside the domain.
    func valueAndGradient(at theta: [Double], gradient: inout [Double]) throws -> Double {
        guard let moments = try? ImpliedMoments(model: model, theta: theta),
              let result = try evaluate(moments, withGradient: true) else { return .infinity }
        gradient = try parameterGradient(result.gradient!, at: moments)
        return result.value
    }
}
