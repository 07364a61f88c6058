import Foundation
import Numerics
import Tabular
import Testing
@testable import DSEM

/// The whole sampler against an exact posterior.
///
/// Model: y ~ lag(y) + lag(x) + (1 | patient) with the latent initial condition and its prior
/// fixed at N(0, 4), residual variance prior IG(3, 6), random-intercept variance prior IW(2, 6) =
/// IG(3, 1), flat priors on the mean alpha, the effect beta of lag(x) and phi; 8 patients, 8
/// sessions, some outcomes missing. Given (phi, sigma^2, omega^2) everything else is linear and
/// Gaussian: with d_-1 ~ N(0, 4) the pre-sample value, x~_t the lagged covariate (0 before the first
/// session) and u_i ~ N(0, omega^2),
///
///     y_t = alpha + u_i + phi^(t+1) d_-1 + beta sum_(s<=t) phi^(t-s) x~_s + sum_(s<=t) phi^(t-s) e_s,
///
/// so the observed y_i are normal with mean H_i (alpha, beta)' and covariance
/// V_i = omega^2 11' + 4 f f' + sigma^2 L L' (f_t = phi^(t+1), L_ts = phi^(t-s)), and integrating
/// alpha and beta out under flat priors gives p(y | phi, sigma^2, omega^2) in closed form. The
/// posterior of (phi, log sigma^2, log omega^2) is then integrated by Simpson's rule on a 3-D grid
/// (found by a coarse pass), and the posterior means and SDs of all five parameters follow (alpha
/// and beta through their conditional normal means and variances). This is computed here from the
/// data file's rows, sharing nothing with the sampler but the trimming rule (first to last
/// observed outcome).
@Suite struct ExactPosteriorTests {
    static func data() throws -> DataTable {
        var process = AutoregressiveProcess()
        process.patients = 8
        process.sessions = 8
        process.phi = 0.4
        process.phiVariance = 0
        process.meanVariance = 1
        process.residualVariance = 1.5
        process.covariateRate = 0.4
        process.covariateEffect = 1
        process.missingRate = 0.12
        return try process.sample(seed: 2024)
    }

    /// One patient's observed outcomes and lagged covariate over its cells.
    struct Series { let y: [Double]; let laggedX: [Double] }

    static func series(_ table: DataTable) -> [Series] {
        guard case .numeric(let patient) = table["patient"]!, case .numeric(let y) = table["y"]!,
              case .numeric(let x) = table["x"]! else { return [] }
        var out = [Series]()
        var start = 0
        while start < patient.count {
            var end = start
            while end < patient.count && patient[end] == patient[start] { end += 1 }
            let rows = Array(start..<end)
            let first = rows.first { !y[$0].isNaN }!, last = rows.last { !y[$0].isNaN }!
            out.append(Series(y: Array(y[first...last]), laggedX: (first...last).map { $0 == start ? 0 : x[$0 - 1] }))
            start = end
        }
        return out
    }

    /// log p(y | phi, sigma^2, omega^2) with alpha, beta integrated out (up to a constant), and the
    /// conditional mean and covariance of (alpha, beta).
    static func marginal(_ series: [Series], phi: Double, sigma2: Double, omega2: Double) throws
        -> (logLikelihood: Double, mean: [Double], covariance: Matrix) {
        var hvh = Matrix(rows: 2, columns: 2), hvy = [0.0, 0.0], yvy = 0.0, logDet = 0.0
        for s in series {
            let n = s.y.count
            let observed = (0..<n).filter { !s.y[$0].isNaN }
            var xt = [Double](repeating: 0, count: n)
            for t in 0..<n { xt[t] = (t > 0 ? phi * xt[t - 1] : 0) + s.laggedX[t] }
            var v = Matrix(rows: observed.count, columns: observed.count)
            for (i, t) in observed.enumerated() {
                for (j, u) in observed.enumerated() {
                    var e = 0.0
                    for k in 0...min(t, u) { e += pow(phi, Double(t - k)) * pow(phi, Double(u - k)) }
                    v[i, j] = omega2 + 4 * pow(phi, Double(t + 1)) * pow(phi, Double(u + 1)) + sigma2 * e
                }
            }
            let c = try Cholesky(v)
            logDet += c.logDeterminant
            let h = Matrix(rows: observed.count, columns: 2, columnMajor: observed.map { _ in 1.0 } + observed.map { xt[$0] })
            let y = observed.map { s.y[$0] }
            let vh = try c.solve(h), vy = try c.solve(y)
            for a in 0..<2 {
                for b in 0..<2 { hvh[a, b] += (0..<observed.count).map { h[$0, a] * vh[$0, b] }.reduce(0, +) }
                hvy[a] += (0..<observed.count).map { h[$0, a] * vy[$0] }.reduce(0, +)
            }
            yvy += zip(y, vy).map(*).reduce(0, +)
        }
        let c = try Cholesky(hvh)
        let mean = try c.solve(hvy)
        let quadratic = yvy - zip(mean, hvy).map(*).reduce(0, +)
        return (-0.5 * logDet - 0.5 * c.logDeterminant - 0.5 * quadratic, mean, try c.inverse())
    }

