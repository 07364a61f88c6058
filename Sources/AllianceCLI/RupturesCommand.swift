import ArgumentParser
import Foundation
import Reports
import Ruptures
import SessionData
import Tabular

/// `alliance ruptures DATA`: ruptures and repairs per rater under one criterion, agreement
/// between raters, and the same summary under every named criterion.
struct RupturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ruptures",
        abstract: "Detect alliance ruptures and repairs per rater, with episodes, patient classes and a sensitivity table.",
        discussion: """
        Criteria: drop (points), rci (reliable change), stiles-2sd, strauss-1sd, gumz, sudden-loss. \
        Each is documented with its source and assumptions in docs/METHODS.md. --threshold overrides \
        the preset's amount: points for drop, k for the SD criteria, z for rci and sudden-loss.
        """)

    @OptionGroup var input: PanelOptions

    @OptionGroup var criterionOptions: CriterionOptions

    @Option(help: "Rater: patient, therapist, or the name of another rating column. Repeatable (default: patient and therapist).")
    var rater: [String] = []

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Write the data with rupture_<rater>, repair_<rater> and class_<rater> added (.csv, .sav or .dta).", valueName: "file"))
    var annotate: String?

    @Option(help: ArgumentHelp("Write the episode table (.csv).", valueName: "file"))
    var episodes: String?

    @Flag(help: "Leave out the sensitivity table (every criterion side by side).")
    var noSensitivity = false

    func validate() throws {
        if let path = annotate, !["csv", "sav", "dta"].contains(Self.fileExtension(path)) {
            throw ValidationError("--annotate: unknown file type for '\(path)' (use .csv, .sav or .dta)")
        }
        if let path = episodes, Self.fileExtension(path) != "csv" {
            throw ValidationError("--episodes: the episode table is written as .csv, not '\(path)'")
        }
    }

    static func fileExtension(_ path: String) -> String { URL(fileURLWithPath: path).pathExtension.lowercased() }

    func run() throws {
        let chosen = try criterionOptions.chosen()
        let panel = try input.loadPanel()
        let raters = try rater.isEmpty ? Rater.allianceRaters(in: panel) : rater.map { try Rater.named($0, in: panel) }
        guard !raters.isEmpty else {
            throw DataError(source: panel.source, message: "no alliance ratings: expected a column 'alliance_patient' or 'alliance_therapist' (rename with --columns, or name a column with --rater)")
        }
        let report = try RuptureReport(panel: panel, raters: raters, criterion: chosen, sensitivity: !noSensitivity)

        // Everything is computed before anything is written.
        var outputs = [(path: String, data: Data)]()
        if let path = annotate { outputs.append((path, try RuptureAnnotation.data(panel: panel, report: report, destination: path))) }
        if let path = episodes { outputs.append((path, Data(DelimitedTextWriter.text(of: try RuptureAnnotation.episodeTable(report)).utf8))) }
        let printed: String
        if let tableFormat = format.tableFormat {
            printed = RuptureTables.all(report).rendered(as: tableFormat, labelPrefix: "ruptures", comment: "alliance ruptures \(panel.source)")
        } else {
            printed = try JSONOutput.string(report)
        }
        for output in outputs { try OutputFile.write(output.data, to: output.path) }
        print(printed, terminator: "")
    }
}
