import ArgumentParser
import Foundation
import Replication
import Reports
import SessionData

/// `alliance describe DATA`: the sample and every rating, overall and by session number, and every
/// column with what the file says about it.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe the sample, each rating (overall, first/last session, by session number, ICCs) and every column of the file.",
        discussion: """
        Also says how the file was read (encoding, delimiter, decimal mark), lists each column's \
        labels and declared missing values (SPSS/Stata), and flags ratings far from all the others \
        (a 99 among 1-5): likely missing-value codes to declare with --na.

        --out DIR writes each table as CSV (one table per file, one header row, raw numbers), \
        describe.json, the figure of the mean ratings by session (ratings-by-session.svg), \
        report.html (every table and the figure on one page, with the data file's SHA-256) and \
        the same as report.md.
        """)

    @OptionGroup var input: PanelOptions

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Also write every table as CSV, the JSON, the figure (SVG), report.html and report.md into this folder.", valueName: "dir"))
    var out: String?

    func run() throws {
        let inputs = input.files
        if let out { try OutputFolder.check(out) }
        let panel = try input.loadPanel()
        let description = try PanelDescription(panel: panel)
        let iccs = panel.ratingColumns.map { RatingIntraclassCorrelations(panel: panel, rating: $0) }
        let tables = PanelDescriptionTables.all(description) + [RatingIntraclassCorrelations.table(iccs)]
            + [PanelDescriptionTables.variables(description, title: "Table \(PanelDescriptionTables.all(description).count + 2). Variables")]
        // Everything is computed before anything is written.
        let json = try JSONOutput.string(DescribeOutput(description: description, icc: iccs))
        let printed = format.tableFormat.map { f in
            tables.rendered(as: f, labelPrefix: "describe", comment: "alliance describe \(panel.source)")
        } ?? json
        if let out {
            var files = tables.map { ($0.name + ".csv", $0.rendered(as: .csv)) } + [("describe.json", json)]
            let figure = Self.figure(description, panel: panel)
            if let figure { files.append((figure.fileName!, figure.svg)) }
            let provenance = try ReportProvenance.now(dataFile: input.data, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: Self.sources)
            let report = Self.report(description, panel: panel, tables: tables, figure: figure, codebook: input.reading.codebook,
                                     provenance: provenance)
            files += [("report.html", report.rendered()), ("report.md", report.markdown())]
            try OutputFolder.write(files, to: out, protecting: inputs)
        }
        print(printed, terminator: "")
    }
}

extension DescribeCommand {
    /// The sources of the methods, for the HTML report's footer.
    static let sources = [
        "Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1). doi:10.18637/jss.v067.i01 (the REML models of the ICCs).",
        "How the file is read (encodings, delimiters, decimal marks, missing values, labelled values), the descriptives, the likely missing codes and the ICCs: docs/METHODS.md, \"Reading data\" and \"Descriptives (alliance describe)\".",
    ]

    /// The mean of each rating by session number, the alliance ratings in one panel and every
    /// other rating in its own; nil when no session number was rated by enough patients.
    static func figure(_ d: PanelDescription, panel: Panel) -> HTMLReport.Figure? {
        guard let chart = PanelDescriptionFigures.meansBySession(d, scales: panel.scales, groups: PanelDescriptionFigures.groups(d),
                                                                 title: "Mean ratings by session (95% CI)") else { return nil }
        let caption = "Mean of each rating by session number with 95% confidence bands (M ± t(.975, n − 1) SD/√n); session numbers rated by at least \(PanelDescriptionFigures.minimumPerSession) patients."
        return HTMLReport.Figure(svg: chart.svg(description: caption).rendered, caption: caption, fileName: "ratings-by-session.svg")
    }

    /// The table of variables without the columns of metadata the file does not have (a CSV
    /// file has no labels, formats or measurement levels), which its note names.
    static func variables(_ tables: [Table]) -> [HTMLReport.Block] {
        guard let full = tables.first(where: { $0.name == "variables" }) else { return [] }
        var (table, dropped) = full.droppingEmptyColumns()
        if !dropped.isEmpty {
            table.notes.insert("Left out, being empty for every variable of this file: \(dropped.map { $0.lowercased() }.joined(separator: ", ")).", at: 0)
        }
        return [.table(table)]
    }

    /// `report.html` and `report.md`: the sample, the ratings (with the figure and the ICCs), the
    /// variables, and how the file was read; likely missing codes stand out as notices.
    static func report(_ d: PanelDescription, panel: Panel, tables: [Table], figure: HTMLReport.Figure?, codebook: String?,
                       provenance: ReportProvenance) -> HTMLReport {
        func table(_ name: String) -> [HTMLReport.Block] { tables.filter { $0.name == name }.map { .table($0) } }
        var facts: [(label: String, value: String)] = [("Data", d.source)]
        if let file = d.file { facts.append(("Read as", file.summary)) }
        if let codebook { facts.append(("Codebook", codebook)) }
        let scales = d.ratings.compactMap { r in panel.scales[r.column].map { "\(r.column) \($0.rangeDescription)" } }
        facts.append(("Scales", scales.isEmpty ? "none given (--scale or a codebook gives them: ceiling shares, values outside the scale refused)" : scales.joined(separator: "; ")))
        let notices = d.ratings.flatMap { r in
            r.likelyMissingCodes.map { "Check \(r.column): \($0.description); likely a missing-value code or a typo (declare it with --na, or give the scale with --scale)." }
        }
        var ratings = table("ratings")
        ratings.append(figure.map { .figure($0) } ?? .paragraph("Figure not drawn: no session number was rated by \(PanelDescriptionFigures.minimumPerSession) or more patients."))
        ratings += table("ratings-by-session") + table("icc")
        if d.ratings.isEmpty {
            ratings = [.paragraph("The file has no ratings: no column alliance_patient, alliance_therapist or distress (name yours with --columns, e.g. --columns alliance_patient=wai).")]
        }
        return HTMLReport(title: "Description of \(URL(fileURLWithPath: d.source).lastPathComponent)", facts: facts, notices: notices,
                          sections: [HTMLReport.Section("Sample", table("sample")), HTMLReport.Section("Ratings", ratings),
                                     HTMLReport.Section("Variables", variables(tables))],
                          provenance: provenance)
    }
}

/// `describe --format json`: the panel description with the ICCs of every rating added.
private struct DescribeOutput: Encodable {
    let description: PanelDescription
    let icc: [RatingIntraclassCorrelations]

    enum CodingKeys: String, CodingKey { case icc }

    func encode(to encoder: any Encoder) throws {
        try description.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(icc, forKey: .icc)
    }
}
