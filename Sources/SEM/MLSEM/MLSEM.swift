import DynamicModels
import MixedModels
import SessionData
import Tabular

/// The ML-SEM dynamic panel model with fixed effects of Allison, Williams & Moral-Benito (2017),
/// as the R package dpm (Long, Williams & Allison) and Stata's xtdpdml build it, on the SEM engine.
///
/// Waves are session numbers. For waves t = s..T (s = the first wave plus the longest lag):
///
///     y_t = kappa_t + sum_l rho_l y_{t-l} + sum_k beta_k x_{k, t - lag_k} + sum_j gamma_j z_j + alpha + e_t
///
/// - alpha is latent with loading 1 on every y_t (free loadings, the first fixed at 1, with
///   `alphaFree`) and free variance; it covaries freely with every wave of every time-varying
///   predictor and with the initial outcomes y_1..y_{s-1} ("fixed effects"), but not with the
///   time-invariant z (with `randomEffects` all these covariances are 0);
/// - the errors e_t have variance sigma_t^2 (one sigma^2 with `errorInvariant`) and are
///   uncorrelated with each other, with alpha, with z, the initial outcomes and the strictly
///   exogenous predictors; a predetermined predictor (`pre()`) may correlate with the errors of
///   earlier equations, Cov(e_t, x_u) free for u > t (u >= t with `partialPredetermined`),
///   sequential exogeneity;
/// - the predictors at every wave, the z and the initial outcomes have free means, variances and
///   covariances (a saturated block), as lavaan gives them in dpm's model;
/// - kappa_t are free (one kappa with `constantInvariant`); rho, beta and gamma are equal across
///   waves unless freed (`outcomeFree`, `predictorFree`).
///
/// dpm passes exactly this model to `lavaan::sem()`; `specification(waves:)` states it statement by
/// statement with dpm's labels (en1, ex1, c1, p1, v), so `--print-model` prints lavaan syntax
/// that lavaan fits to the same numbers (Benchmarks/R/dpm-model.R writes it independently).
public struct MLSEM: Sendable {
    public let formula: MLSEMFormula
    public let options: MLSEMOptions

    /// The name of the latent person effect.
    public static let alpha = "alpha"

    public init(formula text: String, options: MLSEMOptions = MLSEMOptions()) throws {
        guard (0...LaggedVariable.maximumLag).contains(options.predictorLag) else {
            throw SEMInputError("--x-lag: a whole number of sessions from 0 to \(LaggedVariable.maximumLag)")
        }
        let formula = try MLSEMFormula(text).lagging(unlaggedPredictorsBy: options.predictorLag)
        if case .some(let names) = options.predictorFree {
            for name in names where !formula.predictors.contains(where: { $0.variable.name == name }) && !formula.constants.contains(name) {
                throw SEMInputError("--x-free \(name): '\(name)' is not a predictor of the formula")
            }
        }
        let lags = options.outcomeLags
        guard !lags.isEmpty, lags.allSatisfy({ (0...LaggedVariable.maximumLag).contains($0) }), Set(lags).count == lags.count else {
            throw SEMInputError("--y-lag: the lags of the outcome are distinct whole numbers from 0 to \(LaggedVariable.maximumLag) (0 alone: no lagged outcome)")
        }
        if lags.contains(0) && lags.count > 1 {
            throw SEMInputError("--y-lag: 0 means no lagged outcome and cannot be combined with other lags")
        }
        if case .some(let names) = options.outcomeFree {
            for name in names where !lags.contains(Int(name) ?? -1) || name == "0" {
                throw SEMInputError("--y-free \(name): not one of the outcome's lags (--y-lag \(lags.map(String.init).joined(separator: ",")))")
            }
        }
        self.formula = formula
        self.options = options
    }

    /// The data columns the model reads.
    public var variables: [String] { formula.variables }

    var outcomeLags: [Int] { options.outcomeLags.filter { $0 > 0 } }
    var predetermined: [MLSEMFormula.Predictor] { formula.predictors.filter(\.predetermined) }
    var exogenous: [MLSEMFormula.Predictor] { formula.predictors.filter { !$0.predetermined } }

    /// The waves of the model: sessions `first...end`, equations for `start...end`.
    public struct Waves: Sendable, Equatable {
        public let first: Int
        /// The first wave with an equation: `first` plus the longest lag.
        public let start: Int
        public let end: Int
    }

