/// One row of lmerTest's coefficient table, with the Wald 95% confidence interval
/// `estimate +- t_{0.975, df} SE` (lmerTest's `confint` for Satterthwaite tests).
public struct FixedEffectEstimate: Sendable, Equatable, Encodable {
    public let term: String
    public let estimate: Double
    public let standardError: Double
    /// Satterthwaite's denominator degrees of freedom.
    public let degreesOfFreedom: Double
    public let t: Double
    /// Two-sided p = 2 P(T_df > |t|).
    public let p: Double
    public let confidenceLower: Double
    public let confidenceUpper: Double

    enum CodingKeys: String, CodingKey {
        case term, estimate, se, df, t, p, ci_lower, ci_upper
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(term, forKey: .term)
        try c.encode(estimate, forKey: .estimate)
        try c.encode(standardError, forKey: .se)
        try c.encode(degreesOfFreedom, forKey: .df)
        try c.encode(t, forKey: .t)
        try c.encode(p, forKey: .p)
        try c.encode(confidenceLower, forKey: .ci_lower)
        try c.encode(confidenceUpper, forKey: .ci_upper)
    }
}
