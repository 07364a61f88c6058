import Foundation
import Numerics

/// The saturated (unrestricted) normal model of the observed variables, lavaan's "h1": a free mean
/// vector and covariance matrix. Its log-likelihood is the reference of the chi-square test, and
/// its moments are the "sample" moments of the SRMR.
///
/// With complete data the estimates are the sample mean and the covariance divided by N. With
/// missing values they are the maximum-likelihood estimates by the EM algorithm (Dempster, Laird &
/// Rubin 1977; for the normal model Little & Rubin 2002, ch. 11): the E step replaces each row's
/// missing values by their regression on its observed ones (adding the residual covariance to
/// the cross-products), the M step takes the mean and covariance of the completed data; SQUAREM
/// extrapolation (below) cuts the number of iterations several-fold. Iterations stop when no mean or covariance changes by more than 1e-9 times the variable's
/// variance (lavaan stops at an absolute change of 1e-5), or after 20,000 iterations.
struct SaturatedModel {
    let mean: [Double]
    let covariance: Numerics.Matrix
    let logLikelihood: Double
    /// EM iterations (0 for complete data).
    let iterations: Int
    let converged: Bool

    static let tolerance = 1e-9
    static let maxIterations = 20_000

    init(patterns: [MissingDataPattern], variableCount p: Int) throws {
        let n = Double(MissingDataPattern.rowCount(patterns))
        // Start: each variable's mean and variance over its observed values (lavaan's start too).
        var mean = [Double](repeating: 0, count: p), count = [Double](repeating: 0, count: p)
        var sumSquares = [Double](repeating: 0, count: p)
        for g in patterns {
            let c = Double(g.count)
            for (ii, i) in g.observed.enumerated() {
                count[i] += c
                mean[i] += c * g.mean[ii]
            }
        }
        for i in 0..<p { mean[i] /= count[i] }
        for g in patterns {
            let c = Double(g.count), k = g.observed.count
            for (ii, i) in g.observed.enumerated() {
                let dev = g.mean[ii] - mean[i]
                sumSquares[i] += c * (g.covariance.elements[ii + ii * k] + dev * dev)
            }
        }
        var sigma = Numerics.Matrix(rows: p, columns: p)
        for i in 0..<p { sigma.elements[i + i * p] = sumSquares[i] / count[i] }
        let scale = (0..<p).map { sigma.elements[$0 + $0 * p] }

        var iterations = 0, converged = patterns.count == 1 && patterns[0].observed.count == p
        if converged {
            // Complete data: the sample moments.
            mean = patterns[0].mean
            sigma = patterns[0].covariance
        }
        // EM accelerated by SQUAREM (Varadhan & Roland 2008, scheme S3): two EM steps give the
        // change r and its change v; the extrapolation x0 - 2a r + a^2 v with a = -|r|/|v|
        // (at most -1, which is plain EM) is taken when it keeps the covariance positive definite
        // and does not lower the likelihood, and one EM step from it follows.
        var x = Self.flatten(mean, sigma)
        var logLik = -Double.infinity
        func step(_ v: [Double]) throws -> [Double] {
            let (m, s) = Self.unflatten(v, p)
            let (m1, s1) = try Self.emStep(patterns: patterns, mean: m, sigma: s, rows: n)
            return Self.flatten(m1, s1)
        }
        func change(_ a: [Double], _ b: [Double]) -> Double {
            var c = 0.0
            for i in 0..<p { c = max(c, abs(a[i] - b[i]) / scale[i].squareRoot()) }
            var k = p
            for j in 0..<p { for i in j..<p {
                c = max(c, abs(a[k] - b[k]) / (scale[i] * scale[j]).squareRoot())
                k += 1
            } }
            return c
        }
        func likelihood(_ v: [Double]) -> Double {
            let (m, s) = Self.unflatten(v, p)
            return (try? FIMLObjective.evaluate(patterns, sigma: s, mu: m, withGradient: false)).flatMap { $0.map { -$0.value } } ?? -.infinity
        }
        while !converged && iterations < Self.maxIterations {
            let x1 = try step(x), x2 = try step(x1)
            iterations += 2
            if change(x1, x2) < Self.tolerance {
                x = x2
                converged = true
                break
            }
            let r = zip(x1, x).map(-), v = (0..<x.count).map { x2[$0] - 2 * x1[$0] + x[$0] }
            let rr = r.reduce(0) { $0 + $1 * $1 }, vv = v.reduce(0) { $0 + $1 * $1 }
            var alpha = vv > 0 ? -(rr / vv).squareRoot() : -1
            var next = x2
            if alpha < -1 {
                for _ in 0..<10 {
                    let candidate = (0..<x.count).map { x[$0] - 2 * alpha * r[$0] + alpha * alpha * v[$0] }
                    if let stabilized = try? step(candidate) {
                        let l = likelihood(stabilized)
                        if l >= logLik { next = stabilized; logLik = l; iterations += 1; break }
                    }
                    alpha = (alpha - 1) / 2
                    if alpha > -1.01 { break }
                }
            }
            if next == x2 { logLik = likelihood(x2) }
            converged = change(x, next) < Self.tolerance
            x = next
        }
        (mean, sigma) = Self.unflatten(x, p)
        guard let evaluation = try FIMLObjective.evaluate(patterns, sigma: sigma, mu: mean, withGradient: false) else {
            throw SEMFailure.notPositiveDefinite("the saturated model's covariance matrix (the EM estimate of the observed variables' covariances) is not positive definite; some variables are (nearly) collinear or observed together in too few rows")
        }
        self.mean = mean
        self.covariance = sigma
        self.logLikelihood = -evaluation.value
        self.iterations = iterations
        self.converged = converged
    }

