import MixedModels
import SessionData

/// One rating (patient-rated alliance, therapist-rated alliance, distress) described as step 2 of
/// the analysis reports it: the descriptives of `alliance describe` (mean and SD overall and at
/// each patient's first and last observed session, the share at the scale's ceiling) and the
/// intraclass correlations of an empty model.
///
/// The ICCs come from `y ~ 1 + (1 | therapist) + (1 | patient)` (REML), or `y ~ 1 + (1 | patient)`
/// when the data have fewer than two therapists: each level's share of the total variance,
/// ICC_patient = τ²_patient / (τ²_therapist + τ²_patient + σ²) and
/// ICC_therapist = τ²_therapist / (τ²_therapist + τ²_patient + σ²) (research notes 3, Table 2).
/// The therapist ICC is descriptive: with few therapists τ²_therapist is imprecise (see
/// `TherapistModelling`), which is why the models of steps 4 and 5 may use fixed effects instead.
public struct RatingDescriptives: Sendable {
    /// The role (`alliance_patient`, `alliance_therapist`, `distress`).
    public let role: PanelRole
    public let description: RatingDescription
    /// The empty model the ICCs come from.
    public let varianceModel: ModelOutcome

    public var patientICC: Double? { icc("patient") }
    public var therapistICC: Double? { icc("therapist") }

    private func icc(_ group: String) -> Double? {
        varianceModel.fit?.intraclassCorrelations.first { $0.group == group }?.icc
    }

    /// Describes each rating the panel has; `variables` holds the ratings under their role names.
    static func all(panel: Panel, variables: SessionVariables, threads: Int) throws -> [RatingDescriptives] {
        let roles: [PanelRole] = [.alliancePatient, .allianceTherapist, .distress].filter { panel.column(for: $0) != nil }
        let withTherapists = variables.table.contains("therapist") && panel.therapistIDs.count >= 2
        return try roles.map { role in
            let formula = "\(role.rawValue) ~ 1 + " + (withTherapists ? "(1 | therapist) + " : "") + "(1 | patient)"
            return RatingDescriptives(role: role,
                                      description: try RatingDescription(panel: panel, column: panel.column(for: role)!),
                                      varianceModel: .fit(formula, to: variables.table, threads: threads))
        }
    }
}
