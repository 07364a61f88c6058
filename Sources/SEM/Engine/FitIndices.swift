import Foundation
import Numerics

/// How well the model reproduces the observed moments, as lavaan's `fitMeasures()` reports them
/// (ML, normal likelihood with divisor N, no scaling correction):
///
/// - chi-square `X2 = 2 (log L_sat - log L)` on `df = p + p(p+1)/2 - q` degrees of freedom (p
///   observed variables, q free parameters), against the saturated model (`SaturatedModel`);
/// - the baseline (independence) model: every variable its own mean and variance, no covariances,
///   `X2_b` on `df_b = p(p-1)/2`;
/// - CFI = 1 - max(X2 - df, 0) / max(X2 - df, X2_b - df_b, 0) (Bentler 1990; 1 when both are 0);
/// - TLI = 1 - ((X2 - df) df_b) / ((X2_b - df_b) df) (Tucker & Lewis 1973; 1 when df = 0);
/// - RMSEA = sqrt(max(X2/N/df - 1/N, 0)) (Steiger & Lind 1980), its 90% interval from the
///   noncentralities lambda with P(chi2_df(lambda) <= X2) = 0.95 and 0.05, sqrt(lambda / (N df))
///   (Browne & Cudeck 1993), and the p-value of close fit, P(chi2_df(N df 0.05^2) > X2);
/// - SRMR (Bentler's, with the means, lavaan's default): the root mean square over the p(p+1)/2
///   covariances and p means of the residuals standardized by the saturated model's standard
///   deviations, (s_ij - sigma_ij) / sqrt(s_ii s_jj) and (m_i - mu_i) / sqrt(s_ii);
/// - AIC = -2 log L + 2q, BIC = -2 log L + q log N.
///
/// N is the number of rows the likelihood uses (patients). With missing values the saturated
/// moments are the EM estimates, as lavaan's with `missing = "ml"`.
public struct FitIndices: Sendable, Codable, Equatable {
    public let chisq: Double
    public let df: Int
    public let pvalue: Double?
    public let baselineChisq: Double
    public let baselineDf: Int
    public let cfi: Double
    public let tli: Double?
    public let rmsea: Double?
    public let rmseaLower: Double?
    public let rmseaUpper: Double?
    public let rmseaPValue: Double?
    public let srmr: Double
    public let saturatedLogLikelihood: Double
    /// EM iterations of the saturated model (0 with complete data).
    public let saturatedIterations: Int

    enum CodingKeys: String, CodingKey {
        case chisq, df, pvalue
        case baselineChisq = "baseline_chisq", baselineDf = "baseline_df"
        case cfi, tli, rmsea
        case rmseaLower = "rmsea_ci_lower", rmseaUpper = "rmsea_ci_upper", rmseaPValue = "rmsea_pvalue"
        case srmr
        case saturatedLogLikelihood = "saturated_loglik", saturatedIterations = "saturated_em_iterations"
    }

    init(logLikelihood: Double, parameterCount q: Int, observations n: Int, patterns: [MissingDataPattern],
         variableCount p: Int, impliedSigma: Numerics.Matrix, impliedMu: [Double]) throws {
        let saturated = try SaturatedModel(patterns: patterns, variableCount: p)
        guard saturated.converged else {
            throw SEMFailure.notConverged("the saturated model (the EM estimate of the observed means and covariances, the reference of the chi-square) did not converge in \(SaturatedModel.maxIterations) iterations, so the chi-square and the fit indices built on it are not available")
        }
        let x2 = max(2 * (saturated.logLikelihood - logLikelihood), 0)
        let moments = p + p * (p + 1) / 2
        let df = moments - q
        chisq = x2
        self.df = df
        pvalue = df > 0 ? try ChiSquared(degreesOfFreedom: Double(df)).upperTail(x2) : nil
        saturatedLogLikelihood = saturated.logLikelihood
        saturatedIterations = saturated.iterations

        // Baseline: independent variables, each with its own mean and variance (FIML factorizes).
        var baselineLogLik = 0.0
        var count = [Double](repeating: 0, count: p), sum = [Double](repeating: 0, count: p)
        for g in patterns { for (ii, i) in g.observed.enumerated() { count[i] += Double(g.count); sum[i] += Double(g.count) * g.mean[ii] } }
        for i in 0..<p {
            let mean = sum[i] / count[i]
            var ss = 0.0
            for g in patterns {
                guard let ii = g.observed.firstIndex(of: i) else { continue }
                let k = g.observed.count, dev = g.mean[ii] - mean
                ss += Double(g.count) * (g.covariance.elements[ii + ii * k] + dev * dev)
            }
            let variance = ss / count[i]
            baselineLogLik += -0.5 * count[i] * (log(2 * Double.pi) + log(variance) + 1)
        }
        baselineChisq = max(2 * (saturated.logLikelihood - baselineLogLik), 0)
        baselineDf = p * (p - 1) / 2

        let t1 = max(x2 - Double(df), 0), t2 = max(x2 - Double(df), baselineChisq - Double(baselineDf), 0)
        cfi = t1 == 0 && t2 == 0 ? 1 : 1 - t1 / t2
        if df > 0 {
            let u1 = (x2 - Double(df)) * Double(baselineDf), u2 = (baselineChisq - Double(baselineDf)) * Double(df)
            tli = u2 != 0 ? 1 - u1 / u2 : 1
            let nn = Double(n), dd = Double(df)
            rmsea = max(x2 / nn / dd - 1 / nn, 0).squareRoot()
            (rmseaLower, rmseaUpper) = try Self.rmseaInterval(chisq: x2, df: dd, n: nn)
            rmseaPValue = try NoncentralChiSquared(degreesOfFreedom: dd, noncentrality: nn * dd * 0.05 * 0.05).upperTail(x2)
        } else {
            tli = df == 0 ? 1 : nil
            rmsea = df == 0 ? 0 : nil
            rmseaLower = nil
            rmseaUpper = nil
            rmseaPValue = nil
        }

        var squares = 0.0
        let s = saturated.covariance, m = saturated.mean
        for j in 0..<p {
            for i in j..<p {
                let r = (s.elements[i + j * p] - impliedSigma.elements[i + j * p]) / (s.elements[i + i * p] * s.elements[j + j * p]).squareRoot()
                squares += r * r
            }
            let r = (m[j] - impliedMu[j]) / s.elements[j + j * p].squareRoot()
            squares += r * r
        }
        srmr = (squares / Double(p * (p + 1) / 2 + p)).squareRoot()
    }

    /// lavaan's 90% RMSEA interval: the noncentralities at which X2 is the 95th and 5th percentile.
    private static func rmseaInterval(chisq x2: Double, df: Double, n: Double) throws -> (Double, Double) {
        func cdf(_ lambda: Double) -> Double { (try? NoncentralChiSquared(degreesOfFreedom: df, noncentrality: lambda).cdf(x2)) ?? .nan }
        var lower = 0.0, upper = 0.0
        if cdf(0) >= 0.95 {
            lower = (try RootFinding.brent({ cdf($0) - 0.95 }, in: 0, x2) / (n * df)).squareRoot()
        }
        let top = max(n, 4 * x2)
        if cdf(top) <= 0.05, cdf(0) >= 0.05 {
            upper = (try RootFinding.brent({ cdf($0) - 0.05 }, in: 0, top) / (n * df)).squareRoot()
        }
        return (lower, upper)
    }
}
