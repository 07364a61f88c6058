import DynamicModels
import MixedModels

/// A two-level DSEM with latent mean centring (Asparouhov, Hamaker & Muthén 2018, eq. 27):
///
///     y_it = mu_i + sum_k phi_ki (y_i,t-k - mu_i) + sum_j beta_ji x_ji,t-l_j + e_it,
///     e_it ~ N(0, sigma_i^2),   sigma_i^2 = sigma^2, or log sigma_i^2 = s_i (random)
///     theta_i = (mu_i, random phi_ki and beta_ji, s_i)' ~ MVN(A z_i, Omega)
///
/// t is the session number. The lags y_i,t-k - mu_i are deviations from the patient's latent
/// mean mu_i, which is a parameter of the model, not the observed mean of the patient's ratings:
/// that is what frees the autoregression phi from Nickell's bias. Each within coefficient is
/// either fixed (the same for every patient, in `WithinCoefficientsBlock`) or random (in theta_i,
/// with a mean in A). The mean of mu_i is regressed on the between covariates z_i; the random
/// slopes and s_i have a mean only.
///
/// Built from a formula and the data (`init(formula:panel:)`), or term by term by a program
/// (`alliance power`, `alliance replicate`).
public struct DSEMSpecification: Sendable, Equatable {
    /// The formula, as written (for reports); nil for a specification built in code.
    public var formula: String?
    public var outcome: String
    /// The patient column (for reports).
    public var group: String
    /// The within-level terms in formula order: the outcome's own lags (autoregressions) and the
    /// time-varying covariates at their lags.
    public var withinTerms: [WithinTerm]
    /// The between-level covariates of the patients' latent means, in formula order.
    public var betweenTerms: [BetweenTerm]
    /// Random effects independent (lme4's `||`): Omega is diagonal.
    public var uncorrelatedRandomEffects = false
    /// Each patient has its own residual variance: log sigma_i^2 is a random effect.
    public var randomResidualVariance = false
    public var initialCondition = InitialCondition.latent
    public var priors = DSEMPriors()

    public init(outcome: String, group: String, withinTerms: [WithinTerm], betweenTerms: [BetweenTerm] = [],
                formula: String? = nil) {
        self.outcome = outcome
        self.group = group
        self.withinTerms = withinTerms
        self.betweenTerms = betweenTerms
        self.formula = formula
    }

    /// A within-level term: `variable` at its lag, with a coefficient fixed or random.
    public struct WithinTerm: Sendable, Equatable {
        public var variable: LaggedVariable
        public var random: Bool
        public init(_ variable: LaggedVariable, random: Bool = false) {
            self.variable = variable
            self.random = random
        }
    }

    /// A between-level covariate: the patient's value of `column`, or with `level` the indicator
    /// that the patient's value is that level (a treatment-coded dummy of `factor(column)`), or
    /// with `patientMean` the patient's mean of the time-varying `column` over its sessions with
    /// an observed value (`mean(column)`).
    public struct BetweenTerm: Sendable, Equatable {
        public var column: String
        public var level: String?
        public var patientMean: Bool
        public init(column: String, level: String? = nil, patientMean: Bool = false) {
            self.column = column
            self.level = level
            self.patientMean = patientMean
        }
        /// The term as printed: `age`, `factor(therapist)T2` (R's dummy names), `mean(rupture)`.
        public var label: String {
            let name = FormulaExpression.variable(column).deparsed
            if patientMean { return "mean(\(name))" }
            return level.map { "factor(\(name))\($0)" } ?? name
        }
    }

    /// How the first sessions of each patient enter the likelihood.
    public enum InitialCondition: String, Sendable, Equatable, CaseIterable {
        /// Mplus's: the values before the first session are latent, with a prior (`DSEMPriors`),
        /// so the first observed session has an equation like every other.
        case latent
        /// Condition on the first observations (as the Stan programs of mlts do): the first
        /// max-lag sessions have no equation.
        case conditional = "first"
    }

    /// The outcome's lags that have a term, in term order.
    public var autoregressiveTerms: [WithinTerm] { withinTerms.filter { $0.variable.name == outcome } }
    /// The covariate terms, in term order.
    public var covariateTerms: [WithinTerm] { withinTerms.filter { $0.variable.name != outcome } }
    /// The largest lag of the outcome.
    public var maximumLag: Int { autoregressiveTerms.map(\.variable.lag).max() ?? 0 }
    /// The within terms with a random coefficient, in term order.
    public var randomSlopes: [WithinTerm] { withinTerms.filter(\.random) }
    /// The number of random effects: the mean, the random slopes, and log sigma^2 if random.
    public var randomEffectCount: Int { 1 + randomSlopes.count + (randomResidualVariance ? 1 : 0) }

    /// The columns the model reads from the data.
    public var columns: [String] {
        var out = [outcome]
        for c in withinTerms.map(\.variable.name) + betweenTerms.map(\.column) where !out.contains(c) { out.append(c) }
        return out
    }