    struct Moments { var mean = [Double](repeating: 0, count: 5); var sd = [Double](repeating: 0, count: 5) }

    /// Posterior means and SDs of (alpha, phi, beta, sigma^2, omega^2) on the grid `ranges`
    /// (phi, log sigma^2, log omega^2), `points` per axis (odd, Simpson's rule).
    static func exactMoments(_ series: [Series], ranges: [ClosedRange<Double>], points: Int) throws -> Moments {
        func axis(_ r: ClosedRange<Double>) -> [(Double, Double)] {
            let h = (r.upperBound - r.lowerBound) / Double(points - 1)
            return (0..<points).map { k in
                let w = k == 0 || k == points - 1 ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0)
                return (r.lowerBound + h * Double(k), w)
            }
        }
        var logs = [Double](), weights = [Double](), values = [[Double]](), conditionalVariances = [[Double]]()
        for (phi, w1) in axis(ranges[0]) {
            for (ls, w2) in axis(ranges[1]) {
                for (lo, w3) in axis(ranges[2]) {
                    let s2 = exp(ls), o2 = exp(lo)
                    let m = try marginal(series, phi: phi, sigma2: s2, omega2: o2)
                    // Priors IG(3, 6) and IG(3, 1), and the Jacobians of the log scales.
                    let logPrior = -4 * log(s2) - 6 / s2 - 4 * log(o2) - 1 / o2 + ls + lo
                    logs.append(m.logLikelihood + logPrior)
                    weights.append(w1 * w2 * w3)
                    values.append([m.mean[0], phi, m.mean[1], s2, o2])
                    conditionalVariances.append([m.covariance[0, 0], 0, m.covariance[1, 1], 0, 0])
                }
            }
        }
        let top = logs.max()!
        let p = zip(logs, weights).map { exp($0 - top) * $1 }
        let total = p.reduce(0, +)
        var out = Moments()
        for k in 0..<5 {
            let mean = zip(p, values).map { $0 * $1[k] }.reduce(0, +) / total
            let second = zip(p, zip(values, conditionalVariances)).map { $0 * ($1.0[k] * $1.0[k] + $1.1[k]) }.reduce(0, +) / total
            out.mean[k] = mean
            out.sd[k] = (second - mean * mean).squareRoot()
        }
        return out
    }

    @Test func samplerMatchesExactPosterior() throws {
        let table = try Self.data()
        let series = Self.series(table)
        #expect(series.contains { $0.y.contains { $0.isNaN } }, "the data have missing outcomes")
        // A coarse pass finds where the posterior is; the fine grid spans 7 SDs each way.
        let coarse = try Self.exactMoments(series, ranges: [-0.6...1.4, log(0.2)...log(20), log(0.02)...log(20)], points: 15)
        func span(_ k: Int, log isLog: Bool) -> ClosedRange<Double> {
            if !isLog { return (coarse.mean[k] - 7 * coarse.sd[k])...(coarse.mean[k] + 7 * coarse.sd[k]) }
            let m = coarse.mean[k], s = coarse.sd[k]
            let logSD = (log(1 + s * s / (m * m))).squareRoot()
            let center = log(m) - logSD * logSD / 2
            return (center - 7 * logSD)...(center + 7 * logSD)
        }
        let exact = try Self.exactMoments(series, ranges: [span(1, log: false), span(3, log: true), span(4, log: true)], points: 25)

        var settings = SamplerSettings()
        settings.chains = 4
        settings.burnIn = 1_000
        settings.iterations = 15_000
        settings.seed = 99
        let fit = try Fixtures.fit("y ~ lag(y) + lag(x) + (1 | patient)", to: table, settings: settings) { spec in
            spec.priors.initialValues = DSEMPriors.NormalPrior(mean: 0, variance: 4)
            spec.priors.residualVariance = DSEMPriors.InverseGammaPrior(shape: 3, scale: 6)
            spec.priors.randomEffects = DSEMPriors.InverseWishartPrior(scale: 2, degreesOfFreedom: 6)
        }
        let sampled = [fit.fixedEffect("(Intercept)")!.summary, fit.fixedEffect("lag(y)")!.summary,
                       fit.fixedEffect("lag(x)")!.summary, fit.random.first { $0.group == "Residual" }!.summary,
                       fit.random.first { $0.group == "patient" }!.summary]
        let names = ["alpha", "phi", "beta", "sigma^2", "omega^2"]
        for k in 0..<5 {
            let s = sampled[k]
            let mcse = s.sd / s.ess.squareRoot()
            #expect(abs(s.mean - exact.mean[k]) < 4 * mcse,
                    "\(names[k]): sampled mean \(s.mean) (MCSE \(mcse)), exact \(exact.mean[k])")
            #expect(abs(s.sd / exact.sd[k] - 1) < 0.05, "\(names[k]): sampled SD \(s.sd), exact \(exact.sd[k])")
        }
    }
}
