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

        --out DIR writes each table as CSV (one table per file, one header row, raw numbers), the \
        episode table (episodes.csv), ruptures.json, each patient's series with ruptures and repairs \
        marked (patient-series.svg), report.html (the tables and the figure on one page, with \
        the data file's SHA-256) and the same as report.md. --annotate writes the data with the \
        indicators added; an SPSS or Stata file keeps every variable's labels, value labels, \
        missing values and formats.
        """)

    @OptionGroup var input: PanelOptions

    @OptionGroup var criterionOptions: CriterionOptions

    @Option(help: "Rater: patient, therapist, or the name of another rating column. Repeatable (default: patient and therapist).")
    var rater: [String] = []

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Write the data with rupture_<rater>, repair_<rater> and class_<rater> added (.csv, .sav, .zsav, .por or .dta).", valueName: "file"))
    var annotate: String?

    @Option(help: ArgumentHelp("Write the episode table (.csv).", valueName: "file"))
    var episodes: String?

    @Option(help: ArgumentHelp("Also write every table as CSV, the episodes, the JSON, the figure (SVG), report.html and report.md into this folder.", valueName: "dir"))
    var out: String?

    @Flag(help: "Leave out the sensitivity table (every criterion side by side).")
    var noSensitivity = false

    func validate() throws {
        if let path = annotate, !TableFile.isWritable(path) {
            throw ValidationError("--annotate: unknown file type for '\(path)' (use \(TableFile.writableList))")
        }
        if let path = episodes, Self.fileExtension(path) != "csv" {
            throw ValidationError("--episodes: the episode table is written as .csv, not '\(path)'")
        }
    }

    static func fileExtension(_ path: String) -> String { URL(fileURLWithPath: path).pathExtension.lowercased() }

    func run() throws {
        let inputs = input.files
        // Outputs that cannot be written are found before any work is done.
        for path in [annotate, episodes].compactMap({ $0 }) { try OutputFile.check(path, protecting: inputs) }
        if let out { try OutputFolder.check(out) }
        let chosen = try criterionOptions.chosen()
        let panel = try input.loadPanel()
        let raters = try rater.isEmpty ? Self.defaultRaters(in: panel) : rater.map { try Rater.named($0, in: panel) }
        let report = try RuptureReport(panel: panel, raters: raters, criterion: chosen, sensitivity: !noSensitivity)

        // Everything is computed before anything is written.
        let tables = RuptureTables.all(report)
        let json = try JSONOutput.string(report)
        let episodeCSV = DelimitedTextWriter.text(of: try RuptureAnnotation.episodeTable(report))
        var outputs = [(path: String, data: Data)]()
        if let path = annotate { outputs.append((path, try RuptureAnnotation.data(panel: panel, report: report, destination: path))) }
        if let path = episodes { outputs.append((path, Data(episodeCSV.utf8))) }
        let printed = format.tableFormat.map { f in
            tables.rendered(as: f, labelPrefix: "ruptures", comment: "alliance ruptures \(panel.source)")
        } ?? json
        if let out {
            var files = tables.map { ($0.name + ".csv", $0.rendered(as: .csv)) } + [("episodes.csv", episodeCSV), ("ruptures.json", json)]
            let figure = Self.figure(report, panel: panel)
            files.append((figure.fileName!, figure.svg))
            let provenance = try ReportProvenance.now(dataFile: input.data, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: RuptureTables.sources)
            let page = Self.report(report, tables: tables, figure: figure, codebook: input.reading.codebook, provenance: provenance)
            files += [("report.html", page.rendered()), ("report.md", page.markdown())]
            try OutputFolder.write(files, to: out, protecting: inputs)
        }
        for output in outputs { try OutputFile.write(output.data, to: output.path, protecting: inputs) }
        print(printed, terminator: "")
    }

    /// The patient and therapist raters the panel has; a missing one is named on standard error,
    /// so that a misspelt column is not silently left out, and none is an error.
    static func defaultRaters(in panel: Panel) throws -> [Rater] {
        let raters = Rater.allianceRaters(in: panel)
        guard !raters.isEmpty else {
            throw DataError(source: panel.source, message: "no alliance ratings: expected a column 'alliance_patient' or 'alliance_therapist' (rename with --columns, or name a column with --rater)")
        }
        warnAboutMissingRaters(in: panel)
        return raters
    }

    /// Names on standard error each alliance rater the panel lacks, when it has the other.
    static func warnAboutMissingRaters(in panel: Panel) {
        let roles = [(PanelRole.alliancePatient, "patient"), (.allianceTherapist, "therapist")]
        guard roles.contains(where: { panel.column(for: $0.0) != nil }) else { return }
        for (role, who) in roles where panel.column(for: role) == nil {
            ExitStatus.printError("no column \(role.rawValue) in \(panel.source): \(who)-rated ruptures skipped; rename with --columns \(role.rawValue)=NAME")
        }
    }
}

extension RupturesCommand {
    /// Each patient's series per rater with the ruptures and repairs of the criterion marked.
    static func figure(_ report: RuptureReport, panel: Panel) -> HTMLReport.Figure {
        let chart = RuptureFigures.patientSeries(panel: panel, results: report.results, criterion: report.criterion.name)
        let caption = "Ratings of each patient by session, per rater, with ruptures (downward triangles) and repairs (upward triangles) under the \(report.criterion.name) criterion; a missed session breaks the line."
        return HTMLReport.Figure(svg: chart.svg(description: caption).rendered, caption: caption, fileName: "patient-series.svg")
    }

    /// `report.html` and `report.md`: the criterion and raters, the summary and agreement tables
    /// with the figure, the sensitivity table, where the episodes are, and what the counts cannot say.
    static func report(_ report: RuptureReport, tables: [Table], figure: HTMLReport.Figure, codebook: String?,
                       provenance: ReportProvenance) -> HTMLReport {
        func table(_ name: String) -> [HTMLReport.Block] { tables.filter { $0.name == name }.map { .table($0) } }
        var facts: [(label: String, value: String)] = [("Data", report.source)]
        if let codebook { facts.append(("Codebook", codebook)) }
        facts.append(("Criterion", "\(report.criterion.name): \(RuptureTables.describe(report.criterion))"))
        facts.append(("Raters", report.results.map { RuptureFigures.label(of: $0.rater) }.joined(separator: "; ")))
        var sections = [HTMLReport.Section("Ruptures and repairs", table("ruptures") + table("rupture-agreement") + [.figure(figure)])]
        if report.sensitivity != nil {
            sections.append(HTMLReport.Section("Sensitivity to the criterion", table("rupture-sensitivity")))
        }
        let episodes = report.raters.reduce(0) { $0 + $1.episodes.count }
        sections.append(HTMLReport.Section("Episodes and caveats", [
            .paragraph("The \(episodes) rupture episode\(episodes == 1 ? "" : "s") (patient, rater, onset, trough, repair, pre-rupture level, magnitude, length) are in episodes.csv next to this report; --annotate adds the indicators to the data for a lagged model."),
            .list([
                "A repair is by construction a rise after a low point: regression to the mean alone produces some repairs.",
                "Prevalences under different criteria are only partly comparable (Gumz et al. 2012); the sensitivity table shows by how much they differ on these data.",
                "With ratings after each session only, a drop from one session to the next may partly be change between sessions.",
            ]),
        ]))
        return HTMLReport(title: "Alliance ruptures and repairs: \(URL(fileURLWithPath: report.source).lastPathComponent)", facts: facts,
                          sections: sections, provenance: provenance)
    }
}
