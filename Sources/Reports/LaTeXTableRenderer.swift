/// A table in LaTeX as APA 7 sets it: booktabs rules, the caption above (the caption package
/// makes "Table N" bold and the title italic on its own line, as `LaTeXDocument` sets up), notes
/// below in small type starting with an italic *Note.*, statistical symbols in italics, true
/// minus signs and math signs for >= and <=.
///
/// No table is scaled: every table has the same type size. A table whose estimated width exceeds
/// the text width is set on a landscape page (pdflscape), and one too wide for that in footnote
/// size. Text is written for T1-encoded fonts (`\usepackage[T1]{fontenc}`), with escapes that
/// print the same in the default OT1 encoding for `|`, `<`, `>`, `~` and `--`.
struct LaTeXTableRenderer {
    let table: Table
    /// Prefixed to the table's name in `\label{tab:PREFIX-NAME}` so that tables of different
    /// commands can share a document.
    var labelPrefix: String = ""

    /// How a table fits the page: its orientation and type size, the width of columns that wrap
    /// (in em; nil for a column set on one line), and whether it runs over pages.
    struct Layout: Equatable {
        var landscape = false
        var footnoteSize = false
        var wrapped: [Double?]
        /// Headers set in a box of this width (em), broken at spaces and underscores.
        var headers: [Double?]
        var long = false
    }

    /// The text width in em of the type size tables use, portrait (16 cm with 2.5 cm margins on
    /// A4, `\small` = 10 pt in an 11 pt document), landscape (24.7 cm), landscape in
    /// `\footnotesize` (9 pt); and the lines of a table that fit the page. The estimates
    /// (`estimatedWidth`) are conservative, so that compiled tables never run into the margin (the
    /// pdflatex test checks it).
    static let portraitWidth = 44.0
    static let landscapeWidth = 68.0
    static let landscapeFootnoteWidth = 75.0
    static let portraitLines = 46
    static let landscapeLines = 28
    /// Space between two columns (2 \tabcolsep = 12 pt), in em.
    static let columnGap = 1.25
    /// The widest a wrapped text column is, and the narrowest (or its longest word), in em.
    static let wrapWidth = (widest: 16.0, narrowest: 8.0)

    /// The width of `text` in Latin Modern Roman, in em: capitals 0.75, lowercase letters and
    /// digits 0.5 (m and w 0.8), spaces 0.33, punctuation 0.3 (rounded up from the fonts' metrics).
    static func estimatedWidth(_ text: String) -> Double {
        text.reduce(0) { sum, c in
            if c == "m" || c == "w" || c == "M" || c == "W" { return sum + 0.85 }
            if c.isUppercase { return sum + 0.75 }
            if c.isLetter || c.isNumber { return sum + 0.5 }
            if c == " " { return sum + 0.33 }
            return sum + 0.3
        }
    }

    /// The layout that fits the table's widest line (cells at their display width plus the space
    /// between columns): portrait; else landscape; else landscape with the widest text columns
    /// wrapped; else that in footnote size. A table with more lines than the page holds runs over
    /// pages (longtable).
    var layout: Layout {
        let headerWidths = table.columns.map { Self.estimatedWidth($0.header) }
        var widths = headerWidths
        var cellWidths = table.columns.map { _ in 0.0 }
        // A wrapped column still holds its longest word; a wrapped header its longest part.
        let headerParts = table.columns.map { column in
            column.header.split(whereSeparator: { $0 == " " || $0 == "_" }).map { Self.estimatedWidth(String($0)) + 0.5 }.max() ?? 0
        }
        var narrowest = table.columns.map { column in
            column.header.split(separator: " ").map { Self.estimatedWidth(String($0)) + 0.5 }.max() ?? 0
        }
        var lines = 0
        for row in table.rows {
            lines += 1
            if case .cells(let cells) = row {
                for (j, cell) in cells.enumerated() {
                    let text = CellFormatting.display(cell)
                    widths[j] = max(widths[j], Self.estimatedWidth(text))
                    cellWidths[j] = max(cellWidths[j], Self.estimatedWidth(text))
                    narrowest[j] = max(narrowest[j], text.split(separator: " ").map { Self.estimatedWidth(String($0)) + 0.5 }.max() ?? 0)
                }
            }
        }
        narrowest = narrowest.map { max($0, Self.wrapWidth.narrowest) }
        func total(_ w: [Double]) -> Double { w.reduce(0, +) + Self.columnGap * Double(w.count - 1) }
        var layout = Layout(wrapped: Array(repeating: nil, count: widths.count), headers: Array(repeating: nil, count: widths.count))
        if total(widths) > Self.portraitWidth {
            layout.landscape = true
            // Headers wider than their column break first.
            if total(widths) > Self.landscapeWidth {
                for j in widths.indices where headerWidths[j] > cellWidths[j] + 0.5 {
                    let width = max(cellWidths[j], headerParts[j], 2)
                    if width < headerWidths[j] {
                        layout.headers[j] = width
                        widths[j] = width
                        narrowest[j] = max(narrowest[j], width)
                    }
                }
            }
            // Wrap the widest text columns (to no less than their longest word) until the
            // table fits the landscape width; if it cannot, the same in footnote size, where
            // every em is 10% narrower.
            for (limit, footnote) in [(Self.landscapeWidth, false), (Self.landscapeFootnoteWidth, true)] {
                var w = widths, wrapped = layout.wrapped
                while total(w) > limit {
                    let candidates = table.columns.indices.filter {
                        table.columns[$0].alignment == .left && w[$0] > narrowest[$0]
                    }
                    guard let j = candidates.max(by: { w[$0] < w[$1] }) else { break }
                    w[j] = max(narrowest[j], min(Self.wrapWidth.widest, w[j] - (total(w) - limit)))
                    wrapped[j] = w[j]
                }
                layout.wrapped = wrapped
                layout.footnoteSize = footnote
                if total(w) <= limit { break }
            }
        }
        let noteLines = table.notes.reduce(0) { $0 + $1.count } / (layout.landscape ? 170 : 110) + 1
        lines += 4 + noteLines
        layout.long = lines > (layout.landscape ? Self.landscapeLines : Self.portraitLines)
        return layout
    }