    /// The waves for data on sessions `sessions`.
    public func waves(sessions: ClosedRange<Int>) throws -> Waves {
        let longest = (formula.predictors.map(\.variable.lag) + options.outcomeLags).max() ?? 0
        let start = sessions.lowerBound + longest
        guard start <= sessions.upperBound else {
            throw SEMInputError("sessions \(sessions.lowerBound) to \(sessions.upperBound) leave no session with an equation (the longest lag is \(longest))")
        }
        return Waves(first: sessions.lowerBound, start: start, end: sessions.upperBound)
    }

    /// The name of `variable` at session `wave` in the wide layout, as dpm names it.
    public static func waveName(_ variable: String, _ wave: Int) -> String { "\(variable)_\(wave)" }

    /// The waves of predictor `name` that enter some equation (only through its `pre()` terms
    /// when `predeterminedTerms`: dpm lets the errors correlate with those waves alone when a
    /// column is both in `pre()` and outside it, as in `pre(lag(x)) + x`).
    func predictorWaves(_ name: String, _ w: Waves, predeterminedTerms: Bool = false) -> ClosedRange<Int> {
        let lags = formula.predictors.filter { $0.variable.name == name && (!predeterminedTerms || $0.predetermined) }.map(\.variable.lag)
        return (w.start - lags.max()!)...(w.end - lags.min()!)
    }

    /// The predictors' columns in order of first appearance, predetermined ones first (dpm's order).
    var predictorColumns: [(name: String, predetermined: Bool)] {
        var out = [(String, Bool)]()
        for p in predetermined + exogenous where !out.contains(where: { $0.0 == p.variable.name }) {
            out.append((p.variable.name, p.predetermined))
        }
        return out
    }

    /// Where a coefficient of the output table is in the specification: its term (as dpm names
    /// it), the session of its equation when it is free across waves, and its statement.
    struct CoefficientStatement {
        let term: String
        let session: Int?
        let statement: Int
    }

    /// The model for waves `w`, and where its reported coefficients are.
    func build(_ w: Waves) -> (ModelSpecification, [CoefficientStatement]) {
        let y = formula.outcome
        let initial = outcomeLags.isEmpty ? [] : Array(w.first..<w.start)
        let columns = predictorColumns
        // The saturated exogenous block: predictor waves, covariates, initial outcomes.
        var block = [String]()
        for c in columns { for t in predictorWaves(c.name, w) { block.append(Self.waveName(c.name, t)) } }
        block += formula.constants
        block += initial.map { Self.waveName(y, $0) }
        let outcomes = (w.start...w.end).map { Self.waveName(y, $0) }
        var observed = initial.map { Self.waveName(y, $0) } + outcomes
        for name in block where !observed.contains(name) { observed.append(name) }

        var spec = ModelSpecification(observed: observed, latent: [Self.alpha])
        // The reported coefficients, by term in order of first mention, then by session.
        var terms = [String](), byTerm = [String: [CoefficientStatement]]()
        func record(_ term: String, _ free: Bool, _ t: Int) {
            if free || t == w.start {
                if byTerm[term] == nil { terms.append(term) }
                byTerm[term, default: []].append(CoefficientStatement(term: term, session: free ? t : nil, statement: spec.statements.count))
            }
        }

        spec.section = "Main regressions"
        for t in w.start...w.end {
            let outcome = Self.waveName(y, t)
            for (k, p) in predetermined.enumerated() {
                let free = options.predictorFree.includes(p.variable.name)
                record(p.variable.term, free, t)
                spec.regress(outcome, on: Self.waveName(p.variable.name, t - p.variable.lag), label: "en\(k + 1)" + (free ? "_\(t)" : ""))
            }
            for (k, p) in exogenous.enumerated() {
                let free = options.predictorFree.includes(p.variable.name)
                record(p.variable.term, free, t)
                spec.regress(outcome, on: Self.waveName(p.variable.name, t - p.variable.lag), label: "ex\(k + 1)" + (free ? "_\(t)" : ""))
            }
            for (k, z) in formula.constants.enumerated() {
                let free = options.predictorFree.includes(z)
                record(FormulaExpression.variable(z).deparsed, free, t)
                spec.regress(outcome, on: z, label: "c\(k + 1)" + (free ? "_\(t)" : ""))
            }
            for lag in outcomeLags {
                let free = options.outcomeFree.includes(String(lag))
                record(LaggedVariable(name: y, lag: lag).term, free, t)
                spec.regress(outcome, on: Self.waveName(y, t - lag), label: free ? nil : "p\(lag)")
            }
        }

        spec.section = "Alpha latent variable (random intercept)"
        for (i, outcome) in outcomes.enumerated() {
            if options.alphaFree && i > 0 { spec.load(outcome, on: Self.alpha) } else { spec.load(outcome, on: Self.alpha, fixed: 1) }
        }
        spec.covary(Self.alpha, Self.alpha)

        spec.section = options.randomEffects
            ? "Alpha cannot covary with observed variables (random effects)"
            : "Alpha free to covary with observed variables (fixed effects)"
        for c in columns { for t in predictorWaves(c.name, w) {
            spec.covary(Self.alpha, Self.waveName(c.name, t), fixed: options.randomEffects ? 0 : nil)
        } }
        for t in initial { spec.covary(Self.alpha, Self.waveName(y, t), fixed: options.randomEffects ? 0 : nil) }

        let offset = options.partialPredetermined ? 0 : 1
        if !predetermined.isEmpty {
            spec.section = "Correlating DV errors with future values of predetermined predictors"
            for t in w.start..<w.end {
                for c in columns where c.predetermined {
                    for u in predictorWaves(c.name, w, predeterminedTerms: true) where u >= t + offset {
                        spec.covary(Self.waveName(y, t), Self.waveName(c.name, u))
                    }
                }
            }
        }

        spec.section = "Predictors, covariates and initial outcomes: free means, variances and covariances"
        for (a, name) in block.enumerated() {
            for other in block[(a + 1)...] { spec.covary(name, other) }
        }
        for name in block { spec.covary(name, name) }
        for name in block { spec.intercept(name) }

        spec.section = options.errorInvariant ? "DV error variance held constant across waves" : "DV error variance free to vary across waves"
        for outcome in outcomes { spec.covary(outcome, outcome, label: options.errorInvariant ? "v" : nil) }

        spec.section = options.constantInvariant ? "DV intercept held constant across waves" : "DV intercepts free to vary across waves"
        for outcome in outcomes { spec.intercept(outcome, label: options.constantInvariant ? "k" : nil) }
        return (spec, terms.flatMap { byTerm[$0]! })
    }

