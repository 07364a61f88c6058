/// The same report as `report.md`, for readers who paste it into a manuscript or a repository:
/// the title, the facts and notices, each section with its paragraphs and Markdown tables
/// (`MarkdownTableRenderer`), figures as links to their SVG files next to the report (a figure
/// without a file is named as being in `report.html` only), and the provenance at the end.
extension HTMLReport {
    public func markdown() -> String {
        var out = "# \(title)\n\n"
        if let subtitle { out += "\(subtitle)\n\n" }
        if !facts.isEmpty { out += facts.map { "**\($0.label)**: \($0.value)  " }.joined(separator: "\n") + "\n\n" }
        for notice in notices { out += "> \(notice)\n\n" }
        var figureNumber = 0
        for section in sections {
            out += "## \(section.heading)\n\n"
            for block in section.blocks {
                switch block {
                case .paragraph(let text): out += text + "\n\n"
                case .table(let table): out += table.rendered(as: .markdown) + "\n"
                case .preformatted(let text): out += "```\n" + text + (text.hasSuffix("\n") ? "" : "\n") + "```\n\n"
                case .list(let items): out += items.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
                case .figure(let figure):
                    figureNumber += 1
                    if let file = figure.fileName {
                        out += "![Figure \(figureNumber). \(figure.caption)](\(file))\n\n"
                    } else {
                        out += "Figure \(figureNumber) (in report.html). \(figure.caption)\n\n"
                    }
                }
            }
        }
        out += "---\n\n"
        if let file = provenance.dataFile { out += "Data: `\(file)`, SHA-256 `\(provenance.dataSHA256 ?? "unknown")`  \n" }
        out += "Command: `\(provenance.commandLine)`  \nMade by: \(provenance.version)  \nDate: \(provenance.date)\n"
        if !provenance.sources.isEmpty {
            out += "\n### Sources of the methods\n\n" + provenance.sources.map { "- \($0)" }.joined(separator: "\n") + "\n"
        }
        return out
    }
}
