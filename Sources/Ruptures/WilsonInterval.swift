import Numerics

/// The Wilson (1927) score interval for a proportion x / n, the interval R's `prop.test(x, n,
/// correct = FALSE)` and `binom::binom.wilson` give:
///
///     centre    = (p + z²/2n) / (1 + z²/n)
///     half-width = z / (1 + z²/n) · sqrt(p(1 - p)/n + z²/4n²)
///
/// with p = x / n and z the standard normal quantile for the confidence level (1.959964 at 95%,
/// from GSL). Unlike the Wald interval p ± z sqrt(p(1 - p)/n) it stays within [0, 1] and does
/// not collapse to a point at 0% or 100%.
public struct WilsonInterval: Sendable, Equatable, Encodable {
    public let lower: Double
    public let upper: Double

    /// Nil when n = 0 (no proportion to bound).
    public init?(successes x: Int, trials n: Int, confidence: Double = 0.95) {
        guard n > 0, x >= 0, x <= n, let z = try? Normal.standard.upperQuantile((1 - confidence) / 2) else { return nil }
        let p = Double(x) / Double(n), nn = Double(n), z2 = z * z
        let denominator = 1 + z2 / nn
        let centre = (p + z2 / (2 * nn)) / denominator
        let half = z / denominator * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        lower = max(0, centre - half)
        upper = min(1, centre + half)
    }
}
