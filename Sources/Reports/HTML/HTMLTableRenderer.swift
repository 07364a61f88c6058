import Plot

/// A table in HTML as APA sets it: the caption above ("Table 3" in bold, the title in italics on
/// its own line), a rule above and below the header and at the bottom, sections as row groups
/// with an italic heading, numbers right-aligned with tabular figures and true minus signs,
/// statistical symbols in italics, and the notes below starting with an italic *Note.* The table
/// sits in a box that scrolls sideways on a screen too narrow for it, so the page itself never
/// does.
struct HTMLTableRenderer {
    let table: Table

    /// `Table 3. Ruptures` -> ("Table 3", "Ruptures"); a title without a number -> (nil, title).
    static func caption(_ title: String) -> (number: String?, title: String) {
        let text = LaTeXTableRenderer.captionText(title)
        guard text != title else { return (nil, title) }
        let number = title.dropLast(text.count).trimmingCharacters(in: .whitespaces).dropLast()
        return (String(number), text)
    }

    /// Text with APA's statistical symbols in `<i>` and minus signs in numbers; command-line
    /// options (`--scale`) in `<code class="option">`, kept as typed and never broken at their
    /// hyphens.
    static func inline(_ text: String) -> Node<HTML.BodyContext> {
        .group(optionRuns(text).map { run in run.isOption ? .code(.class("option"), .text(run.text)) : typeset(run.text) })
    }

    /// A command line as code, its options (`--out`) never broken at their hyphens (a path may
    /// still break anywhere, so that a long one fits a phone).
    static func commandLine(_ text: String) -> Node<HTML.BodyContext> {
        .code(.group(optionRuns(text).map { run in run.isOption ? .span(.class("option"), .text(run.text)) : .text(run.text) }))
    }

    /// `text` cut into runs of plain text and options: `--` and a lowercase word (with inner
    /// hyphens) that starts a word (not `a--b`, not a longer run of hyphens).
    static func optionRuns(_ text: String) -> [(text: String, isOption: Bool)] {
        var runs = [(text: String, isOption: Bool)]()
        var plain = text.startIndex
        for match in text.matches(of: /--[a-z][a-z0-9]*(-[a-z0-9]+)*/) {
            if match.range.lowerBound > text.startIndex {
                let before = text[text.index(before: match.range.lowerBound)]
                if before.isLetter || before.isNumber || before == "-" { continue }
            }
            if plain < match.range.lowerBound { runs.append((String(text[plain..<match.range.lowerBound]), false)) }
            runs.append((String(match.output.0), true))
            plain = match.range.upperBound
        }
        if plain < text.endIndex || runs.isEmpty { runs.append((String(text[plain...]), false)) }
        return runs
    }

    /// Text with APA's statistical symbols in `<i>` and minus signs in numbers.
    private static func typeset(_ text: String) -> Node<HTML.BodyContext> {
        .group(StatisticalSymbols.runs(Typography.minusSigns(Typography.mathSigns(text))).map { run -> Node<HTML.BodyContext> in
            switch run {
            case .plain(let p): return .text(p)
            case .symbol(let s): return .i(.text(s))
            }
        })
    }

    /// A header that may break after each underscore (`markers_confrontation`), so that a table of
    /// variable names still fits a narrow page.
    static func breakable(_ header: String) -> Node<HTML.BodyContext> {
        let parts = header.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return inline(header) }
        return .group(parts.enumerated().flatMap { (k, part) -> [Node<HTML.BodyContext>] in
            k + 1 < parts.count ? [.text(part + "_"), .selfClosedElement(named: "wbr", attributes: [])] : [inline(part)]
        })
    }

    func node() -> Node<HTML.BodyContext> {
        let (number, title) = Self.caption(table.title)
        let captionNodes: [Node<HTML.BodyContext>] = (number.map { [Node<HTML.BodyContext>.span(.class("number"), .text($0))] } ?? [])
            + [.span(.class("title"), Self.inline(title))]
        var bodies = [[Node<HTML.TableContext>]]()
        var current = [Node<HTML.TableContext>]()
        for row in table.rows {
            switch row {
            case .section(let heading):
                if !current.isEmpty { bodies.append(current) }
                current = [.tr(.class("section"), .th(.attribute(named: "colspan", value: String(table.columns.count)),
                                                       .attribute(named: "scope", value: "rowgroup"), .text(heading)))]
            case .cells(let cells):
                current.append(.tr(.group(cells.enumerated().map { (j, cell) in cellNode(cell, column: j) })))
            }
        }
        if !current.isEmpty { bodies.append(current) }
        let header: Node<HTML.TableContext> = .thead(.tr(.group(table.columns.map { column in
            .th(.attribute(named: "scope", value: "col"), .class(Self.alignment(column.alignment)), Self.breakable(column.header))
        })))
        var content: [Node<HTML.BodyContext>] = [
            .table(.id("table-\(table.name)"), .caption(.group(captionNodes)), header, .group(bodies.map { .tbody(.group($0)) })),
        ]
        if !table.notes.isEmpty {
            content.append(.p(.class("note"), .i(.text("Note.")), .text(" "), Self.inline(table.notes.joined(separator: " "))))
        }
        return .div(.class("table-wrap"), .group(content))
    }

    private func cellNode(_ cell: Cell, column j: Int) -> Node<HTML.TableRowContext> {
        var text = cell == .empty ? "" : CellFormatting.display(cell)
        var classes = [Self.alignment(table.columns[j].alignment)]
        if text.hasPrefix("  ") {
            text = String(text.drop { $0 == " " })
            classes.append("indent")
        }
        if case .text = cell {} else { classes.append("number") }
        return .td(.class(classes.joined(separator: " ")), Self.inline(text))
    }

    static func alignment(_ a: TableColumn.Alignment) -> String {
        switch a {
        case .left: return "left"
        case .right: return "right"
        case .center: return "center"
        }
    }
}

extension Table {
    /// The table as an HTML fragment (a `div` holding the table and its notes).
    public func html() -> String {
        HTMLTableRenderer(table: self).node().render()
    }
}
