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

    @Option(help: "Criterion: drop, rci, stiles-2sd, strauss-1sd, gumz or sudden-loss.")
    var criterion: String = "drop"

    @Option(help: "The criterion's amount: points (drop), k (SD criteria), z (rci, sudden-loss).")
    var threshold: Double?

    @Option(help: "Repair rule: return (regain the pre-rupture level) or rise (rise by the threshold).")
    var repair: RepairChoice?

    @Option(help: "With --repair return: count a rating within this many points of the pre-rupture level as regaining it.")
    var tolerance: Double?

    @Option(help: "Sessions after the onset within which a repair must come (default: by the end of treatment).")
    var window: Int?

    @Option(help: "What a rupture is measured against: previous, person-mean, earlier-mean or trend.")
    var reference: RuptureReference?

    @Option(help: "Missing sessions: break (compare only consecutive sessions) or bridge (compare with the last observed).")
    var gaps: GapHandling?

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

    enum RepairChoice: String, ExpressibleByArgument, CaseIterable { case `return`, rise }

    func validate() throws {
        if let path = annotate, !["csv", "sav", "dta"].contains(Self.fileExtension(path)) {
            throw ValidationError("--annotate: unknown file type for '\(path)' (use .csv, .sav or .dta)")
        }
        if let path = episodes, Self.fileExtension(path) != "csv" {
            throw ValidationError("--episodes: the episode table is written as .csv, not '\(path)'")
        }
        if tolerance != nil && repair == .rise {
            throw ValidationError("--tolerance applies to --repair return, not rise")
        }
    }

    static func fileExtension(_ path: String) -> String { URL(fileURLWithPath: path).pathExtension.lowercased() }

    /// The preset with the options on top.
    func chosenCriterion() throws -> RuptureCriterion {
        var c = try RuptureCriterion.preset(named: criterion)
        if let threshold { c.threshold = c.threshold.with(amount: threshold) }
        switch repair {
        case .rise?: c.repair = .rise
        case .return?: c.repair = .returnToLevel(tolerance: tolerance ?? 0)
        case nil: if let tolerance { c.repair = .returnToLevel(tolerance: tolerance) }
        }
        if let window { c.window = window }
        if let reference { c.reference = reference }
        if let gaps { c.gaps = gaps }
        return c
    }

    func run() throws {
        let chosen = try chosenCriterion()
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
            printed = RuptureTables.all(report).map { $0.rendered(as: tableFormat) }.joined(separator: "\n")
        } else {
            printed = try JSONOutput.string(report)
        }
        for output in outputs { try OutputFile.write(output.data, to: output.path) }
        print(printed, terminator: "")
    }
}

extension RuptureReference: ExpressibleByArgument {}
extension GapHandling: ExpressibleByArgument {}
