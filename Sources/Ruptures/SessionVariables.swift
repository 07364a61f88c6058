import SessionData
import Tabular

/// The variables of growth and lagged models, one row per session (panel row), under fixed names
/// so that every formula reads the same whatever the file calls its columns. `alliance replicate`
/// and the power study (`alliance power`) both build their models on these.
///
/// | column | meaning |
/// |---|---|
/// | `patient`, `therapist` | identifiers (factors) |
/// | `session` | session number |
/// | `alliance_patient`, `alliance_therapist` | the alliance ratings (when present) |
/// | `distress` | D_it |
/// | `distress_next` | D_i,t+1, by session number (missing when session t + 1 was not attended or not rated) |
/// | `distress_within`, `distress_mean` | D_it - D̄_i and D̄_i, the patient's mean over all observed sessions |
/// | `distress_detrended` | D_it - (a_i + b_i t), the residual from the patient's own OLS line (three ratings needed) |
/// | `distress_next_detrended` | the detrended value at session t + 1 |
/// | `rupture_<rater>`, `repair_<rater>` | the indicators of one criterion (missing where not judged), from `with(_:)` |
/// | `alliance`, `rupture`, `repair` | one rater's rating and indicators under rater-free names, from `table(for:allianceColumn:)` |
///
/// The rupture and repair columns are added per criterion; everything else is computed once.
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
            try t.append(.numeric(panel.personMeans(d)), named: "distress_mean")
            try t.append(.numeric(detrended), named: "distress_detrended")
            try t.append(.numeric(panel.shifted(detrended, by: 1)), named: "distress_next_detrended")
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
            try copy.table.append(Self.indicator(result.ruptureIndicator), named: "rupture_\(result.rater.name)")
            try copy.table.append(Self.indicator(result.repairIndicator), named: "repair_\(result.rater.name)")
        }
        return copy
    }

    /// The variables of `table(for:allianceColumn:)` when the data have every role (patient,
    /// therapist, session, both alliance ratings, distress).
    public static let raterTableVariables = [
        "patient", "therapist", "session", "alliance_patient", "alliance_therapist", "distress", "distress_next",
        "distress_within", "distress_mean", "distress_detrended", "distress_next_detrended", "alliance", "rupture", "repair",
    ]

    /// One rater's table with rater-free names: the common variables plus `alliance` (the
    /// rater's rating, from `allianceColumn`) and `rupture`, `repair` (the rater's indicators), so
    /// one formula serves every rater.
    public func table(for result: RaterResult, allianceColumn: String) throws -> DataTable {
        var t = table
        t.source = "\(table.source) (\(result.rater.name)-rated ruptures)"
        try t.append(.numeric(try Self.values(of: allianceColumn, in: table, or: result)), named: "alliance")
        try t.append(Self.indicator(result.ruptureIndicator), named: "rupture")
        try t.append(Self.indicator(result.repairIndicator), named: "repair")
        return t
    }

    /// A 1/0 indicator with -1 (not judged) as missing.
    static func indicator(_ values: [Int8]) -> Column {
        .numeric(values.map { $0 < 0 ? .nan : Double($0) })
    }

    private static func values(of column: String, in table: DataTable, or result: RaterResult) throws -> [Double] {
        guard case .numeric(let v)? = table[column] else {
            throw DataError(source: table.source, message: "no alliance column '\(column)' for the \(result.rater.name)-rated analysis")
        }
        return v
    }

    public var hasDistress: Bool { table.contains("distress") }
}