    /// The specification of `formula` on `panel` (which must hold the formula's columns). A plain
    /// column at lag 0 whose observed values are the same at every session of every patient is a
    /// between-level covariate; `factor(x)` must be such a column. Errors are `DSEMInputError`s
    /// naming the term.
    public init(formula: DSEMFormula, panel: LaggedPanel) throws {
        self.formula = formula.text
        outcome = formula.outcome
        group = formula.group
        uncorrelatedRandomEffects = formula.uncorrelated
        var within = [WithinTerm](), between = [BetweenTerm]()
        for term in formula.terms {
            switch term {
            case .lagged(let v):
                if v.name == panel.therapistColumn || v.name == panel.patientColumn {
                    let role = v.name == panel.patientColumn ? "patient" : "therapist"
                    let hint = role == "therapist" ? "; enter therapists as factor(\(v.name))" : ""
                    throw DSEMInputError("formula '\(formula.text)': \(v.term): '\(v.name)' identifies the \(role)s, it is not a covariate\(hint)")
                }
                if v.lag == 0, v.name != panel.sessionColumn, v.name != formula.outcome,
                   try Self.isPatientConstant(v.name, in: panel) {
                    if formula.randomSlopes.contains(v) {
                        throw DSEMInputError("formula '\(formula.text)': \(v.term) is the same at every session of each patient (a between-level covariate), so it cannot have a random effect")
                    }
                    between.append(BetweenTerm(column: v.name))
                } else {
                    within.append(WithinTerm(v, random: formula.randomSlopes.contains(v)))
                }
            case .factor(let name):
                guard try Self.isPatientConstant(name, in: panel) else {
                    throw DSEMInputError("formula '\(formula.text)': factor(\(name)) changes within patients; factor() is for between-level columns such as the therapist")
                }
                let levels = try Self.levels(of: name, in: panel)
                guard levels.count >= 2 else {
                    throw DSEMInputError("formula '\(formula.text)': factor(\(name)) has one level among the patients")
                }
                between += levels.dropFirst().map { BetweenTerm(column: name, level: $0) }
            case .patientMean(let name):
                if name == panel.therapistColumn || name == panel.patientColumn || name == panel.sessionColumn {
                    throw DSEMInputError("formula '\(formula.text)': mean(\(name)): the mean of the \(name == panel.sessionColumn ? "session number" : "identifier column '\(name)'") is not a covariate")
                }
                between.append(BetweenTerm(column: name, patientMean: true))
            }
        }
        withinTerms = within
        betweenTerms = between
    }

    /// The names under which fixed-part priors are set: `(Intercept)`, the within terms (a random
    /// slope's mean), the between terms, and with random residual variances the mean of their
    /// logarithm, `log(residual variance)`.
    public var priorNames: [String] {
        ["(Intercept)"] + withinTerms.map(\.variable.term) + betweenTerms.map(\.label)
            + (randomResidualVariance ? [ModelData.logVarianceName] : [])
    }

    /// A prior that the model does not have, as one line naming it (nil when every prior set in
    /// `priors` belongs to a parameter of the model): a term not in the model, the residual
    /// variance's prior with random residual variances, the inverse Wishart with uncorrelated
    /// random effects or their inverse gammas without.
    public var priorProblem: String? {
        let known = priorNames
        if let unknown = priors.coefficients.keys.sorted().first(where: { !known.contains($0) }) {
            return "--prior '\(unknown) ~ ...': the model has no term '\(unknown)' (terms: \(known.sorted().joined(separator: ", ")))"
        }
        let defaults = DSEMPriors()
        if randomResidualVariance && priors.residualVariance != defaults.residualVariance {
            return "--prior 'residual ~ ...': with --random-residual-variance each patient has its own residual variance; set the prior of their log's mean with '\(ModelData.logVarianceName) ~ N(mean, variance)'"
        }
        if uncorrelatedRandomEffects, let iw = priors.randomEffects {
            return "--prior 'random ~ \(iw)': with '||' the random effects are independent; give each variance 'random ~ IG(shape, scale)'"
        }
        if !uncorrelatedRandomEffects && priors.randomEffectVariance != defaults.randomEffectVariance {
            return "--prior 'random ~ \(priors.randomEffectVariance)': the random effects are correlated (no '||'), so their covariance matrix takes 'random ~ IW(scale, df)'"
        }
        return nil
    }

    /// Whether every patient's observed values of `column` are all equal (true for a therapist).
    static func isPatientConstant(_ column: String, in panel: LaggedPanel) throws -> Bool {
        if column == panel.therapistColumn { return true }
        let x = panel.values(of: column)
        for p in 0..<panel.patientCount {
            var first = Double.nan
            for c in panel.cells(ofPatient: p) where !x[c].isNaN {
                if first.isNaN { first = x[c] } else if x[c] != first { return false }
            }
        }
        return true
    }

    /// The levels of a between-level column in R's order: a therapist column as its identifiers
    /// are ordered by `factor()` (numerically when all are numbers), a numeric column by value.
    static func levels(of column: String, in panel: LaggedPanel) throws -> [String] {
        let labels = try patientLevelLabels(of: column, in: panel)
        let distinct = Array(Set(labels.compactMap { $0 }))
        let numbers = distinct.compactMap(Double.init)
        if numbers.count == distinct.count {
            return distinct.sorted { Double($0)! < Double($1)! }
        }
        return LevelOrder.sortedIndices(distinct).map { distinct[$0] }
    }

    /// Each patient's level of a between-level column as text (nil: missing).
    static func patientLevelLabels(of column: String, in panel: LaggedPanel) throws -> [String?] {
        if column == panel.therapistColumn {
            return panel.therapistOfPatient.map { $0 < 0 ? nil : panel.therapistIDs[Int($0)] }
        }
        return try panel.personConstant(column).map { $0.isNaN ? nil : FormulaExpression.number($0).deparsed }
    }
}