    /// The mean and the lower triangle of sigma (column by column) as one vector.
    private static func flatten(_ mean: [Double], _ sigma: Numerics.Matrix) -> [Double] {
        let p = mean.count
        var out = mean
        for j in 0..<p { for i in j..<p { out.append(sigma.elements[i + j * p]) } }
        return out
    }

    private static func unflatten(_ x: [Double], _ p: Int) -> ([Double], Numerics.Matrix) {
        var sigma = Numerics.Matrix(rows: p, columns: p)
        var k = p
        for j in 0..<p { for i in j..<p {
            sigma.elements[i + j * p] = x[k]
            sigma.elements[j + i * p] = x[k]
            k += 1
        } }
        return (Array(x[0..<p]), sigma)
    }

    /// One EM step: the expected sufficient statistics given (mean, sigma), then their moments.
    /// For pattern g with observed o and missing u, the completed rows are z = T x_o + t with
    /// T = [I; beta], t = [0; mean_u - beta mean_o], beta = Sigma_uo Sigma_oo^-1, and each row adds
    /// the residual covariance Sigma_uu - beta Sigma_ou to the cross-products of u.
    private static func emStep(patterns: [MissingDataPattern], mean: [Double], sigma: Numerics.Matrix,
                               rows n: Double) throws -> ([Double], Numerics.Matrix) {
        let p = mean.count
        var sum = [Double](repeating: 0, count: p)
        var cross = Numerics.Matrix(rows: p, columns: p)
        for g in patterns {
            let o = g.observed, k = o.count, c = Double(g.count)
            let u = (0..<p).filter { !o.contains($0) }
            // S2 = c (C + xbar xbar'), s1 = c xbar over the observed variables.
            var s2 = g.covariance
            for j in 0..<k { for i in 0..<k { s2.elements[i + j * k] = c * (s2.elements[i + j * k] + g.mean[i] * g.mean[j]) } }
            var t = Numerics.Matrix(rows: p, columns: k)       // T (p x k)
            for (ii, i) in o.enumerated() { t.elements[i + ii * p] = 1 }
            var shift = [Double](repeating: 0, count: p)     // t
            var residual: Numerics.Matrix?
            if !u.isEmpty {
                var soo = Numerics.Matrix(rows: k, columns: k), suo = Numerics.Matrix(rows: u.count, columns: k)
                for (jj, j) in o.enumerated() {
                    for (ii, i) in o.enumerated() { soo.elements[ii + jj * k] = sigma.elements[i + j * p] }
                    for (ii, i) in u.enumerated() { suo.elements[ii + jj * u.count] = sigma.elements[i + j * p] }
                }
                let factor = try Cholesky(soo)
                let beta = try factor.solve(suo.transposed).transposed          // Sigma_uo Sigma_oo^-1
                var res = Numerics.Matrix(rows: u.count, columns: u.count)
                let bso = try BLAS.product(beta, .none, suo, .transpose)
                for (jj, j) in u.enumerated() { for (ii, i) in u.enumerated() {
                    res.elements[ii + jj * u.count] = sigma.elements[i + j * p] - bso.elements[ii + jj * u.count]
                } }
                residual = res
                for (ii, i) in u.enumerated() {
                    var s = mean[i]
                    for (jj, j) in o.enumerated() {
                        t.elements[i + jj * p] = beta.elements[ii + jj * u.count]
                        s -= beta.elements[ii + jj * u.count] * mean[j]
                    }
                    shift[i] = s
                }
            }
            // sum += T s1 + c t ;  cross += T S2 T' + T s1 t' + t s1' T' + c t t' (+ c residual on u)
            var s1 = g.mean.map { $0 * c }
            let ts1 = try BLAS.product(t, .none, s1)
            let ts2t = try BLAS.product(try BLAS.product(t, .none, s2, .none), .none, t, .transpose)
            for i in 0..<p { sum[i] += ts1[i] + c * shift[i] }
            for j in 0..<p { for i in 0..<p {
                cross.elements[i + j * p] += ts2t.elements[i + j * p] + ts1[i] * shift[j] + shift[i] * ts1[j] + c * shift[i] * shift[j]
            } }
            if let residual {
                for (jj, j) in u.enumerated() { for (ii, i) in u.enumerated() {
                    cross.elements[i + j * p] += c * residual.elements[ii + jj * u.count]
                } }
            }
            s1.removeAll()
        }
        let newMean = sum.map { $0 / n }
        var newSigma = Numerics.Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0..<p { newSigma.elements[i + j * p] = cross.elements[i + j * p] / n - newMean[i] * newMean[j] } }
        return (newMean, newSigma)
    }
}
