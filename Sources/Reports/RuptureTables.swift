import Ruptures
import SessionData

/// The publication tables of `alliance ruptures`: ruptures and repairs by rater, agreement
/// between raters, and the sensitivity of the prevalence to the criterion.
public enum RuptureTables {
    public static func all(_ report: RuptureReport) -> [Table] {
        var tables = [summary(report)]
        if !report.agreement.isEmpty { tables.append(agreement(report)) }
        if let sensitivity = report.sensitivity { tables.append(self.sensitivity(sensitivity, raters: report.raters)) }
        return tables
    }

    /// `drop from the previous session >= 1 point; repair: return to the pre-rupture level by the end of treatment`.
    public static func describe(_ c: RuptureCriterion) -> String {
        let reference: String
        switch c.reference {
        case .previousSession: reference = c.multiSessionDeclines ? "decline over one or more sessions from the last peak" : "drop from the previous session"
        case .personMean: reference = "rating below the person mean"
        case .earlierMean: reference = "rating below the mean of earlier sessions"
        case .personTrend: reference = "rating below the person's linear trend"
        }
        var parts = ["\(reference) >= \(c.threshold.description)"]
        if c.relativeDrop != nil || c.stabilityAlpha != nil {
            parts.append("and >= \(CellFormatting.fixed(100 * (c.relativeDrop ?? 0), decimals: 0))% of the previous rating, and a t test of the 3 sessions before vs. from the rupture (alpha = \(CellFormatting.withoutLeadingZero(CellFormatting.fixed(c.stabilityAlpha ?? 0, decimals: 2))))")
        }
        if c.endSessionsExcluded { parts.append("first and last sessions not judged") }
        if c.gaps == .bridgeGap { parts.append("gaps bridged") }
        let by = c.window.map { "within \($0) session\($0 == 1 ? "" : "s")" } ?? "by the end of treatment"
        switch c.repair {
        case .returnToLevel(let tolerance):
            let within = tolerance > 0 ? " (within \(CellFormatting.exact(tolerance)) points)" : ""
            return parts.joined(separator: ", ") + "; repair: return to the pre-rupture level\(within) \(by)"
        case .rise:
            return parts.joined(separator: ", ") + "; repair: rise by the threshold from the lowest rating \(by)"
        }
    }

    public static func summary(_ report: RuptureReport) -> Table {
        let raters = report.raters
        var t = Table(title: "Table 1. Ruptures and repairs by rater (criterion: \(report.criterion.name))", name: "ruptures",
                      columns: [TableColumn("", alignment: .left)]
                        + raters.map { TableColumn(Rater(name: $0.rater, column: $0.column).heading, key: $0.rater) })
        t.csvLayout = .statisticsInRows(observation: "rater", keys: [])
        func row(_ label: String, _ key: String, _ cell: (RaterSummary) -> Cell) { t.appendStatistic(label, key: key, raters.map(cell)) }
        func number(_ v: Double?, _ d: Int = 2) -> Cell { v.map { .number($0, decimals: d) } ?? .empty }
        func percent(_ v: Double?) -> Cell { v.map { .percent(100 * $0, decimals: 1) } ?? .empty }
        row("Patients judged, n", "patients_judged") { .integer($0.patients) }
        row("Patients not judged (too few ratings), n", "patients_not_judged") { .integer($0.patientsNotJudged) }
        row("Patients with >= 1 rupture, n", "patients_with_rupture") { .integer($0.patientsWithRupture) }
        row("Patients with >= 1 rupture, %", "patients_with_rupture_percent") { percent($0.prevalence) }
        row("  95% CI, %", "patients_with_rupture_percent_ci") { s in s.prevalenceCI.map { .interval(100 * $0.lower, 100 * $0.upper, decimals: 1) } ?? .empty }
        row("Ruptures, n", "ruptures") { .integer($0.ruptures) }
        row("Ruptures per patient, M", "ruptures_per_patient_mean") { number($0.rupturesPerPatient.mean) }
        row("Ruptures per patient, SD", "ruptures_per_patient_sd") { number($0.rupturesPerPatient.standardDeviation) }
        row("Ruptures per patient, Mdn", "ruptures_per_patient_median") { number($0.rupturesPerPatient.median, 1) }
        row("Ruptures per patient, range", "ruptures_per_patient") { s in
            guard let lo = s.rupturesPerPatient.minimum, let hi = s.rupturesPerPatient.maximum else { return .empty }
            return .range(lo, hi, decimals: 0)
        }
        row("Repairs, n", "repairs") { .integer($0.repairs) }
        row("Ruptures repaired, %", "ruptures_repaired_percent") { percent($0.repairedShare) }
        row("Patients with >= 1 repair, n", "patients_with_repair") { .integer($0.patientsWithRepair) }
        row("Session of first rupture, M", "first_rupture_session_mean") { number($0.firstRuptureSession.mean) }
        row("Session of first rupture, SD", "first_rupture_session_sd") { number($0.firstRuptureSession.standardDeviation) }
        row("Magnitude (points), M", "magnitude_mean") { number($0.magnitude.mean) }
        row("Magnitude (points), SD", "magnitude_sd") { number($0.magnitude.standardDeviation) }
        row("Sessions at ceiling, %", "sessions_at_ceiling_percent") { percent($0.ceilingShare) }
        for c in PatientClass.allCases {
            let label = c == .rupture ? "Rupture (unrepaired)" : c.rawValue
            row("Class \(label), n (%)", "class_" + CSVTableRenderer.key(forHeader: c.rawValue)) { s in
                let n = s.classes[c] ?? 0
                return .countAndPercent(n, s.patients > 0 ? 100 * Double(n) / Double(s.patients) : 0, decimals: 1)
            }
        }
        if raters.contains(where: { $0.thresholdPoints != nil }) {
            row("Threshold (points)", "threshold_points") { number($0.thresholdPoints, 3) }
        }
        t.notes = [
            "Criterion \(report.criterion.name): \(describe(report.criterion)).",
            "Percentages of patients are of patients judged (at least \(report.criterion.minimumObservations) observed ratings); CI = Wilson score interval.",
            "Classes as in Holmqvist Larsson et al. (2018): Repair = every rupture repaired; Rupture = at least one unrepaired.",
        ]
        if raters.allSatisfy({ $0.ceilingShare == nil }) {
            t.notes.append("Sessions at ceiling need the scale's range (--scale NAME=MIN:MAX).")
        }
        return t
    }

