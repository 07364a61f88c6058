/// Many small line plots on common axes, in a grid (Tufte's small multiples): one patient's
/// alliance series per panel, with markers at events (ruptures, repairs). Panels share the x and
/// y scales so that series can be compared at a glance; axis labels are drawn on the outer
/// panels only.
public struct SmallMultiplesChart: Sendable {
    /// A marker shape.
    public enum Shape: Sendable { case circle, triangleDown, triangleUp }

    /// A point to mark in a panel (an event), with its shape and color.
    public struct Marker: Sendable {
        public var x: Double
        public var y: Double
        public var shape: Shape
        public var color: String

        public init(x: Double, y: Double, shape: Shape, color: String) {
            self.x = x
            self.y = y
            self.shape = shape
            self.color = color
        }
    }

    /// One line in a panel; a NaN y breaks the line (a missed session is not bridged).
    public struct Line: Sendable {
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed: Bool

        public init(points: [(x: Double, y: Double)], color: String, dashed: Bool = false) {
            self.points = points
            self.color = color
            self.dashed = dashed
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var lines: [Line]
        public var markers: [Marker]

        public init(title: String, lines: [Line], markers: [Marker] = []) {
            self.title = title
            self.lines = lines
            self.markers = markers
        }
    }

    /// A legend entry: a line (with `shape` nil) or a marker.
    public struct Key: Sendable {
        public var name: String
        public var color: String
        public var shape: Shape?
        public var dashed: Bool

        public init(name: String, color: String, shape: Shape? = nil, dashed: Bool = false) {
            self.name = name
            self.color = color
            self.shape = shape
            self.dashed = dashed
        }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var panels: [Panel]
    public var keys: [Key]
    /// Common y range (e.g. the scale's range); nil fits the data.
    public var yDomain: (Double, Double)?
    /// The best rating of the scale, if known: a dashed line marks it in every panel and ratings
    /// at it get a ring, so ratings at the ceiling are seen, not hidden by the frame.
    public var ceiling: Double?
    /// y values with tick labels (nil: the ends and middle of `yDomain`, or pretty ticks of the data).
    public var yTicks: [Double]?
    public var columns: Int = 10
    public var panelWidth: Double = 124
    public var panelHeight: Double = 84
    /// Text size of panel titles and tick labels (10 px: the smallest a journal prints legibly at
    /// the figure's natural width).
    public var fontSize: Double = 10

    public init(title: String, xTitle: String, yTitle: String, panels: [Panel], keys: [Key], yDomain: (Double, Double)? = nil) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.panels = panels
        self.keys = keys
        self.yDomain = yDomain
    }

    static let (left, gapX, gapY) = (62.0, 10.0, 26.0)

    var width: Double { Self.left + Double(max(1, min(columns, panels.count))) * (panelWidth + Self.gapX) + 16 }

    var legend: Legend {
        var entries = keys.map { key in
            Legend.Entry(name: key.name, color: key.color, dash: key.shape == nil && key.dashed ? "3 2" : nil,
                         marker: key.shape, line: key.shape == nil)
        }
        if let ceiling {
            entries.append(.init(name: "Scale maximum (\(CellFormatting.exact(ceiling))); ringed: ratings at it", color: Palette.muted, dash: "2 2"))
        }
        return Legend(entries: entries)
    }

    public func svg(description: String? = nil) -> SVGDocument {
        let columns = max(1, min(self.columns, panels.count))
        let rows = (panels.count + columns - 1) / columns
        let width = self.width
        let titleLines = TextMetrics.lines(title, width: width - 24, size: 15, bold: true)
        let legendTop = 16.0 + 20 * Double(titleLines.count)
        let legendHeight = legend.height(width: width - Self.left - 16)
        let top = legendTop + legendHeight + 12 + fontSize + 4
        let height = top + Double(rows) * (panelHeight + Self.gapY) + 40
        var svg = SVGDocument(width: width, height: height, title: title, description: description)
        for (k, line) in titleLines.enumerated() {
            svg.text(line, at: (width / 2, 22 + 20 * Double(k)), size: 15, anchor: .middle, bold: true)
        }
        legend.draw(into: &svg, at: (Self.left, legendTop), width: width - Self.left - 16)

        let xs = panels.flatMap { $0.lines.flatMap { $0.points.map(\.x) } }.filter(\.isFinite)
        let ys = panels.flatMap { $0.lines.flatMap { $0.points.map(\.y) } }.filter(\.isFinite)
        let xDomain = (xs.min() ?? 0, xs.max() ?? 1)
        let yRange = yDomain ?? (ys.min() ?? 0, ys.max() ?? 1)
        // Room above the best and below the worst rating, so ratings at the scale's ends are
        // drawn inside the frame.
        let pad = 0.07 * max(yRange.1 - yRange.0, 1e-9)
        let ticks = yTicks ?? (yDomain != nil ? [yRange.0, (yRange.0 + yRange.1) / 2, yRange.1]
                                                : LinearScale(domain: yRange, range: (0, 1)).ticks(count: 3))
        for (k, panel) in panels.enumerated() {
            let row = k / columns, column = k % columns
            let frame = PlotFrame(left: Self.left + Double(column) * (panelWidth + Self.gapX), top: top + Double(row) * (panelHeight + Self.gapY),
                                  width: panelWidth, height: panelHeight, xDomain: xDomain, yDomain: (yRange.0 - pad, yRange.1 + pad),
                                  niceX: false, niceY: false)
            draw(panel, in: frame, yTicks: ticks, into: &svg, yLabels: column == 0, xLabels: row == rows - 1 || k + columns >= panels.count)
        }
        svg.text(xTitle, at: (Self.left + Double(columns) * (panelWidth + Self.gapX) / 2, height - 10), size: 12, anchor: .middle)
        svg.text(yTitle, at: (16, top + Double(rows) * (panelHeight + Self.gapY) / 2), size: 12, anchor: .middle, rotation: -90)
        return svg
    }

