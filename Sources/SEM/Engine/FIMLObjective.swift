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
        for pattern in patterns {
            let o = pattern.observed, k = o.count, n = Double(pattern.count)
            var sub = Numerics.Matrix(rows: k, columns: k)
            for (jj, j) in o.enumerated() { for (ii, i) in o.enumerated() { sub.elements[ii + jj * k] = sigma.elements[i + j * p] } }
            let factor: Cholesky
            do { factor = try Cholesky(sub) } catch LinearAlgebraError.notPositiveDefinite { return nil }
            let omega = try factor.inverse()
            var d = [Double](repeating: 0, count: k)
            for (ii, i) in o.enumerated() { d[ii] = pattern.mean[ii] - mu[i] }
            let omegaD = try BLAS.product(omega, .none, d)
            var traceOC = 0.0
            for e in 0..<(k * k) { traceOC += omega.elements[e] * pattern.covariance.elements[e] }
            var quadratic = 0.0
            for i in 0..<k { quadratic += d[i] * omegaD[i] }
            value += 0.5 * n * (Double(k) * log2pi + factor.logDeterminant + traceOC + quadratic)
            guard withGradient else { continue }
            let ocoPerRow: Numerics.Matrix   // Omega C Omega
            if let centred = pattern.centred {
                let x = try BLAS.product(centred, .none, omega, .none)
                ocoPerRow = try BLAS.gram(x)
                for jj in 0..<k {
                    for ii in 0..<k {
                        let g = 0.5 * n * (omega.elements[ii + jj * k] - ocoPerRow.elements[ii + jj * k] / n - omegaD[ii] * omegaD[jj])
                        gSigma.elements[o[ii] + o[jj] * p] += g
                    }
                }
            } else {
                let oc = try BLAS.product(omega, .none, pattern.covariance, .none)
                ocoPerRow = try BLAS.product(oc, .none, omega, .none)
                for jj in 0..<k {
                    for ii in 0..<k {
                        let g = 0.5 * n * (omega.elements[ii + jj * k] - ocoPerRow.elements[ii + jj * k] - omegaD[ii] * omegaD[jj])
                        gSigma.elements[o[ii] + o[jj] * p] += g
                    }
                }
            }
            for ii in 0..<k { gMu[o[ii]] -= n * omegaD[ii] }
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
