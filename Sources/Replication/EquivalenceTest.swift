import MixedModels
import Numerics

/// Two one-sided tests (TOST; Schuirmann 1987, Lakens 2017) of whether an effect lies within
/// ±Δ of zero, the equivalence bound (the smallest effect of interest), from the estimate b, its
/// SE and df as lmerTest reports them:
///
///     p_lower = P(T ≥ (b + Δ) / SE),   p_upper = P(T ≤ (b − Δ) / SE),   T ~ t(df),
///
/// and the effect is equivalent to zero at α when both are below α, that is, when the
/// (1 − 2α) CI, b ± t(1 − α, df) SE, lies inside (−Δ, Δ). A published null effect "holds" only
/// in this sense; p ≥ .05 alone is absence of evidence.
public struct EquivalenceTest: Sendable, Encodable, Equatable {
    /// Δ, in the effect's units.
    public let bound: Double
    /// max(p_lower, p_upper).
    public let p: Double
    /// The (1 − 2α) CI.
    public let lower: Double
    public let upper: Double
    public let alpha: Double

    public var equivalent: Bool { p < alpha }

    public init?(_ e: FixedEffectEstimate, bound: Double, alpha: Double = 0.05) {
        self.init(estimate: e.estimate, standardError: e.standardError, degreesOfFreedom: e.degreesOfFreedom, bound: bound, alpha: alpha)
    }

    public init?(estimate b: Double, standardError se: Double, degreesOfFreedom df: Double, bound: Double, alpha: Double = 0.05) {
        guard bound > 0, se > 0, let t = try? StudentT(degreesOfFreedom: df), let q = try? t.quantile(1 - alpha) else { return nil }
        self.bound = bound
        self.alpha = alpha
        p = max(t.upperTail((b + bound) / se), t.cdf((b - bound) / se))
        lower = b - q * se
        upper = b + q * se
    }

    enum CodingKeys: String, CodingKey { case bound, p, ci_lower, ci_upper, alpha, equivalent }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(bound, forKey: .bound)
        try c.encode(p, forKey: .p)
        try c.encode(lower, forKey: .ci_lower)
        try c.encode(upper, forKey: .ci_upper)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(equivalent, forKey: .equivalent)
    }
}
