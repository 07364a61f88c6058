import MixedModels
import Reports

/// One estimator's effects of ruptures and repairs at session t on distress at t + 1, per rater,
/// with what the estimator is and what is known of its bias: the rows of the table that sets
/// estimators side by side (`ReplicationTables.laggedByEstimator`). The multilevel model of step 5
/// is the first; the estimators of the same effects without its bias (latent-centred DSEM,
/// ML-SEM) follow, each with its own kind of interval.
public struct LaggedEstimates: Sendable {
    /// One effect: a rater's rupture or repair.
    public struct Effect: Sendable {
        public let rater: String
        public let event: LaggedEffect.Event
        public let estimate: Double?
        public let lower: Double?
        public let upper: Double?
        public let p: Double?
        /// b / the pooled within-patient SD of distress.
        public let standardized: Double?
        /// Why there is no estimate.
        public let unavailable: String?

        public init(rater: String, event: LaggedEffect.Event, estimate: Double?, lower: Double?, upper: Double?, p: Double?,
                    standardized: Double?, unavailable: String?) {
            self.rater = rater
            self.event = event
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
            self.p = p
            self.standardized = standardized
            self.unavailable = unavailable
        }
    }

    /// A short name for the table's rows ("Multilevel model, observed centring").
    public let name: String
    /// What the estimator is, in one sentence (model, estimation, centring).
    public let description: String
    /// What its interval is ("95% CI", "95% credible interval").
    public let interval: String
    /// What is known of its bias in designs like this one, in one sentence; nil when none is known.
    public let knownBias: String?
    public let effects: [Effect]
    /// The autoregression of distress (the coefficient of the previous session's distress) in each
    /// rater's model that was fitted, by rater, for the sentence that says why the estimators differ.
    public let autoregressions: [String: Double]
    /// Remarks on this run of the estimator for the table's notes (the sessions it used, a chain
    /// that did not converge).
    public let remarks: [String]

    public init(name: String, description: String, interval: String, knownBias: String?, effects: [Effect],
                autoregressions: [String: Double] = [:], remarks: [String] = []) {
        self.name = name
        self.description = description
        self.interval = interval
        self.knownBias = knownBias
        self.effects = effects
        self.autoregressions = autoregressions
        self.remarks = remarks
    }

    /// The effect of `event` rated by `rater`.
    public func effect(_ event: LaggedEffect.Event, rater: String) -> Effect? {
        effects.first { $0.event == event && $0.rater == rater }
    }

    /// The per-rater multilevel models of step 5 (observed distress, the chosen criterion).
    /// The bias sentence gives Nickell's approximation −(1 + ρ)/(T − 1) of the bias in the
    /// autoregression ρ with T sessions per patient (Nickell 1981; close to the simulated bias of
    /// observed centring in Asparouhov, Hamaker & Muthén 2018, Table 1), with this dataset's ρ
    /// (the `distress_within` coefficient of the patient-rated model) and mean number of sessions.
    static func multilevel(_ lagged: [LaggedModel], sessionsPerPatient: Double?, distress: String) -> LaggedEstimates {
        var effects = [Effect]()
        for rater in ReplicationAnalysis.raterNames {
            let model = lagged.first { $0.raters.rawValue == rater && $0.distress == .observed }
            for event in LaggedEffect.Event.allCases {
                let e = model?.effect(event, rater: rater)
                effects.append(Effect(rater: rater, event: event, estimate: e?.estimate?.estimate, lower: e?.estimate?.confidenceLower,
                                      upper: e?.estimate?.confidenceUpper, p: e?.estimate?.p, standardized: e?.standardized,
                                      unavailable: e?.unavailable ?? (model == nil ? "no \(rater)-rated alliance" : nil)))
            }
        }
        var bias = "Observed person-mean centring of the lagged outcome is biased with few sessions per patient (Nickell 1981; Asparouhov, Hamaker & Muthén 2018): the person mean includes later sessions, which pulls the autoregression down"
        var autoregressions = [String: Double]()
        for model in lagged where model.raters != .both && model.distress == .observed {
            autoregressions[model.raters.rawValue] = model.outcome.effect("distress_within")?.estimate
        }
        let rho = lagged.compactMap { $0.outcome.effect("distress_within")?.estimate }.first
        if let rho, let t = sessionsPerPatient, t > 1 {
            let nickell = -(1 + rho) / (t - 1)
            bias += " by about (1 + ρ)/(T − 1) = \(CellFormatting.fixed(-nickell, decimals: 2)) here (ρ = \(CellFormatting.fixed(rho, decimals: 2)), T = \(CellFormatting.fixed(t, decimals: 1)) sessions)"
        }
        bias += ", and the rupture and repair effects, which correlate with the lagged \(distress), are biased with it; in alliance's simulations of a design like the study's (alliance power --preset sud-2025) this estimator underestimated the patient-rated rupture effect and its 95% CIs covered the true value far less often than 95% (docs/METHODS.md, \"Estimators\"). Read its b, CI and p as this estimator's, not as unbiased estimates of the effects."
        return LaggedEstimates(name: multilevelName,
                               description: "Multilevel model (REML as lme4, Satterthwaite df as lmerTest) of \(distress) at t + 1 with a patient random intercept and \(distress) at t centred on the patient's observed mean (step 5).",
                               interval: "95% CI", knownBias: bias, effects: effects, autoregressions: autoregressions)
    }

