import DynamicModels
import SEM

/// Step 5 by ML-SEM: the lagged model of one rater as the dynamic panel model with fixed effects
/// of Allison, Williams & Moral-Benito (2017), as dpm and xtdpdml fit it (`alliance mlsem`). For
/// rater r, with sessions as waves,
///
///     D_t = κ_t + ρ D_t-1 + β_R R_t-1 + β_P P_t-1 + α_i + e_t,   t = s + 1 .. T
///
/// in dpm's formula `distress ~ pre(lag(rupture_r)) + pre(lag(repair_r))` (the lagged outcome
/// implied): α_i is the patient's stable level, a latent variable free to covary with every wave
/// of the indicators and with the first outcome ("fixed effects": stable differences between
/// patients, such as a patient with many ruptures having higher distress throughout, cannot bias
/// β); the indicators are predetermined (a rupture may follow an earlier distress shock); the
/// wave intercepts κ_t take up the session trend and the therapists' stable differences are part
/// of α_i, so neither enters the formula. FIML uses every observed value of every patient;
/// standard errors from the observed information (dpm's Socius replication), 95% Wald CIs.
///
/// The waves are sessions `DynamicModelSettings.mlsemSessions` (3-12 by default) that the data
/// have, the `mlsem` estimator of `alliance power`: a rupture cannot be detected at session 1 nor
/// a repair before session 3, so earlier waves of the indicators have no variance; and the
/// number of parameters grows with the square of the waves (306 for sessions 3-12, 594 for 3-16
/// with 119 patients), so the waves stop where most patients are still in treatment. With rare
/// binary indicators a wave can still have no variance, or the indicators' saturated block be
/// nearly singular; the model is then not estimated and the reason is reported (the command goes
/// on). The chi-square and fit indices are not computed (as in the power study): the
/// coefficients are what the step reports. `alliance mlsem` on the file `alliance ruptures
/// --annotate` writes, with `--sessions`, gives the same coefficients.
public struct MLSEMLaggedModel: Sendable {
    public let rater: String
    /// dpm's formula, in the model's internal names.
    public let formula: String
    /// The sessions asked for, and those the model used (nil when it did not run).
    public let sessions: ClosedRange<Int>?
    public let fit: MLSEMFit?
    public let unavailable: String?

    public static func formula(rater: String) -> String { "distress ~ pre(lag(rupture_\(rater))) + pre(lag(repair_\(rater)))" }

    /// The coefficient of `event` rated by `rater`, as dpm names it: `lag(rupture_patient)`.
    public static func term(_ event: LaggedEffect.Event, rater: String) -> String { "lag(\(event.rawValue)_\(rater))" }

    /// The options: dpm's defaults (free wave intercepts and error variances, fixed effects,
    /// FIML, observed information) on `sessions`, without fit indices.
    static func options(sessions: ClosedRange<Int>) -> MLSEMOptions {
        var o = MLSEMOptions()
        o.sessions = sessions
        o.fitIndices = false
        return o
    }

    /// Fits the model of `rater` to `panel` on the sessions of `settings` that the data have.
    static func fit(rater: String, panel: LaggedPanel, settings: DynamicModelSettings) -> MLSEMLaggedModel {
        let text = formula(rater: rater)
        let wanted = settings.mlsemSessions, data = panel.sessionRange
        let first = max(wanted.lowerBound, data.lowerBound), last = min(wanted.upperBound, data.upperBound)
        guard first <= last else {
            return notRun(rater: rater, reason: "the data have no session from \(wanted.lowerBound) to \(wanted.upperBound)")
        }
        do {
            let fit = try MLSEM(formula: text, options: options(sessions: first...last)).fit(panel)
            return MLSEMLaggedModel(rater: rater, formula: text, sessions: first...last, fit: fit, unavailable: nil)
        } catch {
            // The engine's advice names `alliance mlsem`'s options; replicate has --mlsem-sessions.
            let reason = "\(error)".replacingOccurrences(of: "--sessions, --error-inv, --const-inv", with: "--mlsem-sessions")
                .replacingOccurrences(of: "with --sessions", with: "with --mlsem-sessions")
            return MLSEMLaggedModel(rater: rater, formula: text, sessions: first...last, fit: nil, unavailable: "could not be fitted: \(reason)")
        }
    }

    /// A model that could not run, with the reason.
    static func notRun(rater: String, reason: String) -> MLSEMLaggedModel {
        MLSEMLaggedModel(rater: rater, formula: formula(rater: rater), sessions: nil, fit: nil, unavailable: reason)
    }

    /// The effect of `event` as the estimator table shows it: estimate, 95% Wald CI, two-sided p,
    /// and estimate / `scale`.
    func effect(_ event: LaggedEffect.Event, scale: Double?) -> LaggedEstimates.Effect {
        guard let fit else {
            return .init(rater: rater, event: event, estimate: nil, lower: nil, upper: nil, p: nil, standardized: nil, unavailable: unavailable)
        }
        guard let c = fit.coefficients.first(where: { $0.term == Self.term(event, rater: rater) }) else {
            return .init(rater: rater, event: event, estimate: nil, lower: nil, upper: nil, p: nil, standardized: nil,
                         unavailable: "the ML-SEM has no coefficient '\(Self.term(event, rater: rater))'")
        }
        return .init(rater: rater, event: event, estimate: c.estimate, lower: c.ciLower, upper: c.ciUpper, p: c.p,
                     standardized: scale.map { c.estimate / $0 }, unavailable: nil)
    }
}
