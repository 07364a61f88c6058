/// Why a mixed model could not be fitted to data that were otherwise valid.
public enum MixedModelError: Error, CustomStringConvertible, Equatable {
    /// The fixed and random effects reproduce the response exactly (zero residual sum of squares).
    case exactFit
    /// X'V^-1 X is not positive definite: the fixed effects are not identifiable given the
    /// random effects (lme4: "Downdated VtV is not positive definite").
    case fixedEffectsNotIdentifiable
    /// The optimizer failed.
    case optimizerFailed(String)
    /// A quantity that should be finite was not.
    case nonFinite(String)
    /// A variable's values are so large or small that their squares leave double precision.
    case extremeScale(variable: String, largest: Double)
    /// Satterthwaite's df of a coefficient are so small that no t quantile exists: the data
    /// hardly determine the variance of its estimate.
    case degenerateDegreesOfFreedom(term: String, df: Double, method: DegreesOfFreedomMethod = .satterthwaite)

    public var description: String {
        switch self {
        case .exactFit:
            return "the model reproduces the response exactly (residual sum of squares is zero); there is no residual variance to estimate"
        case .fixedEffectsNotIdentifiable:
            return "the fixed effects are not identifiable given the random effects (downdated X'X is not positive definite; lme4: \"Downdated VtV is not positive definite\"): check the predictors for extreme values, or consider rescaling"
        case .extremeScale(let variable, let largest):
            return "\(variable) has values as large as \(String(format: "%.3g", largest)) in absolute value, whose squares \(largest > 1 ? "overflow" : "underflow") double precision: consider rescaling"
        case .degenerateDegreesOfFreedom(let term, let df, let method):
            return "the \(method.rawValue) df of '\(term)' is \(String(format: "%.3g", df)): the data hardly determine the variance of its estimate, so there is no t-test or confidence interval (an extreme value, or a random effect only one group informs?); check the data, or consider rescaling or a simpler random-effects structure"
        case .optimizerFailed(let reason):
            return "the optimizer failed: \(reason)"
        case .nonFinite(let what):
            return "\(what) is not finite"
        }
    }
}
