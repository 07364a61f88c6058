import Ruptures
import SessionData
import Tabular

/// Builds a panel from CSV text written in a test.
func panel(_ csv: String, scales: [String: RatingScale] = [:]) throws -> Panel {
    let table = try DelimitedTextReader().read(text: csv, source: "test.csv")
    return try Panel(file: SessionFile(table: table), scales: scales)
}

/// Detects under `criterion` for the patient-rated alliance.
func detect(_ criterion: RuptureCriterion, in panel: Panel, rater: String = "patient") throws -> RaterResult {
    try RuptureDetector(criterion: criterion).detect(in: panel, rater: try Rater.named(rater, in: panel))
}

/// The indicator of each row of `patient` (nil for missing), for compact expectations.
func indicators(_ values: [Int8], of patient: String, in panel: Panel) -> [Int?] {
    let p = panel.patientIDs.firstIndex(of: patient)!
    return panel.rows(ofPatient: p).map { values[$0] < 0 ? nil : Int(values[$0]) }
}

/// Episodes of one patient as (onset, trough, repair) triples.
func spans(_ result: RaterResult, _ patient: String) -> [[Int?]] {
    result.episodes.filter { $0.patient == patient }.map { [$0.onset, $0.trough, $0.repair] }
}