    private func draw(_ panel: Panel, in frame: PlotFrame, yTicks: [Double], into svg: inout SVGDocument, yLabels: Bool, xLabels: Bool) {
        let bottom = frame.top + frame.height
        svg.rectangle(x: frame.left, y: frame.top, width: frame.width, height: frame.height, stroke: .init(Palette.grid, width: 1))
        let title = TextMetrics.width(panel.title, size: fontSize) <= frame.width - 4 ? panel.title
            : String(panel.title.prefix(max(1, Int((frame.width - 4) / (0.6 * fontSize)) - 1))) + "…"
        svg.text(title, at: (frame.left + 2, frame.top - 4), size: fontSize, color: Palette.axis)
        let xTicks = frame.x.ticks(count: 3)
        let yStep = yTicks.count > 1 ? abs(yTicks[1] - yTicks[0]) : 1
        for v in yTicks {
            svg.line(from: (frame.left, frame.y(v)), to: (frame.left + frame.width, frame.y(v)), stroke: .init(Palette.grid, width: 0.6))
            if yLabels {
                svg.text(LinearScale.label(v, step: v == v.rounded() ? 1 : min(yStep, 0.1)), at: (frame.left - 4, frame.y(v) + fontSize * 0.35), size: fontSize, anchor: .end, color: Palette.axis)
            }
        }
        if let ceiling {
            svg.line(from: (frame.left, frame.y(ceiling)), to: (frame.left + frame.width, frame.y(ceiling)), stroke: .init(Palette.muted, width: 0.8, dash: "2 2"))
        }
        if xLabels {
            let step = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
            for v in xTicks {
                svg.text(LinearScale.label(v, step: step), at: (frame.x(v), bottom + fontSize + 3), size: fontSize, anchor: .middle, color: Palette.axis)
            }
        }
        for line in panel.lines {
            // Runs of finite points: a NaN breaks the line.
            var run = [(Double, Double)]()
            func flush() {
                if run.count == 1 { svg.circle(center: run[0], radius: 1.2, fill: line.color) }
                svg.polyline(run, stroke: .init(line.color, width: 1.2, dash: line.dashed ? "3 2" : nil))
                run = []
            }
            for p in line.points {
                if p.y.isFinite { run.append((frame.x(p.x), frame.y(p.y))) } else { flush() }
            }
            flush()
            if let ceiling {
                for p in line.points where p.y.isFinite && abs(p.y - ceiling) < 1e-9 {
                    svg.circle(center: (frame.x(p.x), frame.y(p.y)), radius: 2, fill: "none", stroke: .init(line.color, width: 0.8))
                }
            }
        }
        for m in panel.markers where m.y.isFinite {
            Self.mark(m.shape, at: (frame.x(m.x), frame.y(m.y)), color: m.color, size: 3.2, into: &svg)
        }
    }

    /// Draws a marker of `shape` centred at `point`.
    static func mark(_ shape: Shape, at point: (Double, Double), color: String, size: Double, into svg: inout SVGDocument) {
        let (x, y) = point
        switch shape {
        case .circle:
            svg.circle(center: point, radius: size * 0.8, fill: color)
        case .triangleDown:
            svg.polygon([(x - size, y - size * 0.8), (x + size, y - size * 0.8), (x, y + size * 0.9)], fill: color)
        case .triangleUp:
            svg.polygon([(x - size, y + size * 0.8), (x + size, y + size * 0.8), (x, y - size * 0.9)], fill: color)
        }
    }
}
