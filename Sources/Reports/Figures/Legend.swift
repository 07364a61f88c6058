/// A legend laid out inside a figure: an optional title ("Estimator:") followed by its entries
/// left to right, wrapped onto new rows at the width it is given, so that it never runs past
/// the figure's edge or over anything else: the figure reserves the height `height(width:)`
/// says it needs.
public struct Legend: Sendable {
    /// What an entry shows: a line (color, dash pattern), a marker, or both.
    public struct Entry: Sendable {
        public var name: String
        public var color: String
        /// An SVG dash pattern ("6 4"); nil for a solid line.
        public var dash: String?
        /// A marker drawn instead of (or over) the line.
        public var marker: SmallMultiplesChart.Shape?
        /// Whether to draw the line sample.
        public var line: Bool

        public init(name: String, color: String, dash: String? = nil, marker: SmallMultiplesChart.Shape? = nil, line: Bool = true) {
            self.name = name
            self.color = color
            self.dash = dash
            self.marker = marker
            self.line = line
        }
    }

    public var title: String?
    public var entries: [Entry]
    public var fontSize: Double = 11

    public init(title: String? = nil, entries: [Entry], fontSize: Double = 11) {
        self.title = title
        self.entries = entries
        self.fontSize = fontSize
    }

    static let sampleWidth = 26.0
    static let gap = 16.0
    var rowHeight: Double { fontSize + 8 }

    /// Where each piece goes: the title, then the entries, (x, row) each, within `width`.
    func places(width: Double) -> (title: Double?, entries: [(x: Double, row: Int)]) {
        var x = 0.0, row = 0
        var titleX: Double? = nil
        if let title {
            titleX = 0
            x = TextMetrics.width(title, size: fontSize, bold: true) + 8
        }
        var out = [(x: Double, row: Int)]()
        for entry in entries {
            let w = Self.sampleWidth + 6 + TextMetrics.width(entry.name, size: fontSize)
            if x > 0 && x + w > width {
                x = titleX == nil ? 0 : 12
                row += 1
            }
            out.append((x, row))
            x += w + Self.gap
        }
        return (titleX, out)
    }

    /// The height the legend needs within `width`.
    public func height(width: Double) -> Double {
        guard !entries.isEmpty else { return 0 }
        return Double((places(width: width).entries.last?.row ?? 0) + 1) * rowHeight
    }

    /// Draws the legend with its first row's top at `origin`, within `width`.
    public func draw(into svg: inout SVGDocument, at origin: (Double, Double), width: Double) {
        guard !entries.isEmpty else { return }
        let (titleX, places) = places(width: width)
        let baseline = { (row: Int) in origin.1 + Double(row) * self.rowHeight + self.fontSize }
        if let title, let titleX {
            svg.text(title, at: (origin.0 + titleX, baseline(0)), size: fontSize, bold: true)
        }
        for (entry, place) in zip(entries, places) {
            let x = origin.0 + place.x, y = baseline(place.row) - fontSize * 0.35
            if entry.line {
                svg.line(from: (x, y), to: (x + Self.sampleWidth, y), stroke: .init(entry.color, width: 2.5, dash: entry.dash))
            }
            if let marker = entry.marker {
                SmallMultiplesChart.mark(marker, at: (x + Self.sampleWidth / 2, y), color: entry.color, size: 4, into: &svg)
            }
            svg.text(entry.name, at: (x + Self.sampleWidth + 6, baseline(place.row)), size: fontSize)
        }
    }
}
