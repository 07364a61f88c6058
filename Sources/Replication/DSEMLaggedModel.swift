import DSEM
import DynamicModels

/// Step 5 by DSEM: the lagged model of one rater as a two-level dynamic structural equation model
/// with latent mean centring (Asparouhov, Hamaker & Muthén 2018; `alliance dsem`), the estimator
/// without the Nickell bias of the multilevel model's observed centring. For rater r,
///
///     D_i,t+1 = mu_i + phi_i (D_it - mu_i) + β_R R_it + β_P P_it + γ_s (t + 1) (+ therapist) + e_i,t+1
///     (mu_i, phi_i) ~ MVN((γ_0 (+ therapist dummies), φ), Ω),   e ~ N(0, σ²)
///
/// in the formula language of `alliance dsem`,
/// `distress ~ lag(distress) + lag(rupture_r) + lag(repair_r) + session (+ factor(therapist)) + (1 + lag(distress) | patient)`:
/// the same variables as the multilevel model (`LaggedModel`): distress, the rater's indicators
/// under the chosen criterion, the session trend, and therapists as between-level fixed effects
/// (dummies of the latent mean) when `TherapistModelling` gives them fixed effects. With a
/// therapist random intercept the DSEM has no therapist term (it has two levels; the patients'
/// latent means take up the therapists' differences). Each patient has a random mean mu_i (what
/// the previous session's distress is centred on) and a random autoregression phi_i; the rupture
/// and repair effects are fixed. It is the power study's `dsem` estimator (docs/METHODS.md,
/// "Estimators") with the therapists added, so that estimator's simulated bias and coverage
/// apply to it.
///
/// The sampler runs `DynamicModelSettings.chains` chains with Mplus's PSR rule (PSR < 1.1,
/// checked every 100 iterations from 1,000 on) and then keeps `iterations` more per chain, with
/// the seed of `--seed`: `alliance dsem` on the file `alliance ruptures --annotate` writes, with
/// the same formula, `--seed` and `--iterations`, gives the same numbers.
public struct DSEMLaggedModel: Sendable {
    public let rater: String
    /// The formula, in the model's internal names.
    public let formula: String
    /// The fit; nil when the model could not run or be fitted (`unavailable` says why).
    public let fit: DSEMFit?
    public let unavailable: String?

    /// The formula for `rater`'s indicators, with therapists as `therapists` says.
    public static func formula(rater: String, therapists: TherapistModelling) -> String {
        var terms = ["lag(distress)", "lag(rupture_\(rater))", "lag(repair_\(rater))", "session"]
        if therapists.kind == .fixedEffects { terms.append("factor(therapist)") }
        return "distress ~ " + (terms + ["(1 + lag(distress) | patient)"]).joined(separator: " + ")
    }

    /// The term of the effect of `event` rated by `rater`: `lag(rupture_patient)`.
    public static func term(_ event: LaggedEffect.Event, rater: String) -> String { "lag(\(event.rawValue)_\(rater))" }

    /// The sampler's settings: `settings`' chains, seed and kept iterations after Mplus's rule, on
    /// one thread (the models of the step run side by side; the result does not depend on it).
    static func samplerSettings(_ settings: DynamicModelSettings) -> SamplerSettings {
        var s = SamplerSettings()
        s.chains = settings.chains
        s.seed = settings.seed
        s.iterations = settings.iterations
        s.threads = 1
        return s
    }

    /// Fits the model of `rater` to `panel` (a lagged panel of the analysis variables holding
    /// `distress` and the rater's indicators). A failure is kept with its reason.
    static func fit(rater: String, panel: LaggedPanel, therapists: TherapistModelling, settings: DynamicModelSettings) -> DSEMLaggedModel {
        let text = formula(rater: rater, therapists: therapists)
        do {
            let specification = try DSEMSpecification(formula: try DSEMFormula(text), panel: panel)
            let fit = try DSEM.fit(panel, specification: specification, settings: samplerSettings(settings))
            return DSEMLaggedModel(rater: rater, formula: text, fit: fit, unavailable: nil)
        } catch {
            return notRun(rater: rater, therapists: therapists, reason: "could not be fitted: \(error)")
        }
    }

    /// A model that could not run, with the reason.
    static func notRun(rater: String, therapists: TherapistModelling, reason: String) -> DSEMLaggedModel {
        DSEMLaggedModel(rater: rater, formula: formula(rater: rater, therapists: therapists), fit: nil, unavailable: reason)
    }

    /// The effect of `event` as the estimator table shows it: the posterior median, the 95%
    /// equal-tailed credible interval, p = twice Mplus's one-tailed posterior p (so that p < .05
    /// exactly when the interval excludes 0, as the power study's `dsem` records it), and
    /// median / `scale`.
    func effect(_ event: LaggedEffect.Event, scale: Double?) -> LaggedEstimates.Effect {
        guard let fit else {
            return .init(rater: rater, event: event, estimate: nil, lower: nil, upper: nil, p: nil, standardized: nil, unavailable: unavailable)
        }
        guard let s = fit.fixedEffect(Self.term(event, rater: rater))?.summary else {
            return .init(rater: rater, event: event, estimate: nil, lower: nil, upper: nil, p: nil, standardized: nil,
                         unavailable: "the DSEM has no term '\(Self.term(event, rater: rater))'")
        }
        return .init(rater: rater, event: event, estimate: s.median, lower: s.lower, upper: s.upper, p: min(1, 2 * s.p),
                     standardized: scale.map { s.median / $0 }, unavailable: nil)
    }
}
