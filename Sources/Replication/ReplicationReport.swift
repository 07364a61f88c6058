import Foundation
import Reports

/// The replication as documents: the report (terminal text or Markdown), the tables in LaTeX and
/// one CSV each, `results.json`, and the SVG figures. Everything is rendered in memory; writing
/// is the caller's (all files at once, after every number is computed).
public struct ReplicationReport: Sendable {
    public let analysis: ReplicationAnalysis
    /// A sentence about the data shown under the title (the bundled data say they are synthetic).
    public let dataNote: String?
    public let tables: [Table]
    public let figures: [Figure]
    /// Figures that could not be drawn on these data, with the reason.
    public let figuresNotDrawn: [String]

    /// An SVG figure, the file it goes to, and its caption (also its SVG description).
    public struct Figure: Sendable {
        public let fileName: String
        public let svg: String
        public let caption: String
    }

    public init(analysis: ReplicationAnalysis, dataNote: String? = nil) {
        self.analysis = analysis
        self.dataNote = dataNote
        tables = ReplicationTables.all(analysis)
        (figures, figuresNotDrawn) = ReplicationFigures.all(analysis)
    }

    /// The steps of the analysis and the tables and figures (by name) each shows.
    static let steps: [(title: String, tables: [String], figures: [String])] = [
        ("1. Sample", ["sample"], []),
        ("2. Descriptives by rater", ["ratings", "icc", "alliance-correlation"], ["alliance-by-session.svg"]),
        ("3. Ruptures and repairs", ["ruptures", "rupture-agreement"], ["patient-series.svg"]),
        ("4. Alliance growth", ["growth"], []),
        ("5. Lagged models", ["lagged-estimators", "lagged", "lagged-dsem", "lagged-mlsem"], []),
        ("6. Sensitivity", ["sensitivity"], ["lagged-effects.svg"]),
        ("7. Published vs this dataset", ["published"], []),
    ]

    /// What the report says about where its models come from.
    static let reconstruction = "Models: alliance's reconstruction of the paper's analysis from its public clinical summary (the full text was not available); docs/METHODS.md, \"The replication\", says what is published and what is inferred."

    var heading: [String] {
        let a = analysis
        var lines = ["Replication of \(PublishedFindings.citation):",
                     "\"Rupture and repair in the working alliance among patients with substance use disorder\"",
                     "",
                     "Data: \(a.panel.source)"]
        if let dataNote { lines.append(dataNote) }
        lines += ["Criterion: \(a.criterion.name) (\(RuptureTables.describe(a.criterion)))",
                  "Therapists: \(a.therapists.reason)",
                  Self.reconstruction]
        return lines
    }

    /// The report for the terminal (`format` text) or for `report.md` (markdown); LaTeX and CSV
    /// give the tables alone. Markdown links the figures in `figuresIn` (a folder, "" for the
    /// report's own folder); without one it names them and says how to write them, so it never
    /// links a file that does not exist.
    public func rendered(as format: TableFormat, figuresIn folder: String? = nil) -> String {
        switch format {
        case .text:
            var out = heading.joined(separator: "\n") + "\n"
            for step in Self.steps {
                out += "\n" + step.title + "\n" + String(repeating: "=", count: step.title.count) + "\n\n"
                out += tables(step.tables).map { $0.rendered(as: .text) }.joined(separator: "\n")
            }
            return out
        case .markdown:
            var out = "# " + heading[0] + " " + heading[1] + "\n\n" + heading.dropFirst(3).map { $0 + "  " }.joined(separator: "\n") + "\n"
            for step in Self.steps {
                out += "\n## " + step.title + "\n\n"
                out += tables(step.tables).map { $0.rendered(as: .markdown) }.joined(separator: "\n")
            }
            if let folder {
                let prefix = folder.isEmpty || folder.hasSuffix("/") ? folder : folder + "/"
                out += "\n## Figures\n\n" + figures.map { "![\($0.fileName)](\(prefix)\($0.fileName))" }.joined(separator: "\n\n") + "\n"
            } else if !figures.isEmpty {
                out += "\n## Figures\n\nNot written: " + figures.map(\.fileName).joined(separator: ", ") + " (`--out DIR` writes them, with this report as DIR/report.md).\n"
            }
            if !figuresNotDrawn.isEmpty { out += "\n" + figuresNotDrawn.map { "Not drawn: \($0)." }.joined(separator: "\n") + "\n" }
            return out
        case .latex:
            return LaTeXDocument.render(tables, labelPrefix: "replicate",
                                        comment: "Tables of the replication of \(PublishedFindings.citation)\non \(analysis.panel.source).")
        case .csv:
            return tables.map { $0.rendered(as: .csv) }.joined(separator: "\n")
        }
    }

    private func tables(_ names: [String]) -> [Table] {
        names.compactMap { name in tables.first { $0.name == name } }
    }

    /// The report as one self-contained HTML file (`report.html`): the steps with their tables
    /// and figures (inline SVG), what was analysed and how, and the provenance in the footer.
    public func html(provenance: ReportProvenance) -> String {
        let a = analysis
        var facts: [(label: String, value: String)] = [("Data", a.panel.source)]
        facts += [("Criterion", "\(a.criterion.name) (\(RuptureTables.describe(a.criterion)))"),
                  ("Therapists", a.therapists.reason)]
        var notices = [String]()
        if let dataNote { notices.append(dataNote) }
        notices.append(Self.reconstruction)
        let sections = Self.steps.map { step -> HTMLReport.Section in
            var blocks = tables(step.tables).map { HTMLReport.Block.table($0) }
            for name in step.figures {
                if let figure = figures.first(where: { $0.fileName == name }) {
                    blocks.append(.figure(.init(svg: figure.svg, caption: figure.caption, fileName: figure.fileName)))
                } else if let reason = figuresNotDrawn.first(where: { $0.hasPrefix(name) }) {
                    blocks.append(.paragraph("Not drawn: \(reason)."))
                }
            }
            return HTMLReport.Section(step.title, blocks)
        }
        return HTMLReport(title: "Replication of Gidhagen, Holmqvist & Falkenström (2025)",
                          subtitle: "Rupture and repair in the working alliance among patients with substance use disorder. Psychotherapy Research, doi:10.1080/10503307.2025.2569043",
                          facts: facts, notices: notices, sections: sections, provenance: provenance).rendered()
    }

    public func json() throws -> String {
        try JSONOutput.string(ReplicationResults(analysis: analysis, dataNote: dataNote), omittingKeys: ReplicationResults.omittedKeys)
    }

    /// Every file of `--out DIR`, by name: `report.html`, `report.md`, `tables.tex`,
    /// `<table>.csv` for each table, `results.json`, and the figures.
    public func files(provenance: ReportProvenance) throws -> [(name: String, contents: String)] {
        var out: [(String, String)] = [("report.html", html(provenance: provenance)), ("report.md", rendered(as: .markdown, figuresIn: "")), ("tables.tex", rendered(as: .latex)),
                                       ("results.json", try json())]
        out += tables.map { ("\($0.name).csv", $0.rendered(as: .csv)) }
        out += figures.map { ($0.fileName, $0.svg) }
        return out
    }
}
