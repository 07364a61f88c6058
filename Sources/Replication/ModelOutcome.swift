import MixedModels
import Tabular

/// A model of the analysis: fitted, or the reason it was not (a step that cannot run on these
/// data, or a fit that failed). A model that cannot be fitted is reported, never a crash.
public enum ModelOutcome: Sendable {
    case fitted(LinearMixedModelFit)
    case notRun(formula: String?, reason: String)

    /// Fits `formula` to `data` by REML with Satterthwaite df (lme4 + lmerTest defaults). Any
    /// failure (no complete rows, a response without variance, an optimizer failure) becomes
    /// `notRun` with the reason. `threads` is the number of threads the fit may use for its
    /// derivatives (1 when models are fitted side by side).
    static func fit(_ formula: String, to data: DataTable, threads: Int, residuals: String? = nil) -> ModelOutcome {
        do {
            let model = try LinearMixedModel(formula: formula, data: data, method: .reml, residuals: residuals)
            model.threads = threads
            return .fitted(try model.fit())
        } catch let error as DataError {
            return .notRun(formula: formula, reason: "could not be fitted: \(error.message)")
        } catch {
            return .notRun(formula: formula, reason: "could not be fitted: \(error)")
        }
    }

    public var fit: LinearMixedModelFit? {
        if case .fitted(let f) = self { return f }
        return nil
    }

    /// Why the model was not fitted; nil when it was.
    public var reason: String? {
        if case .notRun(_, let r) = self { return r }
        return nil
    }

    public var formula: String? {
        switch self {
        case .fitted(let f): return f.formula
        case .notRun(let formula, _): return formula
        }
    }

    /// The fixed effect called `term`, if the model was fitted and estimated it (a column dropped
    /// as rank deficient, such as a rupture indicator that is 0 everywhere, has none).
    public func effect(_ term: String) -> FixedEffectEstimate? {
        fit?.fixedEffects.first { $0.term == term }
    }
}
