/// Restricted (REML, lme4's default) or full maximum likelihood.
public enum EstimationMethod: String, Sendable, Codable {
    case reml = "REML"
    case ml = "ML"
}

/// How the denominator degrees of freedom of t and F tests on the fixed effects are approximated:
/// Satterthwaite's method as lmerTest computes it (the default, as in lmerTest), or Kenward and
/// Roger's (1997), which also adjusts Var(beta-hat) for the uncertainty of the variance parameters,
/// as pbkrtest computes it (lmerTest's `ddf = "Kenward-Roger"`; REML fits only).
public enum DegreesOfFreedomMethod: String, Sendable, Codable, CaseIterable {
    case satterthwaite = "Satterthwaite"
    case kenwardRoger = "Kenward-Roger"

    /// lmerTest's words in its headings: "Satterthwaite's method", "Kenward-Roger's method".
    public var possessive: String { rawValue + "'s" }
}
