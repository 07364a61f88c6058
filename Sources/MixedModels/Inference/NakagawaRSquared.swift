/// The marginal and conditional R-squared of a linear mixed model (Nakagawa & Schielzeth 2013;
/// with random slopes, Johnson 2014 and Nakagawa, Johnson & Schielzeth 2017), as
/// `performance::r2_nakagawa()` computes them for lme4 fits:
///
///     R2_marginal    = var_f / (var_f + var_a + sigma^2)
///     R2_conditional = (var_f + var_a) / (var_f + var_a + sigma^2)
///
/// var_f the variance (n - 1 denominator, R's `var`) of the fixed part X beta-hat over the rows
/// used; var_a the mean over the rows of z' Sigma_j z summed over the random-effects terms (the
/// intercept variance for intercepts alone; the same quantity as the ICCs'); sigma^2 the residual
/// variance (with correlated residuals, the variance of each residual, since R has a unit diagonal).
public struct NakagawaRSquared: Sendable, Equatable, Encodable {
    public let marginal: Double
    public let conditional: Double

    init(fixedPart: [Double], randomVariance: Double, residualVariance: Double) {
        let n = Double(fixedPart.count)
        let mean = fixedPart.reduce(0, +) / n
        let fixed = n > 1 ? fixedPart.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) : 0
        let total = fixed + randomVariance + residualVariance
        marginal = fixed / total
        conditional = (fixed + randomVariance) / total
    }
}
