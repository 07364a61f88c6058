import DSEM
import Ruptures
import MixedModels
import Tabular
import Yams

/// A model a power study fits to every simulated dataset, once per rater: an lme4 formula over
/// the variables of `SessionVariables.table(for:allianceColumn:)` (`alliance`, `rupture` and `repair` are that
/// rater's rating and detected indicators), or a DSEM formula (`alliance dsem`) over `distress`,
/// `alliance`, `rupture`, `repair` and `session` by session number.
/// Its focal terms are the fixed effects of `rupture` and `repair` (in a DSEM, `lag(rupture)` and
/// `lag(repair)`) whose true values are the process's `ruptureEffect` and `repairEffect` for that
/// rater.
///
/// Three built-in estimators are the lagged multilevel models Falkenström, Solomonov & Rubel
/// (2022) warn about; `dsem` (the dynamic SEM with latent centring) and `mlsem` (ML-SEM) are the
/// two estimators free of Nickell's bias that they and Falkenström (2024) recommend.
/// docs/METHODS.md ("Estimators") gives the bias each is expected to have and why. A new kind of
/// estimator is a new `Method`, fitted in `SimulatedReplication`.
public struct Estimator: Sendable, Equatable {
    public let name: String
    public let formula: String
    /// The focal terms the formula has, in the order `rupture`, `repair`.
    public let focalTerms: [FocalTerm]
    /// How the formula is fitted.
    public let method: Method
    /// A residual correlation structure for a linear mixed model (`alliance fit --residuals`),
    /// such as `ar1(session | patient)`; nil for independent residuals.
    public let residuals: String?

    /// How an estimator's formula is fitted.
    public enum Method: Sendable, Equatable {
        /// A linear mixed model (lme4 by REML, lmerTest's df), formula over the analysis variables.
        case linearMixedModel
        /// A two-level DSEM (`DSEM.fit`), formula in the language of `alliance dsem`.
        case dsem
        /// The ML-SEM dynamic panel model (the formula is dpm's, fitted on the sessions in range,
        /// FIML, z-based Wald intervals).
        case mlsem(sessions: ClosedRange<Int>)
    }

    /// The variables a DSEM estimator may read (by session number, lags from `lag()`).
    public static let dsemVariables = ["distress", "alliance", "rupture", "repair", "session"]

    /// The DSEM term of a focal effect: its indicator at lag 1.
    public static func dsemTerm(_ term: FocalTerm) -> String { "lag(\(term.rawValue))" }

    /// A rupture or repair effect on distress at the next session.
    public enum FocalTerm: String, Sendable, CaseIterable, Codable {
        case rupture, repair
    }

    /// The common lagged model with the observed lagged outcome:
    /// distress_{t+1} ~ distress_t + rupture_t + repair_t + session + (1 | patient).
    public static let laggedObserved = Estimator(
        name: "lagged-observed", formula: "distress_next ~ distress + rupture + repair + session + (1 | patient)",
        focalTerms: [.rupture, .repair])

    /// The same with distress_t centred within patient (distress_t minus the patient's mean).
    public static let laggedCentred = Estimator(
        name: "lagged-centred", formula: "distress_next ~ distress_within + rupture + repair + session + (1 | patient)",
        focalTerms: [.rupture, .repair])

    /// The lagged model on distress detrended within patient (residuals from the patient's own
    /// line on session number), for the outcome and the lag alike.
    public static let detrended = Estimator(
        name: "detrended", formula: "distress_next_detrended ~ distress_detrended + rupture + repair + (1 | patient)",
        focalTerms: [.rupture, .repair])

    /// The dynamic SEM with latent centring (Asparouhov, Hamaker & Muthén 2018): distress on its
    /// lag centred on the patient's latent mean, with a random autoregression, on the rupture and
    /// repair of the previous session and on the session trend:
    /// distress_t ~ lag(distress) + lag(rupture) + lag(repair) + session + (1 + lag(distress) | patient),
    /// Mplus's priors and PSR rule.
    public static let dsem = Estimator(
        name: "dsem", formula: "distress ~ lag(distress) + lag(rupture) + lag(repair) + session + (1 + lag(distress) | patient)",
        focalTerms: [.rupture, .repair], method: .dsem)

    /// ML-SEM (Allison, Williams & Moral-Benito 2017; `alliance mlsem`): rupture and repair
    /// predetermined, the lagged distress implied, fixed effects, FIML over sessions 3-12: each
    /// session is a wave with parameters of its own, so their number is bounded for a sample of
    /// about a hundred patients, and a wave of an indicator that cannot vary (no rupture is
    /// detected at session 1, no repair before session 3) has no variance. Free of Nickell's
    /// bias; docs/METHODS.md ("ML-SEM").
    public static let mlsem = Estimator(
        name: "mlsem", formula: "distress ~ pre(lag(rupture)) + pre(lag(repair))",
        focalTerms: [.rupture, .repair], method: .mlsem(sessions: 3...12))

    /// The centred lagged model with AR(1) residuals within patient over session numbers (missed
    /// sessions are gaps), as nlme's corAR1 (issue #13; docs/METHODS.md, "Residual correlation").
    public static let laggedAutocorrelated = Estimator(
        name: "lagged-ar1", formula: "distress_next ~ distress_within + rupture + repair + session + (1 | patient)",
        focalTerms: [.rupture, .repair], residuals: "ar1(session | patient)")

    /// The estimators of the default analysis, by name.
    public static let catalog = [laggedObserved, laggedCentred, detrended]

