import Ruptures
import SessionData
import Tabular

/// The variables an estimator's formula reads, built from one simulated dataset for one rater.
/// All are computed by actual session number (`Panel`'s transforms), so a missed session is a
/// gap, never "the next row":
///
/// | variable | meaning |
/// |---|---|
/// | `patient`, `therapist` | identifiers (factors) |
/// | `session` | session number t |
/// | `alliance` | the rater's alliance rating at t |
/// | `distress` | D_it |
/// | `distress_next` | D_i,t+1 (missing when session t + 1 is not observed) |
/// | `distress_within`, `distress_mean` | D_it - D̄_i and D̄_i (the patient's mean over observed sessions) |
/// | `distress_detrended` | D_it - (a_i + b_i t), the residual from the patient's least-squares line (three ratings needed) |
/// | `distress_next_detrended` | the same at t + 1 |
/// | `rupture`, `repair` | the rater's detected indicators at t (missing where the criterion could not judge) |
public struct AnalysisData {
    public static let columnNames = [
        "patient", "therapist", "session", "alliance", "distress", "distress_next", "distress_within", "distress_mean",
        "distress_detrended", "distress_next_detrended", "rupture", "repair",
    ]

    public let panel: Panel
    /// The columns that do not depend on the rater.
    private let common: [(String, Column)]

    public init(panel: Panel) throws {
        self.panel = panel
        let distress = try panel.values(of: "distress")
        let detrended = panel.detrended(distress)
        let therapistCodes = panel.therapistOfPatient.isEmpty ? [] : panel.patientOfRow.map { panel.therapistOfPatient[Int($0)] }
        common = [
            ("patient", .categorical(codes: panel.patientOfRow, labels: panel.patientIDs)),
            ("therapist", .categorical(codes: therapistCodes, labels: panel.therapistIDs)),
            ("session", .numeric(panel.sessions.map(Double.init))),
            ("distress", .numeric(distress)),
            ("distress_next", .numeric(panel.shifted(distress, by: 1))),
            ("distress_within", .numeric(panel.withinPersonDeviations(distress))),
            ("distress_mean", .numeric(panel.personMeans(distress))),
            ("distress_detrended", .numeric(detrended)),
            ("distress_next_detrended", .numeric(panel.shifted(detrended, by: 1))),
        ]
    }

    /// The table for `rater`, whose ruptures `result` holds.
    public func table(rater: SimulatedRater, result: RaterResult) throws -> DataTable {
        let indicator = { (values: [Int8]) in Column.numeric(values.map { $0 < 0 ? .nan : Double($0) }) }
        let columns = common + [
            ("alliance", .numeric(try panel.values(of: rater.column))),
            ("rupture", indicator(result.ruptureIndicator)),
            ("repair", indicator(result.repairIndicator)),
        ]
        return try DataTable(source: "simulated data (\(rater.rawValue)-rated ruptures)", names: columns.map(\.0), columns: columns.map(\.1))
    }
}
