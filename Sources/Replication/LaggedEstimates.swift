import MixedModels
import Reports

/// One estimator's effects of ruptures and repairs at session t on distress at t + 1, per rater,
/// with what the estimator is and what is known of its bias: the rows of the table that sets
/// estimators side by side (`ReplicationTables.laggedByEstimator`). The multilevel model of step 5
/// is the first; other estimators of the same effects (latent-centred DSEM, ML-SEM) add theirs,
/// each with its own kind of interval.
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

    public init(name: String, description: String, interval: String, knownBias: String?, effects: [Effect]) {
        self.name = name
        self.description = description
        self.interval = interval
        self.knownBias = knownBias
        self.effects = effects
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
        let rho = lagged.compactMap { $0.outcome.effect("distress_within")?.estimate }.first
        if let rho, let t = sessionsPerPatient, t > 1 {
            let nickell = -(1 + rho) / (t - 1)
            bias += " by about (1 + ρ)/(T − 1) = \(CellFormatting.fixed(-nickell, decimals: 2)) here (ρ = \(CellFormatting.fixed(rho, decimals: 2)), T = \(CellFormatting.fixed(t, decimals: 1)) sessions)"
        }
        bias += ", and the rupture and repair effects, which correlate with the lagged \(distress), are biased with it; in alliance's simulations of a design like the study's (alliance power --preset sud-2025) this estimator underestimated the patient-rated rupture effect and its 95% CIs covered the true value far less often than 95% (docs/METHODS.md, \"Estimators\"). Read its b, CI and p as this estimator's, not as unbiased estimates of the effects."
        return LaggedEstimates(name: "Multilevel model, observed centring",
                               description: "Multilevel model (REML as lme4, Satterthwaite df as lmerTest) of \(distress) at t + 1 with a patient random intercept and \(distress) at t centred on the patient's observed mean (step 5).",
                               interval: "95% CI", knownBias: bias, effects: effects)
    }
}
