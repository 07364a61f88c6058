import Ruptures
import SessionData
import Tabular

/// The variables of the growth and lagged models, one row per session (panel row), under fixed
/// names so that every formula of the analysis reads the same whatever the file calls its columns:
///
/// | column | meaning |
/// |---|---|
/// | `patient`, `therapist` | identifiers (factors) |
/// | `session` | session number |
/// | `alliance_patient`, `alliance_therapist` | the alliance ratings (when present) |
/// | `distress` | D_it |
/// | `distress_next` | D_i,t+1, by session number (missing when session t + 1 was not attended or not rated) |
/// | `distress_within` | D_it - D̄_i, centred on the patient's mean over all observed sessions |
/// | `distress_detrended` | D_it - (a_i + b_i t), the residual from the patient's own OLS line |
/// | `distress_detrended_next` | the detrended value at session t + 1 |
/// | `rupture_<rater>`, `repair_<rater>` | the indicators of one criterion (missing where not judged) |
///
/// The rupture and repair columns are replaced for each criterion of the sensitivity analysis
/// (`with(_:)`); everything else is computed once.
public struct SessionVariables: Sendable {
    public private(set) var table: DataTable
    /// The pooled within-patient SD of distress,
    /// s_w = sqrt( Σ_i Σ_t (D_it - D̄_i)² / (N - P) ),
    /// over the N observed distress ratings of the P patients with at least one (the square root
    /// of the within-patient mean square of a one-way ANOVA). The lagged effects are divided by it
    /// to give a standardized effect. Nil without distress or without within-patient variation.
    public let withinPatientDistressSD: Double?

    public init(panel: Panel) throws {
        var t = DataTable(source: panel.source)
        try t.append(.categorical(codes: panel.patientOfRow, labels: panel.patientIDs), named: "patient")
        if panel.column(for: .therapist) != nil {
            let codes = panel.patientOfRow.map { panel.therapistOfPatient[Int($0)] }
            try t.append(.categorical(codes: codes, labels: panel.therapistIDs), named: "therapist")
        }
        try t.append(.numeric(panel.sessions.map(Double.init)), named: "session")
        for role in [PanelRole.alliancePatient, .allianceTherapist] {
            if let column = panel.column(for: role) {
                try t.append(.numeric(try panel.values(of: column)), named: role.rawValue)
            }
        }
        var sd: Double? = nil
        if let column = panel.column(for: .distress) {
            let d = try panel.values(of: column)
            let within = panel.withinPersonDeviations(d)
            let detrended = panel.detrended(d)
            try t.append(.numeric(d), named: "distress")
            try t.append(.numeric(panel.shifted(d, by: 1)), named: "distress_next")
            try t.append(.numeric(within), named: "distress_within")
            try t.append(.numeric(detrended), named: "distress_detrended")
            try t.append(.numeric(panel.shifted(detrended, by: 1)), named: "distress_detrended_next")
            var squares = 0.0, n = 0
            for w in within where !w.isNaN { squares += w * w; n += 1 }
            let patients = panel.observedCounts(d).filter { $0 > 0 }.count
            if n > patients, squares > 0 { sd = (squares / Double(n - patients)).squareRoot() }
        }
        table = t
        withinPatientDistressSD = sd
    }

    /// The same variables with the rupture and repair indicators of `results` (one per rater):
    /// `rupture_<rater>` and `repair_<rater>`, 1/0, missing (NaN) where the criterion could not
    /// judge the session.
    public func with(_ results: [RaterResult]) throws -> SessionVariables {
        var copy = self
        for result in results {
            try copy.table.append(.numeric(result.ruptureIndicator.map { $0 < 0 ? .nan : Double($0) }),
                                  named: "rupture_\(result.rater.name)")
            try copy.table.append(.numeric(result.repairIndicator.map { $0 < 0 ? .nan : Double($0) }),
                                  named: "repair_\(result.rater.name)")
        }
        return copy
    }

    public var hasDistress: Bool { table.contains("distress") }
}
