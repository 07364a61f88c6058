import ArgumentParser
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

        --out DIR writes each table as CSV (one table per file, one header row, raw numbers) and \
        describe.json.
        """)

    @OptionGroup var input: PanelOptions

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Also write every table as CSV and the JSON into this folder.", valueName: "dir"))
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
            try OutputFolder.write(tables.map { ($0.name + ".csv", $0.rendered(as: .csv)) } + [("describe.json", json)], to: out, protecting: inputs)
        }
        print(printed, terminator: "")
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