    /// The model specification for waves `w` (what `--print-model` prints).
    public func specification(waves w: Waves) -> ModelSpecification { build(w).0 }

    /// The model and its wide data for `panel`, which must hold `variables`.
    func structuralModel(for panel: LaggedPanel) throws -> (model: StructuralEquationModel, waves: Waves, coefficients: [CoefficientStatement]) {
        let range = options.sessions ?? panel.sessionRange
        guard panel.sessionRange.contains(range.lowerBound), panel.sessionRange.contains(range.upperBound) else {
            throw SEMInputError("--sessions \(range.lowerBound):\(range.upperBound): the data have sessions \(panel.sessionRange.lowerBound) to \(panel.sessionRange.upperBound)")
        }
        let w = try waves(sessions: range)
        try checkTimeVarying(panel)
        let (spec, coefficients) = build(w)
        var columns = [String: [Double]]()
        var waveOf = [String: (String, Int)]()
        let p = panel.patientCount
        let dataRange = panel.sessionRange
        for name in [formula.outcome] + predictorColumns.map(\.name) {
            let (values, count) = try panel.waves(of: name)
            for t in w.first...w.end {
                let index = t - dataRange.lowerBound
                waveOf[Self.waveName(name, t)] = (name, t)
                columns[Self.waveName(name, t)] = (0..<p).map { patient in
                    index >= 0 && index < count ? values[patient * count + index] : .nan
                }
            }
        }
        for z in formula.constants { columns[z] = try panel.personConstant(z) }
        let observed = spec.observed
        var values = [Double](repeating: .nan, count: p * observed.count)
        for (j, name) in observed.enumerated() {
            let column = columns[name]!
            for i in 0..<p { values[i * observed.count + j] = column[i] }
        }
        let data = SEMData(variables: observed, values: values, rowCount: p)
        do {
            return (try StructuralEquationModel(specification: spec, data: data, missing: options.missing, units: "patients"), w, coefficients)
        } catch let error as ModelSpecificationError {
            throw SEMInputError(error.description)
        } catch let error as SEMInputError {
            // A wave's variable: say which column at which session, and what to do.
            guard let name = error.variable, let (column, session) = waveOf[name] else { throw error }
            throw SEMInputError(error.description.replacingOccurrences(of: "'\(name)'", with: "'\(column)' at session \(session)")
                                + "; restrict the waves with --sessions", variable: name)
        }
    }

