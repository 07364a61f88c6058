import Ruptures
import MixedModels

/// Step 5: distress at the next session on this session's rupture and repair (docs/REPLICATION-SOURCES.md §5,
/// the most plausible form of the study's model [I]):
///
///     D_i,t+1 = γ00 + β_R R_it + β_P P_it + ρ (D_it - D̄_i) + γ_s session_it + u0i (+ therapist) + e_i,t+1
///
/// in lme4 syntax, for one rater r,
/// `distress_next ~ rupture_r + repair_r + distress_within + session + (1 | patient)`, and for both
/// raters in one model `distress_next ~ rupture_patient + repair_patient + rupture_therapist +
/// repair_therapist + distress_within + session + (1 | patient)`, with therapists as
/// `TherapistModelling` decides. Distress is rated before the session and the alliance after it,
/// so a rupture or repair at t comes before D_i,t+1 (docs/REPLICATION-SOURCES.md §2). D_i,t+1 is the rating
/// at session number t + 1: after a missed session there is no outcome (nothing is carried over).
///
/// With `.detrended` distress, outcome and lag are the residuals from each patient's own OLS line
/// on session number (Falkenström et al. 2017: estimates depend on whether variables are
/// detrended): `distress_next_detrended ~ rupture_r + repair_r + distress_detrended + session + ...`.
///
/// Known limits (docs/REPLICATION-SOURCES.md §4, §5): an observed person mean carries Nickell/Lüdtke bias
/// with ~16 sessions; a repair is by construction a rise after a low point, so regression to the
/// mean competes with a repair effect.
public struct LaggedModel: Sendable {
    /// Whose indicators the model has.
    public enum Raters: String, Sendable, Encodable, CaseIterable {
        case patient, therapist, both

        var names: [String] { self == .both ? ["patient", "therapist"] : [rawValue] }
    }

    /// Distress as observed (centred within patient for the lag) or detrended within patient.
    public enum Distress: String, Sendable, Encodable, CaseIterable {
        case observed, detrended
    }

    public let raters: Raters
    public let distress: Distress
    /// The residual correlation structure, if any (nil: independent residuals, lme4's model).
    public let residuals: String?
    public let outcome: ModelOutcome

    /// The sensitivity model's residuals: AR(1) over session numbers within patient, missed
    /// sessions as gaps (nlme's corAR1(form = ~ session | patient)).
    public static let autocorrelatedResiduals = "ar1(session | patient)"
    /// The rupture and repair effects of each rater in the model, in that order.
    public let effects: [LaggedEffect]

    public static func formula(raters: Raters, distress: Distress, therapists: TherapistModelling) -> String {
        let indicators = raters.names.flatMap { ["rupture_\($0)", "repair_\($0)"] }
        switch distress {
        case .observed:
            return therapists.formula(response: "distress_next", fixed: indicators + ["distress_within", "session"],
                                      random: ["(1 | patient)"])
        case .detrended:
            return therapists.formula(response: "distress_next_detrended", fixed: indicators + ["distress_detrended", "session"],
                                      random: ["(1 | patient)"])
        }
    }

    /// Fits the model, or says why it cannot run: no distress, or a rater without ratings.
    static func fit(raters: Raters, distress: Distress, variables: SessionVariables, therapists: TherapistModelling,
                    threads: Int, residuals: String? = nil) -> LaggedModel {
        if !variables.hasDistress {
            return notRun(raters: raters, distress: distress,
                          reason: "the data have no distress column (rename yours with --columns distress=NAME)")
        }
        if let missing = raters.names.first(where: { !variables.table.contains("rupture_\($0)") }) {
            return notRun(raters: raters, distress: distress,
                          reason: "the data have no \(missing)-rated alliance (column 'alliance_\(missing)')")
        }
        let outcome = ModelOutcome.fit(formula(raters: raters, distress: distress, therapists: therapists),
                                       to: variables.table, threads: threads, residuals: residuals)
        return LaggedModel(raters: raters, distress: distress, outcome: outcome, scale: variables.withinPatientDistressSD,
                           residuals: residuals)
    }

    /// A model that could not run, with the reason.
    static func notRun(raters: Raters, distress: Distress, reason: String) -> LaggedModel {
        LaggedModel(raters: raters, distress: distress, outcome: .notRun(formula: nil, reason: reason), scale: nil)
    }

    private init(raters: Raters, distress: Distress, outcome: ModelOutcome, scale: Double?, residuals: String? = nil) {
        self.raters = raters
        self.distress = distress
        self.residuals = residuals
        self.outcome = outcome
        effects = raters.names.flatMap { rater in
            LaggedEffect.Event.allCases.map { LaggedEffect(rater: rater, event: $0, outcome: outcome, scale: scale) }
        }
    }

    /// The effect of `event` rated by `rater`.
    public func effect(_ event: LaggedEffect.Event, rater: String) -> LaggedEffect? {
        effects.first { $0.event == event && $0.rater == rater }
    }
}
