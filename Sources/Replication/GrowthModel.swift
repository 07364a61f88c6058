import MixedModels
import Ruptures

/// Step 4: the alliance's growth over sessions, per rater (docs/REPLICATION-SOURCES.md §5):
///
///     A_it = γ00 + γ10 session_it + u0i + u1i session_it (+ therapist) + e_it
///
/// in lme4 syntax `alliance_<rater> ~ session + (1 + session | patient)`, with therapists as
/// `TherapistModelling` decides (`+ factor(therapist)` or `+ (1 | therapist)`). Fitted by REML;
/// γ10 with its Satterthwaite df, 95% CI and p tests "the alliance rose over sessions"
/// (Gidhagen et al. 2025, as summarized: "the alliance rose significantly across sessions" [V]).
/// The session is the file's session number, so γ00 is the expected alliance at session 0.
public struct GrowthModel: Sendable {
    /// `patient` or `therapist`.
    public let rater: String
    public let outcome: ModelOutcome

    /// The session slope γ10.
    public var slope: FixedEffectEstimate? { outcome.effect("session") }

    public static func formula(rater: String, therapists: TherapistModelling) -> String {
        therapists.formula(response: "alliance_\(rater)", fixed: ["session"], random: ["(1 + session | patient)"])
    }

    static func fit(rater: Rater, variables: SessionVariables, therapists: TherapistModelling, threads: Int) -> GrowthModel {
        GrowthModel(rater: rater.name, outcome: .fit(formula(rater: rater.name, therapists: therapists),
                                                     to: variables.table, threads: threads))
    }
}