    /// The outcome and every time-varying predictor must change over sessions within some patient;
    /// a column that never does belongs after '|'.
    private func checkTimeVarying(_ panel: LaggedPanel) throws {
        var checked = Set<String>()
        for (name, term) in [(formula.outcome, formula.outcome)] + formula.predictors.map({ ($0.variable.name, ($0.predetermined ? "pre(\($0.variable.term))" : $0.variable.term)) }) {
            guard checked.insert(name).inserted else { continue }
            let x = panel.values(of: name)
            let varies = (0..<panel.patientCount).contains { p in
                var first = Double.nan
                for c in panel.cells(ofPatient: p) where !x[c].isNaN {
                    if first.isNaN { first = x[c] } else if x[c] != first { return true }
                }
                return false
            }
            guard varies else {
                throw SEMInputError(name == formula.outcome
                    ? "the outcome '\(name)' does not change over sessions within any patient"
                    : "\(term): '\(name)' does not change over sessions within any patient; a time-invariant covariate goes after '|'")
            }
        }
    }

    /// Fits the model to `panel` (a lagged panel holding `variables`): the library's entry point.
    public func fit(_ panel: LaggedPanel) throws -> MLSEMFit {
        let (model, w, coefficients) = try structuralModel(for: panel)
        var fitOptions = StructuralEquationModel.FitOptions()
        fitOptions.information = options.information
        fitOptions.fitIndices = options.fitIndices
        let sem: SEMFit
        do {
            sem = try model.fit(fitOptions)
        } catch let failure as SEMFailure {
            // Say what makes these models hard to fit: many parameters per patient.
            let rare = rareIndicators(in: panel, waves: w)
            throw SEMFailure.notConverged(failure.description + "; the model has \(model.model.parameterCount) free parameters for \(model.rows.count) patients over sessions \(w.first)-\(w.end): collinear predictors, too many parameters for the patients (fewer sessions with --sessions, --error-inv, --const-inv)"
                + (rare.isEmpty ? ", or rare binary predictors" : ", or rare binary predictors (here \(rare.joined(separator: "; ")))")
                + " can cause this; rare binary predictors make the predictors' saturated block nearly singular, so that the likelihood has no maximum (DSEM, alliance dsem, does not need that block)")
        }
        return MLSEMFit(formula: formula, options: options, source: panel.source, waves: w, sem: sem, patients: panel.patientCount,
                        coefficients: coefficients.map { c in MLSEMFit.Coefficient(term: c.term, session: c.session, sem.estimates[c.statement]) })
    }

    /// The 0/1 predictors that are rare at some session of their waves (sessions `first` to
    /// `end` minus the predictor's lag), each with its scarcest
    /// session: "'rupture_patient' is 1 for 2 of 78 patients at session 6". A binary predictor
    /// whose less frequent value is held by fewer than 10 patients at a session is named: its
    /// waves and their covariances with the other waves are estimated from those few patients.
    func rareIndicators(in panel: LaggedPanel, waves w: Waves) -> [String] {
        var notes = [String]()
        var seen = Set<String>()
        for predictor in formula.predictors where seen.insert(predictor.variable.name).inserted {
            let x = panel.values(of: predictor.variable.name)
            var observed = [Int](repeating: 0, count: w.end - w.first + 1), ones = observed
            var binary = true
            for p in 0..<panel.patientCount {
                for c in panel.cells(ofPatient: p) where !x[c].isNaN {
                    guard x[c] == 0 || x[c] == 1 else { binary = false; break }
                    let s = panel.session(ofCell: c, patient: p)
                    guard s >= w.first, s <= w.end - predictor.variable.lag else { continue }
                    observed[s - w.first] += 1
                    if x[c] == 1 { ones[s - w.first] += 1 }
                }
                if !binary { break }
            }
            guard binary else { continue }
            let scarcest = observed.indices.filter { observed[$0] > 0 }
                .min { min(ones[$0], observed[$0] - ones[$0]) < min(ones[$1], observed[$1] - ones[$1]) }
            guard let k = scarcest else { continue }
            let minority = min(ones[k], observed[k] - ones[k])
            guard minority < 10 else { continue }
            let value = ones[k] <= observed[k] - ones[k] ? 1 : 0
            notes.append("'\(predictor.variable.name)' is \(value) for \(minority) of \(observed[k]) patients at session \(w.first + k)")
        }
        return notes
    }

    /// Reads `variables` from `panel` by session number and fits the model.
    public func fit(_ panel: Panel) throws -> MLSEMFit {
        try fit(try LaggedPanel(panel: panel, variables: variables))
    }
}
