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

    public var description: String {
        switch self {
        case .exactFit:
            return "the model reproduces the response exactly (residual sum of squares is zero); there is no residual variance to estimate"
        case .fixedEffectsNotIdentifiable:
            return "the fixed effects are not identifiable given the random effects (downdated X'X is not positive definite)"
        case .optimizerFailed(let reason):
            return "the optimizer failed: \(reason)"
        case .nonFinite(let what):
            return "\(what) is not finite"
        }
    }
}
