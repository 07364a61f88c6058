import ArgumentParser
import Replication
import Reports
import SessionData

/// `alliance describe DATA`: the sample and every rating, overall and by session number.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Describe the sample and each rating (overall, first/last session, by session number, ICCs).")

    @OptionGroup var input: PanelOptions

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    func run() throws {
        let panel = try input.loadPanel()
        let description = try PanelDescription(panel: panel)
        let iccs = panel.ratingColumns.map { RatingIntraclassCorrelations(panel: panel, rating: $0) }
        guard let tableFormat = format.tableFormat else {
            print(try JSONOutput.string(DescribeOutput(description: description, icc: iccs)), terminator: "")
            return
        }
        let tables = PanelDescriptionTables.all(description) + [RatingIntraclassCorrelations.table(iccs)]
        print(tables.rendered(as: tableFormat, labelPrefix: "describe", comment: "alliance describe \(panel.source)"), terminator: "")
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
