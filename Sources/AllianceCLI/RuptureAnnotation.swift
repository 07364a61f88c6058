import Foundation
import Ruptures
import SessionData
import Tabular

/// The files `alliance ruptures` writes: the data with indicator columns, and the episode table.
enum RuptureAnnotation {
    /// The panel's table with `rupture_<rater>` and `repair_<rater>` (1, 0, or missing where no
    /// judgement was possible) and `class_<rater>` (Repair, Rupture, No rupture; missing for a
    /// patient with too few ratings), in the format `destination`'s extension names. The input's
    /// columns keep their metadata (labels, value labels, missing values, formats); the new ones
    /// get labels of their own.
    static func data(panel: Panel, report: RuptureReport, destination: String) throws -> Data {
        var table = panel.table
        let yesNo = [ValueLabel(value: .number(0), label: "No"), ValueLabel(value: .number(1), label: "Yes")]
        for result in report.results {
            let name = result.rater.name
            let who = Rater(name: name, column: result.rater.column).heading
            let criterion = report.criterion.name
            try table.append(.numeric(result.ruptureIndicator.map { $0 < 0 ? .nan : Double($0) }), named: "rupture_\(name)",
                             metadata: VariableMetadata(label: "\(who) rupture starts (\(criterion); missing: not judged)",
                                                        valueLabels: yesNo, format: "F1.0", measure: .nominal))
            try table.append(.numeric(result.repairIndicator.map { $0 < 0 ? .nan : Double($0) }), named: "repair_\(name)",
                             metadata: VariableMetadata(label: "\(who) rupture repaired (\(criterion); missing: not judged)",
                                                        valueLabels: yesNo, format: "F1.0", measure: .nominal))
            let labels = PatientClass.allCases.map(\.rawValue)
            let codes = panel.patientOfRow.map { p -> Int32 in
                guard let c = result.classes[Int(p)] else { return -1 }
                return Int32(PatientClass.allCases.firstIndex(of: c)!)
            }
            try table.append(.categorical(codes: codes, labels: labels), named: "class_\(name)",
                             metadata: VariableMetadata(label: "\(who) patient class (\(criterion))", measure: .nominal))
        }
        return try TableFile.data(for: SessionFile(table: table), destination: destination)
    }

    /// One row per episode: patient, rater, onset, trough, repair, pre_rupture_level,
    /// trough_rating, magnitude, length, repaired (1/0).
    static func episodeTable(_ report: RuptureReport) throws -> DataTable {
        let all = report.raters.flatMap(\.episodes)
        func text(_ values: [String]) -> Column {
            var labels = [String](), index = [String: Int32]()
            let codes = values.map { v -> Int32 in
                if let c = index[v] { return c }
                index[v] = Int32(labels.count); labels.append(v); return Int32(labels.count - 1)
            }
            return .categorical(codes: codes, labels: labels)
        }
        return try DataTable(source: "episodes", names: [
            "patient", "rater", "onset", "trough", "repair", "pre_rupture_level", "trough_rating", "magnitude", "length", "repaired",
        ], columns: [
            text(all.map(\.patient)), text(all.map(\.rater)),
            .numeric(all.map { Double($0.onset) }), .numeric(all.map { Double($0.trough) }),
            .numeric(all.map { $0.repair.map(Double.init) ?? .nan }),
            .numeric(all.map(\.preRuptureLevel)), .numeric(all.map(\.troughRating)), .numeric(all.map(\.magnitude)),
            .numeric(all.map { Double($0.length) }), .numeric(all.map { $0.repaired ? 1 : 0 }),
        ])
    }
}