    /// `s` for LaTeX text mode: special characters escaped, Greek letters and math signs in math
    /// mode, hyphens before numbers as minus signs, `--` kept as two hyphens, APA's statistical
    /// symbols in italics.
    static func escape(_ s: String, italicSymbols: Bool = true) -> String {
        let text = s.replacingOccurrences(of: ">=", with: "≥").replacingOccurrences(of: "<=", with: "≤")
        guard italicSymbols else { return escapeCharacters(text) }
        return StatisticalSymbols.runs(text).map { run in
            switch run {
            case .plain(let p): return escapeCharacters(p)
            case .symbol(let symbol): return "\\textit{\(symbol)}"
            }
        }.joined()
    }

    private static let mathSymbols: [Character: String] = [
        "κ": "\\kappa", "χ": "\\chi", "ρ": "\\rho", "β": "\\beta", "γ": "\\gamma", "θ": "\\theta", "τ": "\\tau",
        "σ": "\\sigma", "φ": "\\phi", "η": "\\eta", "ε": "\\varepsilon", "α": "\\alpha", "μ": "\\mu", "Δ": "\\Delta",
        "π": "\\pi", "≥": "\\geq", "≤": "\\leq", "→": "\\rightarrow", "×": "\\times", "±": "\\pm", "−": "-",
        "≈": "\\approx", "√": "\\surd", "²": "^{2}", "∞": "\\infty",
        "₀": "_{0}", "₁": "_{1}", "₂": "_{2}", "₃": "_{3}", "₄": "_{4}", "₅": "_{5}", "₆": "_{6}", "₇": "_{7}", "₈": "_{8}", "₉": "_{9}",
    ]

