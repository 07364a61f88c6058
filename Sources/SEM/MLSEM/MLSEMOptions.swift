/// The options of an ML-SEM dynamic panel model, as dpm (and Stata's xtdpdml) name them.
public struct MLSEMOptions: Sendable, Equatable {
    /// Coefficients that may be freed across waves: none, all, or a subset.
    public enum Freedom: Sendable, Equatable, CustomStringConvertible {
        case none
        case all
        /// The listed lags of the outcome (`--y-free 1,2`) or predictors by column name
        /// (`--x-free union`).
        case some([String])

        /// `none`, `all`, or the names separated by commas.
        public var description: String {
            switch self {
            case .none: return "none"
            case .all: return "all"
            case .some(let names): return names.joined(separator: ",")
            }
        }

        func includes(_ name: String) -> Bool {
            switch self {
            case .none: return false
            case .all: return true
            case .some(let names): return names.contains(name)
            }
        }
    }

    /// dpm's `error.inv`: one error variance for every wave.
    public var errorInvariant = false
    /// dpm's `const.inv`: one intercept for every wave.
    public var constantInvariant = false
    /// dpm's `y.lag`: the lags of the outcome in every equation; [0] for none (a static model).
    public var outcomeLags = [1]
    /// The lag of every time-varying predictor written without `lag()` (0: the same session, as
    /// in dpm; 1 makes `pre(x)` read as `pre(lag(x))`).
    public var predictorLag = 0
    /// dpm's `y.free`: lagged-outcome coefficients free across waves (all, or the lags named).
    public var outcomeFree = Freedom.none
    /// dpm's `x.free`: predictor coefficients free across waves (all, or the columns named).
    public var predictorFree = Freedom.none
    /// dpm's `alpha.free`: alpha's loadings free across waves (the first fixed at 1).
    public var alphaFree = false
    /// dpm's `partial.pre`: lagged predetermined predictors may also correlate with the
    /// contemporaneous error (Allison 2022).
    public var partialPredetermined = false
    /// dpm's `fixed.effects = FALSE`: alpha uncorrelated with the predictors (random effects).
    public var randomEffects = false
    /// FIML (every observed value) or listwise deletion.
    public var missing = StructuralEquationModel.MissingData.fiml
    /// The information matrix of the standard errors.
    public var information = InformationKind.observed
    /// Only sessions in this range become waves (default: every session in the data).
    public var sessions: ClosedRange<Int>?
    /// Compute the chi-square and other fit indices.
    public var fitIndices = true

    public init() {}
}