    public static func agreement(_ report: RuptureReport) -> Table {
        var t = Table(title: "Table 2. Agreement between raters on rupture sessions", name: "rupture-agreement", columns: [
            TableColumn("Raters", alignment: .left), TableColumn("Sessions"), TableColumn("Both"), TableColumn("First only"),
            TableColumn("Second only"), TableColumn("Neither"), TableColumn("Agreement", key: "agreement_percent"), TableColumn("κ"),
        ])
        for a in report.agreement {
            t.append([.text(a.raters.joined(separator: " vs. ")), .integer(a.sessions), .integer(a.both), .integer(a.firstOnly),
                      .integer(a.secondOnly), .integer(a.neither),
                      a.observedAgreement.map { .percent(100 * $0, decimals: 1) } ?? .empty,
                      a.kappa.map { .bounded($0, decimals: 2) } ?? .empty])
        }
        t.notes = ["Sessions judged under the criterion for both raters; κ = Cohen's kappa (empty when chance agreement is 1)."]
        return t
    }

    public static func sensitivity(_ s: SensitivityAnalysis, raters: [RaterSummary]) -> Table {
        var t = Table(title: "Table 3. Ruptures under each criterion", name: "rupture-sensitivity", columns: [
            TableColumn("Criterion", alignment: .left), TableColumn("Threshold", alignment: .left), TableColumn("Patients judged"),
            TableColumn("With rupture, %"), TableColumn("Ruptures, n"), TableColumn("Repaired, %"),
        ])
        t.csvSectionKey = "rater"
        var unavailable = [String]()
        for (k, rater) in raters.enumerated() {
            t.appendSection(Rater(name: rater.rater, column: rater.column).heading)
            for row in s.rows {
                let cell = row.raters[k]
                var cells: [Cell] = [.text(row.criterion.name), .text(row.criterion.threshold.description)]
                if let reason = cell.unavailable {
                    let note = "\(row.criterion.name), \(cell.rater): \(reason)"
                    if !unavailable.contains(note) { unavailable.append(note) }
                    cells += [.empty, .empty, .empty, .empty]
                } else {
                    cells += [cell.patients.map { .integer($0) } ?? .empty,
                              cell.prevalence.map { .percent(100 * $0, decimals: 1) } ?? .empty,
                              cell.ruptures.map { .integer($0) } ?? .empty,
                              cell.repairedShare.map { .percent(100 * $0, decimals: 1) } ?? .empty]
                }
                t.append(cells)
            }
        }
        t.notes = ["Each criterion with its default amount and repair rule (docs/METHODS.md); percentages of patients judged."]
            + unavailable.map { "Not computed: \($0)." }
        return t
    }
}

extension RuptureTables {
    /// The sources of the rupture methods, for the footers of the HTML reports of `alliance
    /// ruptures` and `alliance replicate` (docs/METHODS.md, "Rupture and repair criteria", has
    /// the details).
    public static let sources = [
        "Holmqvist Larsson, M., Falkenström, F., Andersson, G., & Holmqvist, R. (2018). Alliance ruptures and repairs in psychotherapy in primary care. Psychotherapy Research, 28(1). doi:10.1080/10503307.2016.1174345 (repair, rupture and no-rupture classes).",
        "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. Journal of the American Statistical Association, 22, 209-212 (the CI of a prevalence).",
        "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological Measurement, 20, 37-46 (kappa).",
        "The rupture criteria and their sources (Stiles et al. 2004; Strauss et al. 2006; Gumz et al. 2012; Jacobson & Truax 1991; Tang & DeRubeis 1999, as the R package suddengains codes it): docs/METHODS.md, \"Rupture and repair criteria\".",
    ]
}
