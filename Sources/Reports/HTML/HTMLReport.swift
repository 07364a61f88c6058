import Plot

/// A report as one self-contained HTML file: everything a reader needs is inside it (the tables,
/// the SVG figures inline, the styles), nothing is loaded from elsewhere and nothing runs
/// (no scripts), so it opens offline, on a phone, and prints on A4 (print styles).
///
/// The page: a title, the lines that say what was analysed and how, notices (synthetic data,
/// reconstructed models), the sections with their paragraphs, tables (APA: `HTMLTableRenderer`)
/// and numbered figures, and a footer with the provenance (`ReportProvenance`: data file and its
/// SHA-256, command line, alliance's version and commit, date, the methods' sources).
/// Built with Plot, which escapes every text it is given; only the SVG figures, which alliance
/// draws itself (`SVGDocument` escapes their text), are inserted as markup.
public struct HTMLReport: Sendable {
    public var title: String
    /// A second line under the title (a paper's title, a formula).
    public var subtitle: String?
    /// Short lines under the title: `("Data", "sessions.csv")`, `("Criterion", "drop (...)")`.
    public var facts: [(label: String, value: String)]
    /// Highlighted statements a reader must not miss (synthetic data, reconstructed models).
    public var notices: [String]
    public var sections: [Section]
    public var provenance: ReportProvenance

    public struct Section: Sendable {
        public var heading: String
        public var blocks: [Block]

        public init(_ heading: String, _ blocks: [Block]) {
            self.heading = heading
            self.blocks = blocks
        }
    }

    public enum Block: Sendable {
        case paragraph(String)
        case table(Table)
        case figure(Figure)
        /// Monospaced text as a program prints it (an lmerTest-style summary).
        case preformatted(String)
        case list([String])
    }

    /// An SVG figure (the text of an `.svg` file) and its caption; figures are numbered in order.
    public struct Figure: Sendable {
        public var svg: String
        public var caption: String
        /// The file it is also written to, if any (named in the caption).
        public var fileName: String?

        public init(svg: String, caption: String, fileName: String? = nil) {
            self.svg = svg
            self.caption = caption
            self.fileName = fileName
        }
    }

    public init(title: String, subtitle: String? = nil, facts: [(label: String, value: String)] = [], notices: [String] = [],
                sections: [Section], provenance: ReportProvenance) {
        self.title = title
        self.subtitle = subtitle
        self.facts = facts
        self.notices = notices
        self.sections = sections
        self.provenance = provenance
    }

    /// The HTML file.
    public func rendered() -> String {
        var figureNumber = 0
        var sectionNodes = [Node<HTML.BodyContext>]()
        for (s, section) in sections.enumerated() {
            var blocks: [Node<HTML.BodyContext>] = [.h2(.text(section.heading))]
            for block in section.blocks {
                switch block {
                case .paragraph(let text): blocks.append(.p(HTMLTableRenderer.inline(text)))
                case .table(let table): blocks.append(HTMLTableRenderer(table: table).node())
                case .preformatted(let text): blocks.append(.pre(.code(.text(text))))
                case .list(let items): blocks.append(.ul(.group(items.map { .li(HTMLTableRenderer.inline($0)) })))
                case .figure(let figure):
                    figureNumber += 1
                    blocks.append(Self.figureNode(figure, number: figureNumber, id: "figure-\(s + 1)-\(figureNumber)"))
                }
            }
            sectionNodes.append(.section(.group(blocks)))
        }
        let header: Node<HTML.BodyContext> = .header(
            .h1(.text(title)),
            .unwrap(subtitle) { .p(.class("subtitle"), .text($0)) },
            .if(!facts.isEmpty, .element(named: "dl", nodes: facts.flatMap { fact -> [Node<HTML.BodyContext>] in
                [.element(named: "dt", nodes: [.text(fact.label)]), .element(named: "dd", nodes: [HTMLTableRenderer.inline(fact.value)])]
            } + [.class("facts")])),
            .group(notices.map { .p(.class("notice"), .text($0)) })
        )
        let html = HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .meta(.name("generator"), .content(provenance.version)),
                .title(title),
                .style(ReportStyle.css)
            ),
            .body(
                .element(named: "main", nodes: [header, .group(sectionNodes)]),
                footer()
            )
        )
        return html.render() + "\n"
    }

    static func figureNode(_ figure: Figure, number: Int, id: String) -> Node<HTML.BodyContext> {
        let caption: [Node<HTML.BodyContext>] = [
            .span(.class("number"), .text("Figure \(number)")),
            .span(.class("title"), HTMLTableRenderer.inline(figure.caption)),
        ] + (figure.fileName.map { [.span(.class("file"), .text("File: "), .code(.text($0)))] } ?? [])
        return .element(named: "figure", nodes: [
            .id(id),
            .element(named: "figcaption", nodes: caption),
            .div(.class("svg"), .raw(inlineSVG(figure.svg, idPrefix: id))),
        ])
    }

    /// An SVG file's markup for inclusion in HTML: without the XML declaration, its ids (and the
    /// references to them) prefixed so that several figures can share a page.
    static func inlineSVG(_ svg: String, idPrefix: String) -> String {
        var text = svg
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") { text = String(text[end.upperBound...]) }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "id=\"", with: "id=\"\(idPrefix)-")
            .replacingOccurrences(of: "url(#", with: "url(#\(idPrefix)-")
    }

    func footer() -> Node<HTML.BodyContext> {
        var facts: [(String, Node<HTML.BodyContext>)] = []
        if let file = provenance.dataFile {
            facts.append(("Data", .group(.code(.text(file)), .text(", SHA-256 "), .code(.class("hash"), .text(provenance.dataSHA256 ?? "unknown")))))
        }
        facts.append(("Command", HTMLTableRenderer.commandLine(provenance.commandLine)))
        facts.append(("Made by", .text(provenance.version)))
        facts.append(("Date", .text(provenance.date)))
        return .footer(
            .element(named: "dl", nodes: [.class("facts")] + facts.flatMap { fact -> [Node<HTML.BodyContext>] in
                [.element(named: "dt", nodes: [.text(fact.0)]), .element(named: "dd", nodes: [fact.1])]
            }),
            .if(!provenance.sources.isEmpty, .group(
                .h2(.text("Sources of the methods")),
                .ul(.class("sources"), .group(provenance.sources.map { .li(.text($0)) }))
            ))
        )
    }
}