    private static func escapeCharacters(_ s: String) -> String {
        var out = ""
        let characters = Array(s)
        for (k, ch) in characters.enumerated() {
            let previous = k > 0 ? characters[k - 1] : nil
            let next = k + 1 < characters.count ? characters[k + 1] : nil
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(ch)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            case "-":
                // A hyphen before a number is a minus sign; "--" stays two hyphens (not an en dash).
                let startsNumber = (next.map { $0.isNumber || $0 == "." } ?? false)
                    && (previous.map { $0 == " " || $0 == "(" || $0 == "[" || $0 == "," || $0 == "=" } ?? true)
                if startsNumber { out += "$-$" } else { out += next == "-" ? "-{}" : "-" }
            default:
                if let math = mathSymbols[ch] { out += "$\(math)$" } else { out.append(ch) }
            }
        }
        return out
    }

    /// A cell: display text with minus signs; leading spaces of a row label become an indent.
    private func cellText(_ cell: Cell) -> String {
        var text = CellFormatting.display(cell)
        var indent = ""
        while text.hasPrefix("  ") { text.removeFirst(2); indent += "\\quad " }
        return indent + Self.escape(text)
    }

    /// The title without a leading "Table 3." or "Table 3:" (LaTeX adds its own number).
    static func captionText(_ title: String) -> String {
        guard title.hasPrefix("Table ") else { return title }
        let rest = title.dropFirst(6)
        let digits = rest.prefix { $0.isNumber }
        guard !digits.isEmpty, let mark = rest.dropFirst(digits.count).first, mark == "." || mark == ":" else { return title }
        return String(rest.dropFirst(digits.count + 1).drop { $0 == " " })
    }

    func render() -> String {
        let layout = self.layout
        let spec = table.columns.enumerated().map { (j, column) -> String in
            if let width = layout.wrapped[j] { return ">{\\raggedright\\arraybackslash}p{\(CellFormatting.fixed(width, decimals: 1))em}" }
            switch column.alignment {
            case .left: return "l"
            case .right: return "r"
            case .center: return "c"
            }
        }.joined()
        let label = labelPrefix.isEmpty ? table.name : "\(labelPrefix)-\(table.name)"
        let caption = "\\caption{\(Self.escape(Self.captionText(table.title)))}\\label{tab:\(label)}"
        let header = table.columns.enumerated().map { (j, column) -> String in
            guard let width = layout.headers[j] else { return Self.escape(column.header) }
            let text = Self.escape(column.header).replacingOccurrences(of: "\\_", with: "\\_\\allowbreak{}")
            let flush = column.alignment == .left ? "\\raggedright" : column.alignment == .right ? "\\raggedleft" : "\\centering"
            return "\\parbox[b]{\(CellFormatting.fixed(width, decimals: 1))em}{\(flush) \(text)}"
        }.joined(separator: " & ") + " \\\\"
        let size = layout.footnoteSize ? "\\footnotesize" : "\\small"
        var lines = [String]()
        if layout.landscape { lines.append("\\begin{landscape}") }
        if layout.long {
            lines += ["\\begingroup" + size, "\\begin{longtable}{@{}\(spec)@{}}", caption + " \\\\",
                      "\\toprule", header, "\\midrule", "\\endfirsthead",
                      "\\multicolumn{\(table.columns.count)}{@{}l}{\\textit{(continued)}} \\\\",
                      "\\toprule", header, "\\midrule", "\\endhead", "\\bottomrule", "\\endlastfoot"]
        } else {
            lines += ["\\begin{table}[htbp]", "\\centering", size, caption,
                      "\\begin{tabular}{@{}\(spec)@{}}", "\\toprule", header, "\\midrule"]
        }
        var first = true
        for row in table.rows {
            switch row {
            case .cells(let cells):
                lines.append(cells.map(cellText).joined(separator: " & ") + " \\\\")
            case .section(let heading):
                if !first { lines.append("\\addlinespace") }
                lines.append("\\multicolumn{\(table.columns.count)}{@{}l}{\\textit{\(Self.escape(heading, italicSymbols: false))}} \\\\")
            }
            first = false
        }
        let note = table.notes.isEmpty ? nil
            : "\\noindent\\parbox{\\linewidth}{\\raggedright\\footnotesize\\textit{Note.} " + table.notes.map { Self.escape($0) }.joined(separator: " ") + "}"
        if layout.long {
            lines.append("\\end{longtable}")
            if let note { lines += ["\\nopagebreak", note, ""] }
            lines.append("\\endgroup")
        } else {
            lines += ["\\bottomrule", "\\end{tabular}"]
            if let note { lines += ["", "\\smallskip", note] }
            lines.append("\\end{table}")
        }
        if layout.landscape { lines.append("\\end{landscape}") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Tables as one LaTeX document that compiles on its own with pdflatex (Debian's
/// texlive-latex-recommended and lmodern): `pdflatex tables.tex` shows them as a journal would
/// print them. To use a table in a manuscript, copy its `table` environment; the preamble lists
/// the packages it needs.
public enum LaTeXDocument {
    /// The preamble every table needs: T1 fonts (Latin Modern), booktabs, array (wrapped
    /// columns), longtable (tables longer than a page), pdflscape (wide tables), and APA captions.
    public static let preamble = """
        \\documentclass[11pt]{article}
        \\usepackage[T1]{fontenc}
        \\usepackage[utf8]{inputenc}
        \\usepackage{lmodern}
        \\usepackage{textcomp}
        \\usepackage[a4paper,margin=2.5cm]{geometry}
        \\usepackage{array}
        \\usepackage{booktabs}
        \\usepackage{longtable}
        \\usepackage{pdflscape}
        \\usepackage{caption}
        \\captionsetup[table]{labelfont=bf,textfont=it,labelsep=newline,justification=raggedright,singlelinecheck=false}
        """

    /// `tables` in one document; `labelPrefix` (the command: `replicate`, `fit`) keeps the
    /// labels of different commands apart; `comment` goes into the first lines.
    public static func render(_ tables: [Table], labelPrefix: String, comment: String) -> String {
        var out = comment.split(separator: "\n", omittingEmptySubsequences: false).map { "% " + $0 }.joined(separator: "\n") + "\n"
        out += "% Compiles on its own (pdflatex); to use a table in a manuscript, copy its table environment\n"
        out += "% and add the \\usepackage lines below to the manuscript's preamble.\n"
        out += preamble + "\n\\begin{document}\n\n"
        out += tables.map { LaTeXTableRenderer(table: $0, labelPrefix: labelPrefix).render() }.joined(separator: "\n")
        out += "\n\\end{document}\n"
        return out
    }
}

extension Array where Element == Table {
    /// The tables in `format`: one LaTeX document (`LaTeXDocument`), or the tables one after the
    /// other in the other formats.
    public func rendered(as format: TableFormat, labelPrefix: String, comment: String) -> String {
        if format == .latex { return LaTeXDocument.render(self, labelPrefix: labelPrefix, comment: comment) }
        return map { $0.rendered(as: format) }.joined(separator: "\n")
    }
}