    public static let multilevelName = "Multilevel model, observed centring"
    public static let dsemName = "DSEM, latent centring"
    public static let mlsemName = "ML-SEM, fixed effects"

    /// The per-rater DSEMs (`DSEMLaggedModel`): posterior medians, 95% credible intervals, p twice
    /// the one-tailed posterior p.
    static func dsem(_ models: [DSEMLaggedModel], scale: Double?, therapists: TherapistModelling, names: VariableNames) -> LaggedEstimates {
        let distress = names["distress"]
        let effects = models.flatMap { m in LaggedEffect.Event.allCases.map { m.effect($0, scale: scale) } }
        let therapistPart: String
        switch therapists.kind {
        case .fixedEffects: therapistPart = ", therapists as fixed effects on the latent mean"
        case .randomIntercept: therapistPart = "; no therapist term (a two-level model: the patients' latent means take up the therapists' differences)"
        case .notModelled: therapistPart = ""
        }
        var remarks = [String]()
        for m in models {
            guard let fit = m.fit else { continue }
            let it = fit.iterations
            remarks.append("\(m.rater)-rated model: \(it.chains) chains, \(it.burnIn) iterations each to PSR < \(CellFormatting.exact(it.criterion)) (Mplus's rule), then \(it.kept) kept; seed \(it.seed); \(fit.converged ? "converged" : "NOT converged")")
            remarks += fit.warnings.map { "\(m.rater)-rated model: warning: \($0)" }
        }
        return LaggedEstimates(
            name: dsemName,
            description: "Two-level dynamic structural equation model (Bayesian, Gibbs sampler, Mplus's default priors) of \(distress) on \(distress) at the previous session centred on the patient's latent mean, with a random mean and a random autoregression per patient, the rater's rupture and repair at the previous session, the session trend\(therapistPart) (alliance dsem; Asparouhov, Hamaker & Muthén 2018).",
            interval: "95% credible interval (equal-tailed); b is the posterior median, p twice Mplus's one-tailed posterior p (p < .05 exactly when the interval excludes 0)",
            knownBias: "None from centring: the patient's mean is a parameter of the model, not the mean of the observed sessions; in simulations of Asparouhov, Hamaker & Muthén's design with 10 and 20 sessions per patient the bias of its autoregression was +0.002 and −0.000 (Monte Carlo SE 0.002), against −0.15 and −0.07 with observed centring (docs/METHODS.md, \"Dynamic structural equation models\").",
            effects: effects,
            autoregressions: Dictionary(uniqueKeysWithValues: models.compactMap { m in
                m.fit?.fixedEffect("lag(distress)").map { (m.rater, $0.summary.median) }
            }),
            remarks: remarks)
    }

    /// The per-rater ML-SEMs (`MLSEMLaggedModel`): estimates with 95% Wald CIs.
    static func mlsem(_ models: [MLSEMLaggedModel], scale: Double?, settings: DynamicModelSettings, names: VariableNames) -> LaggedEstimates {
        let distress = names["distress"]
        let effects = models.flatMap { m in LaggedEffect.Event.allCases.map { m.effect($0, scale: scale) } }
        let wanted = settings.mlsemSessions
        var remarks = [String]()
        for m in models {
            guard let fit = m.fit else { continue }
            remarks.append("\(m.rater)-rated model: sessions \(fit.waves.first)-\(fit.waves.end) as waves (equations for \(fit.waves.start)-\(fit.waves.end)), \(fit.patientsUsed) patients, \(fit.sem.parameterCount) free parameters")
        }
        return LaggedEstimates(
            name: mlsemName,
            description: "Dynamic panel model with fixed effects by maximum likelihood (dpm / xtdpdml; Allison, Williams & Moral-Benito 2017): \(distress) on \(distress), the rater's rupture and repair at the previous session, each patient's stable level a latent variable free to correlate with the ruptures and repairs, which may respond to earlier \(distress) (predetermined); an intercept per session; FIML over missed sessions; sessions \(wanted.lowerBound)-\(wanted.upperBound) as waves (alliance mlsem).",
            interval: "95% CI (Wald, observed information)",
            knownBias: "No Nickell bias: the patient's stable level is estimated, not removed by centring; unbiased in simulations at 119 patients and 16 sessions (docs/METHODS.md, \"ML-SEM dynamic panel models\"), but it uses only the sessions in its waves, and with rare binary predictors its fits often fail.",
            effects: effects,
            autoregressions: Dictionary(uniqueKeysWithValues: models.compactMap { m in
                m.fit?.coefficients.first { $0.term == "lag(distress)" }.map { (m.rater, $0.estimate) }
            }),
            remarks: remarks)
    }
}

extension LaggedEstimates: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, description, interval, known_bias, autoregressions, remarks, effects
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(description, forKey: .description)
        try c.encode(interval, forKey: .interval)
        try c.encode(knownBias, forKey: .known_bias)
        try c.encode(autoregressions, forKey: .autoregressions)
        try c.encode(remarks, forKey: .remarks)
        try c.encode(effects, forKey: .effects)
    }
}

extension LaggedEstimates.Effect: Encodable {
    enum CodingKeys: String, CodingKey {
        case rater, event, estimate, lower, upper, p, standardized, unavailable
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rater, forKey: .rater)
        try c.encode(event, forKey: .event)
        try c.encode(estimate, forKey: .estimate)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(p, forKey: .p)
        try c.encode(standardized, forKey: .standardized)
        try c.encode(unavailable, forKey: .unavailable)
    }
}
