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

/// CSV as R's `read.csv` and every other program want it (tidy data, Wickham 2014): one table,
/// one header row of snake_case names, one observation per row, numbers at full precision and
/// never a formatted string, missing values empty.
///
/// - A cell of two numbers becomes two columns: an interval `<name>_lower`, `<name>_upper`; a
///   count with its percentage `<name>_n`, `<name>_percent`; a range `<name>_min`, `<name>_max`.
///   A percentage is the number (52.1 in a `..._percent` column), a p-value and a bounded
///   quantity their full value.
/// - Section headings become a column (`Table.csvSectionKey`, `section` unless named).
/// - A table whose rows are statistics (`CSVLayout.statisticsInRows`) is turned: one row per
///   observation (rater), one column per statistic.
/// - Column names are the columns' keys, or snake_case forms of their headers (`With rupture, %`
///   becomes `with_rupture_percent`, `M` `mean`, `κ` `kappa`).
struct CSVTableRenderer {
    let table: Table

    static func quote(_ s: String) -> String {
        // Scalars, not characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        if s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    /// A header as a snake_case name: words in lower case joined by `_`, statistical symbols
    /// spelt out. A header that already is a name (`std.error`, `p_value`) stays as it is.
    static func key(forHeader header: String) -> String {
        if !header.isEmpty, header.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" || $0 == "." }) {
            return header
        }
        let symbols: [String: String] = ["%": " percent ", "κ": " kappa ", "χ²": " chisq ", "χ": " chi ", "≥": " ge ", "≤": " le ",
                                         "Δ": " delta ", "β": " beta ", "τ": " tau ", "σ": " sigma ", "ρ": " rho ", "²": "2"]
        // "95% CI" is the interval itself: `ci` (with `_lower` and `_upper`).
        var text = header.replacingOccurrences(of: #"\d+(\.\d+)?% CI"#, with: "CI", options: .regularExpression)
        for (symbol, word) in symbols { text = text.replacingOccurrences(of: symbol, with: word) }
        let words = text.split { !($0.isLetter || $0.isNumber) }.map { String($0).lowercased() }
        let renamed = words.map { word -> String in
            switch word {
            case "m": return "mean"
            case "mdn": return "median"
            default: return word
            }
        }
        let name = renamed.joined(separator: "_")
        guard let first = name.first else { return "label" }
        return first.isNumber ? "x" + name : name
    }

    /// The columns one cell kind takes: the suffixes of its two-number forms, or one column.
    static func parts(_ cell: Cell) -> [String]? {
        switch cell {
        case .interval: return ["lower", "upper"]
        case .countAndPercent: return ["n", "percent"]
        case .range: return ["min", "max"]
        default: return nil
        }
    }

    /// The values of `cell` for `parts` columns (one value when nil).
    static func values(_ cell: Cell, parts: [String]?) -> [String] {
        if let parts {
            switch cell {
            case .interval(let lo, let hi, _), .range(let lo, let hi, _): return [CellFormatting.exact(lo), CellFormatting.exact(hi)]
            case .countAndPercent(let n, let percent, _): return [String(n), CellFormatting.exact(percent)]
            case .empty: return parts.map { _ in "" }
            default: return [value(cell)] + parts.dropFirst().map { _ in "" }
            }
        }
        return [value(cell)]
    }

    static func value(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return s
        case .number(let v, _), .bounded(let v, _), .pValue(let v), .percent(let v, _): return v.isFinite ? CellFormatting.exact(v) : ""
        case .integer(let n): return String(n)
        case .interval(let lo, let hi, _), .range(let lo, let hi, _): return "\(CellFormatting.exact(lo));\(CellFormatting.exact(hi))"
        case .countAndPercent(let n, _, _): return String(n)
        case .empty: return ""
        }
    }

    /// Expands names by the parts of their cells: `ci` with intervals becomes `ci_lower`, `ci_upper`.
    static func expanded(_ name: String, _ parts: [String]?) -> [String] {
        parts.map { $0.map { name + "_" + $0 } } ?? [name]
    }

    func render() -> String {
        switch table.csvLayout {
        case .rows: return renderRows()
        case .statisticsInRows(let observation, let keys): return renderTurned(observation: observation, keys: keys)
        }
    }

    private var cellRows: [[Cell]] {
        table.rows.compactMap { if case .cells(let cells) = $0 { return cells } else { return nil } }
    }

    private func renderRows() -> String {
        let hasSections = table.rows.contains { if case .section = $0 { return true } else { return false } }
        // A column whose cells (any row) are two-number cells takes two columns.
        var parts = [[String]?](repeating: nil, count: table.columns.count)
        for cells in cellRows {
            for (j, c) in cells.enumerated() where parts[j] == nil { parts[j] = Self.parts(c) }
        }
        var header = hasSections ? [table.csvSectionKey] : []
        for (j, column) in table.columns.enumerated() {
            header += Self.expanded(column.key ?? Self.key(forHeader: column.header), parts[j])
        }
        var lines = [header.map(Self.quote).joined(separator: ",")]
        var section = ""
        for row in table.rows {
            switch row {
            case .section(let heading): section = heading
            case .cells(let cells):
                var fields = hasSections ? [section] : []
                for (j, cell) in cells.enumerated() { fields += Self.values(cell, parts: parts[j]) }
                lines.append(fields.map(Self.quote).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func renderTurned(observation: String?, keys: [String]) -> String {
        let rows = cellRows
        precondition(keys.count == rows.count, "table \(table.name): \(keys.count) CSV keys for \(rows.count) rows")
        let observations = Array(table.columns.indices.dropFirst())
        let parts = rows.map { cells in observations.lazy.compactMap { Self.parts(cells[$0]) }.first }
        var header = observation.map { [$0] } ?? []
        for (k, key) in keys.enumerated() { header += Self.expanded(key, parts[k]) }
        var lines = [header.map(Self.quote).joined(separator: ",")]
        for j in observations {
            var fields = observation.map { _ in [table.columns[j].key ?? Self.key(forHeader: table.columns[j].header)] } ?? []
            for (k, cells) in rows.enumerated() { fields += Self.values(cells[j], parts: parts[k]) }
            lines.append(fields.map(Self.quote).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
