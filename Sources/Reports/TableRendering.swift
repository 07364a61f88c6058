/// The formats a table prints in.
public enum TableFormat: String, CaseIterable, Sendable {
    /// Aligned plain text for the terminal, in the style of R's printed output.
    case text
    /// A GitHub-flavoured Markdown pipe table.
    case markdown
    /// A LaTeX table with booktabs rules, APA style (caption above, notes below); see
    /// `LaTeXTableRenderer` and, for a whole document, `LaTeXDocument`.
    case latex
    /// Comma-separated values with full-precision numbers, one header row.
    case csv
}

extension Table {
    /// The table in `format`.
    public func rendered(as format: TableFormat) -> String {
        switch format {
        case .text: return TextTableRenderer(table: self).render()
        case .markdown: return MarkdownTableRenderer(table: self).render()
        case .latex: return LaTeXTableRenderer(table: self).render()
        case .csv: return CSVTableRenderer(table: self).render()
        }
    }
}

/// Plain text: columns padded to their widest cell, a rule under the header.
struct TextTableRenderer {
    let table: Table

    func render() -> String {
        let body = table.rows.map { row -> [String]? in
            if case .cells(let cells) = row { return cells.map { text($0) } }
            return nil
        }
        var widths = table.columns.map { $0.header.count }
        for case let cells? in body { for (j, s) in cells.enumerated() { widths[j] = max(widths[j], s.count) } }
        func line(_ cells: [String]) -> String {
            var parts = [String]()
            for (j, s) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[j] - s.count)
                switch table.columns[j].alignment {
                case .left: parts.append(s + pad)
                case .right: parts.append(pad + s)
                case .center:
                    let left = pad.count / 2
                    parts.append(String(repeating: " ", count: left) + s + String(repeating: " ", count: pad.count - left))
                }
            }
            var out = parts.joined(separator: "  ")
            while out.hasSuffix(" ") { out.removeLast() }
            return out
        }
        var lines = [table.title]
        lines.append(line(table.columns.map(\.header)))
        lines.append(String(repeating: "-", count: widths.reduce(0, +) + 2 * max(0, widths.count - 1)))
        for (row, cells) in zip(table.rows, body) {
            if let cells { lines.append(line(cells)) } else if case .section(let heading) = row { lines.append(heading) }
        }
        for note in table.notes { lines.append(note) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func text(_ cell: Cell) -> String {
        cell == .empty ? "-" : CellFormatting.display(cell)
    }
}

/// Markdown: a bold title line, a pipe table with alignment markers, notes in italics.
struct MarkdownTableRenderer {
    let table: Table

    func render() -> String {
        func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var lines = ["**\(escape(table.title))**", ""]
        lines.append("| " + table.columns.map { escape($0.header) }.joined(separator: " | ") + " |")
        lines.append("|" + table.columns.map { column -> String in
            switch column.alignment {
            case .left: return ":---"
            case .right: return "---:"
            case .center: return ":---:"
            }
        }.joined(separator: "|") + "|")
        for row in table.rows {
            switch row {
            case .cells(let cells):
                lines.append("| " + cells.map { escape($0 == .empty ? "" : CellFormatting.display($0)) }.joined(separator: " | ") + " |")
            case .section(let heading):
                lines.append("| **" + escape(heading) + "** |" + String(repeating: " |", count: max(0, table.columns.count - 1)))
            }
        }
        if !table.notes.isEmpty {
            lines.append("")
            lines.append("*Note.* " + table.notes.map(escape).joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// CSV: one header row; numbers at full precision; an interval becomes two columns
/// (`<header> lower`, `<header> upper`); a section heading becomes a `section` column value.
struct CSVTableRenderer {
    let table: Table

    static func quote(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    func render() -> String {
        let hasSections = table.rows.contains { if case .section = $0 { return true } else { return false } }
        // Which columns hold intervals (in any row)?
        var isInterval = [Bool](repeating: false, count: table.columns.count)
        for case .cells(let cells) in table.rows {
            for (j, c) in cells.enumerated() { if case .interval = c { isInterval[j] = true } }
        }
        var header = hasSections ? ["section"] : []
        for (j, column) in table.columns.enumerated() {
            if isInterval[j] { header += [column.header + " lower", column.header + " upper"] } else { header.append(column.header) }
        }
        var lines = [header.map(Self.quote).joined(separator: ",")]
        var section = ""
        for row in table.rows {
            switch row {
            case .section(let heading): section = heading
            case .cells(let cells):
                var fields = hasSections ? [section] : []
                for (j, cell) in cells.enumerated() {
                    if isInterval[j] {
                        if case .interval(let lo, let hi, _) = cell {
                            fields += [CellFormatting.exact(lo), CellFormatting.exact(hi)]
                        } else {
                            fields += ["", ""]
                        }
                    } else {
                        fields.append(value(cell))
                    }
                }
                lines.append(fields.map(Self.quote).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func value(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return s
        case .number(let v, _), .bounded(let v, _), .pValue(let v): return CellFormatting.exact(v)
        case .percent(let v, _): return CellFormatting.exact(v)
        case .integer(let n): return String(n)
        case .interval(let lo, let hi, _): return "\(CellFormatting.exact(lo));\(CellFormatting.exact(hi))"
        case .empty: return ""
        }
    }
}
