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
/// variance (lavaan stops at an absolute change of 1e-5), or after 20,000 iterations. An estimate
/// whose smallest eigenvalue is below 1e-10 of the largest is singular: the saturated likelihood
/// has no maximum there, and the chi-square is reported as not defined.
struct SaturatedModel {
    let mean: [Double]
    let covariance: Numerics.Matrix
    let logLikelihood: Double
    /// EM iterations (0 for complete data).
    let iterations: Int
    let converged: Bool

    static let tolerance = 1e-9
    /// The smallest eigenvalue, relative to the largest, of a covariance matrix taken as singular.
    static let singularity = 1e-10
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
        let fixed = ObservedPart.of(patterns, p)
        var x = Self.flatten(mean, sigma)
        var logLik = -Double.infinity
        func step(_ v: [Double]) throws -> [Double] {
            let (m, s) = Self.unflatten(v, p)
            let (m1, s1) = try Self.emStep(patterns: patterns, fixed: fixed, mean: m, sigma: s, rows: n)
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
            // Heading for a singular matrix: no maximum to converge to.
            try Self.requireNonsingular(Self.unflatten(x, p).1)
        }
        (mean, sigma) = Self.unflatten(x, p)
        try Self.requireNonsingular(sigma)
        guard let evaluation = try FIMLObjective.evaluate(patterns, sigma: sigma, mu: mean, withGradient: false) else {
            throw SEMFailure.notPositiveDefinite("the saturated model's covariance matrix (the EM estimate of the observed variables' covariances) is not positive definite; some variables are (nearly) collinear or observed together in too few rows")
        }
        self.mean = mean
        self.covariance = sigma
        self.logLikelihood = -evaluation.value
        self.iterations = iterations
        self.converged = converged
    }

    /// A saturated maximum with a (numerically) singular covariance matrix is no maximum: the
    /// likelihood grows without bound towards it, and EM creeps on (lavaan warns when the smallest
    /// eigenvalue is below 1e-5 and reports a chi-square anyway).
    private static func requireNonsingular(_ sigma: Numerics.Matrix) throws {
        let eigenvalues = try SymmetricEigen(sigma).values
        if let smallest = eigenvalues.min(), let largest = eigenvalues.max(), smallest <= singularity * largest {
            throw SEMFailure.notPositiveDefinite("the saturated model has no proper maximum (the EM estimate of the observed variables' covariance matrix becomes singular, smallest eigenvalue \(String(format: "%.1e", smallest / largest)) of the largest), so the chi-square and the fit indices built on it are not defined; fewer sessions (--sessions) may help")
        }
    }

    /// What the observed values contribute to the sufficient statistics, the same at every EM
    /// step: sum_g c xbar and sum_g c (C + xbar xbar') over each pattern's observed variables; and
    /// each pattern's missing variables.
    struct ObservedPart {
        let sum: [Double]
        let cross: Numerics.Matrix
        let missing: [[Int]]

        static func of(_ patterns: [MissingDataPattern], _ p: Int) -> ObservedPart {
            var sum = [Double](repeating: 0, count: p), cross = Numerics.Matrix(rows: p, columns: p)
            var missing = [[Int]]()
            for g in patterns {
                let o = g.observed, k = o.count, c = Double(g.count)
                for (ii, i) in o.enumerated() { sum[i] += c * g.mean[ii] }
                for (jj, j) in o.enumerated() { for (ii, i) in o.enumerated() {
                    cross.elements[i + j * p] += c * (g.covariance.elements[ii + jj * k] + g.mean[ii] * g.mean[jj])
                } }
                var isObserved = [Bool](repeating: false, count: p)
                for i in o { isObserved[i] = true }
                missing.append((0..<p).filter { !isObserved[$0] })
            }
            return ObservedPart(sum: sum, cross: cross, missing: missing)
        }
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
    /// For pattern g (c rows observing o with mean xbar and covariance C about it, missing u):
    /// beta = Sigma_uo Sigma_oo^-1, the completed mean of u is xhat = mu_u + beta (xbar - mu_o), and
    /// the cross-products gain c (C + xbar xbar') on o, c (beta C + xhat xbar') between u and o, and
    /// c (beta C beta' + xhat xhat' + Sigma_uu - beta Sigma_ou) on u.
    private static func emStep(patterns: [MissingDataPattern], fixed: ObservedPart, mean: [Double], sigma: Numerics.Matrix,
                               rows n: Double) throws -> ([Double], Numerics.Matrix) {
        let p = mean.count
        var sum = fixed.sum
        var cross = fixed.cross
        for (g, u) in zip(patterns, fixed.missing) where !u.isEmpty {
            let o = g.observed, k = o.count, c = Double(g.count), r = u.count
            var soo = Numerics.Matrix(rows: k, columns: k), sou = Numerics.Matrix(rows: k, columns: r)
            for (jj, j) in o.enumerated() { for (ii, i) in o.enumerated() { soo.elements[ii + jj * k] = sigma.elements[i + j * p] } }
            for (jj, j) in u.enumerated() { for (ii, i) in o.enumerated() { sou.elements[ii + jj * k] = sigma.elements[i + j * p] } }
            let betaT = try Cholesky(soo).solve(sou)                              // beta' (k x r)
            var xhat = [Double](repeating: 0, count: r)
            for (jj, j) in u.enumerated() {
                var s = mean[j]
                for (ii, i) in o.enumerated() { s += betaT.elements[ii + jj * k] * (g.mean[ii] - mean[i]) }
                xhat[jj] = s
            }
            let cBetaT = try BLAS.product(g.covariance, .none, betaT, .none)      // C beta' (k x r)
            let betaCBetaT = try BLAS.product(betaT, .transpose, cBetaT, .none)   // beta C beta' (r x r)
            let betaSou = try BLAS.product(betaT, .transpose, sou, .none)         // beta Sigma_ou (r x r)
            for (jj, j) in u.enumerated() {
                sum[j] += c * xhat[jj]
                for (ii, i) in o.enumerated() {
                    let v = c * (cBetaT.elements[ii + jj * k] + g.mean[ii] * xhat[jj])
                    cross.elements[i + j * p] += v
                    cross.elements[j + i * p] += v
                }
                for (ll, l) in u.enumerated() {
                    cross.elements[l + j * p] += c * (betaCBetaT.elements[ll + jj * r] + xhat[ll] * xhat[jj]
                                                      + sigma.elements[l + j * p] - betaSou.elements[ll + jj * r])
                }
            }
        }
        let newMean = sum.map { $0 / n }
        var newSigma = Numerics.Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0..<p { newSigma.elements[i + j * p] = cross.elements[i + j * p] / n - newMean[i] * newMean[j] } }
        return (newMean, newSigma)
    }
}
