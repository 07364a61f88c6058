/// Line charts side by side in a grid under one title, each with its own axes: one panel per
/// rater when their scales differ, one per rater and term in a power curve. Legends shared by
/// every panel are drawn once, under the grid, wrapped to its width; a panel keeps its own
/// legend only if it has one (`LineChart.legends`).
public struct ChartGrid: Sendable {
    public var title: String
    /// A line in smaller type under the title (what the figure shows, the data's origin).
    public var subtitle: String?
    public var panels: [LineChart]
    public var columns: Int
    public var legends: [Legend]

    public init(title: String, subtitle: String? = nil, panels: [LineChart], columns: Int = 2, legends: [Legend] = []) {
        self.title = title
        self.subtitle = subtitle
        self.panels = panels
        self.columns = max(1, min(columns, panels.count))
        self.legends = legends
    }

    var width: Double { (panels.map(\.width).max() ?? 640) * Double(columns) }

    var heading: Double { subtitle == nil ? 36 : 56 }

    /// The height of each row of panels.
    var rowHeights: [Double] {
        stride(from: 0, to: panels.count, by: columns).map { start in
            panels[start ..< min(start + columns, panels.count)].map(\.height).max() ?? 0
        }
    }

    public func svg(description: String? = nil) -> SVGDocument {
        let width = self.width
        let legendHeight = legends.reduce(0) { $0 + $1.height(width: width - 32) + 6 }
        let rows = rowHeights
        let height = heading + rows.reduce(0, +) + legendHeight + 12
        var svg = SVGDocument(width: width, height: height, title: title, description: description)
        svg.text(title, at: (width / 2, 24), size: 16, anchor: .middle, bold: true)
        if let subtitle {
            for line in TextMetrics.lines(subtitle, width: width - 32, size: 12).prefix(1) {
                svg.text(line, at: (width / 2, 44), size: 12, anchor: .middle, color: Palette.muted)
            }
        }
        let panelWidth = panels.map(\.width).max() ?? 640
        var y = heading
        for (r, rowHeight) in rows.enumerated() {
            for c in 0..<columns {
                let k = r * columns + c
                guard k < panels.count else { break }
                svg.group(offsetX: panelWidth * Double(c), offsetY: y) { panels[k].draw(into: &$0) }
            }
            y += rowHeight
        }
        y += 4
        for legend in legends where !legend.entries.isEmpty {
            legend.draw(into: &svg, at: (16, y), width: width - 32)
            y += legend.height(width: width - 32) + 6
        }
        return svg
    }
}