    /// Every built-in estimator, by name.
    public static let builtIn = catalog + [dsem, mlsem, laggedAutocorrelated]

    private init(name: String, formula: String, focalTerms: [FocalTerm], method: Method = .linearMixedModel, residuals: String? = nil) {
        self.name = name
        self.formula = formula
        self.focalTerms = focalTerms
        self.method = method
        self.residuals = residuals
    }

    /// A user's estimator: `formula` must parse, read only variables of `SessionVariables.raterTableVariables`, and
    /// read `rupture` or `repair` (or both). Errors name `field` at `location`.
    init(name: String, formula: String, residuals: String? = nil, field: String, location: String) throws {
        func fail(_ message: String) -> DataError { DataError(location: location, message: "field '\(field)': \(message)") }
        if let residuals {
            let structure: CorrelationStructure
            do { structure = try CorrelationStructure(residuals) } catch let error as FormulaError { throw fail(error.message) }
            if let unknown = structure.variableNames.first(where: { !SessionVariables.raterTableVariables.contains($0) }) {
                throw fail("the residual structure reads '\(unknown)', which is not an analysis variable")
            }
        }
        let parsed: ModelFormula
        do { parsed = try ModelFormula(formula) } catch let error as FormulaError { throw fail(error.message) }
        let variables = parsed.variableNames
        if variables.contains(".") {
            throw fail("'.' (every other column) would take in patient, therapist and every derived variable: name the variables")
        }
        if let unknown = variables.first(where: { !SessionVariables.raterTableVariables.contains($0) }) {
            throw fail("the formula reads '\(unknown)', which is not an analysis variable (variables: \(SessionVariables.raterTableVariables.joined(separator: ", ")))")
        }
        let focal = FocalTerm.allCases.filter { variables.contains($0.rawValue) }
        guard !focal.isEmpty else { throw fail("the formula must have 'rupture' or 'repair' (or both) among its terms") }
        self.init(name: name, formula: formula, focalTerms: focal, residuals: residuals)
    }

    /// A user's DSEM estimator: `formula` must parse as a DSEM formula, read only `dsemVariables`
    /// and have `lag(rupture)` or `lag(repair)` (or both). Errors name `field` at `location`.
    init(name: String, dsemFormula formula: String, field: String, location: String) throws {
        func fail(_ message: String) -> DataError { DataError(location: location, message: "field '\(field)': \(message)") }
        let parsed: DSEMFormula
        do { parsed = try DSEMFormula(formula) } catch let error as FormulaError { throw fail(error.message) }
        if let unknown = parsed.columns.first(where: { !Self.dsemVariables.contains($0) }) {
            throw fail("the formula reads '\(unknown)', which is not a DSEM analysis variable (variables: \(Self.dsemVariables.joined(separator: ", ")))")
        }
        guard parsed.group == "patient" else { throw fail("the random part must be (... | patient)") }
        let labels = parsed.terms.map(\.label)
        let focal = FocalTerm.allCases.filter { labels.contains(Self.dsemTerm($0)) }
        guard !focal.isEmpty else { throw fail("the formula must have lag(rupture) or lag(repair) (or both) among its terms") }
        self.init(name: name, formula: formula, focalTerms: focal, method: .dsem)
    }

    /// Reads one entry of `analysis.estimators`: a built-in name, or `{name: ..., formula: ...}`.
    init(_ value: ConfigurationValue, field: String) throws {
        switch value {
        case .scalar(let name, let location):
            guard let known = Self.builtIn.first(where: { $0.name == name }) else {
                throw DataError(location: location, message: "field '\(field)': unknown estimator \(Excerpt.quoted(name)) (built in: \(Self.builtIn.map(\.name).joined(separator: ", ")); or give {name: ..., formula: ...} or {name: ..., dsem: ...})")
            }
            self = known
        case .mapping(_, let location):
            let s = try ConfigurationSection(value, path: field, location: location)
            let name = try s.text("name", default: "")
            let formula = try s.text("formula", default: "")
            let residuals = try s.text("residuals", default: "")
            let dsem = try s.text("dsem", default: "")
            try s.finish()
            guard !name.isEmpty, formula.isEmpty != dsem.isEmpty else {
                throw DataError(location: location, message: "field '\(field)': an estimator of your own needs a 'name' and a 'formula' (lme4) or a 'dsem' formula")
            }
            if !dsem.isEmpty {
                guard residuals.isEmpty else {
                    throw DataError(location: s.value("residuals")?.location ?? location,
                                    message: "field '\(field).residuals': a residual correlation structure is for an lme4 'formula', not a 'dsem' formula")
                }
                try self.init(name: name, dsemFormula: dsem, field: field + ".dsem", location: s.value("dsem")?.location ?? location)
            } else {
                try self.init(name: name, formula: formula, residuals: residuals.isEmpty ? nil : residuals, field: field + ".formula",
                              location: s.value("formula")?.location ?? location)
            }
        case .sequence(_, let location):
            throw DataError(location: location, message: "field '\(field)' must be an estimator name or {name: ..., formula: ..., residuals: ...}")
        }
    }

    var node: Node {
        if Self.builtIn.contains(self) { return CanonicalYAML.text(name) }
        return CanonicalYAML.flowMapping([("name", CanonicalYAML.text(name)), (method == .dsem ? "dsem" : "formula", CanonicalYAML.text(formula))]
                                         + (residuals.map { [("residuals", CanonicalYAML.text($0))] } ?? []))
    }
}
