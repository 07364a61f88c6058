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
    public var columns: Int = 10
    public var panelWidth: Double = 120
    public var panelHeight: Double = 78

    public init(title: String, xTitle: String, yTitle: String, panels: [Panel], keys: [Key], yDomain: (Double, Double)? = nil) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.panels = panels
        self.keys = keys
        self.yDomain = yDomain
    }

    public func svg(description: String? = nil) -> SVGDocument {
        let columns = max(1, min(self.columns, panels.count))
        let rows = (panels.count + columns - 1) / columns
        let (left, top, gapX, gapY) = (58.0, 66.0, 8.0, 22.0)
        let width = left + Double(columns) * (panelWidth + gapX) + 16
        let height = top + Double(rows) * (panelHeight + gapY) + 44
        var svg = SVGDocument(width: width, height: height, title: title, description: description)
        svg.text(title, at: (width / 2, 22), size: 15, anchor: .middle, bold: true)
        drawKeys(into: &svg, y: 44, width: width)

        let xs = panels.flatMap { $0.lines.flatMap { $0.points.map(\.x) } }.filter(\.isFinite)
        let ys = panels.flatMap { $0.lines.flatMap { $0.points.map(\.y) } }.filter(\.isFinite)
        let xDomain = (xs.min() ?? 0, xs.max() ?? 1)
        let yRange = yDomain ?? (ys.min() ?? 0, ys.max() ?? 1)
        for (k, panel) in panels.enumerated() {
            let row = k / columns, column = k % columns
            let frame = PlotFrame(left: left + Double(column) * (panelWidth + gapX), top: top + Double(row) * (panelHeight + gapY),
                                  width: panelWidth, height: panelHeight, xDomain: xDomain, yDomain: yRange, niceX: false, niceY: yDomain == nil)
            draw(panel, in: frame, into: &svg, yLabels: column == 0, xLabels: row == rows - 1 || k + columns >= panels.count)
        }
        svg.text(xTitle, at: (left + Double(columns) * (panelWidth + gapX) / 2, height - 10), size: 12, anchor: .middle)
        svg.text(yTitle, at: (16, top + Double(rows) * (panelHeight + gapY) / 2), size: 12, anchor: .middle, rotation: -90)
        return svg
    }

    private func draw(_ panel: Panel, in frame: PlotFrame, into svg: inout SVGDocument, yLabels: Bool, xLabels: Bool) {
        let bottom = frame.top + frame.height
        svg.rectangle(x: frame.left, y: frame.top, width: frame.width, height: frame.height, stroke: .init(Palette.grid, width: 1))
        svg.text(panel.title, at: (frame.left + 3, frame.top - 4), size: 9, color: Palette.axis)
        let yTicks = frame.y.ticks(count: 3)
        let xTicks = frame.x.ticks(count: 3)
        for v in yTicks {
            svg.line(from: (frame.left, frame.y(v)), to: (frame.left + frame.width, frame.y(v)), stroke: .init(Palette.grid, width: 0.6))
            if yLabels {
                let step = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
                svg.text(LinearScale.label(v, step: step), at: (frame.left - 4, frame.y(v) + 3), size: 8, anchor: .end, color: Palette.axis)
            }
        }
        if xLabels {
            let step = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1
            for v in xTicks {
                svg.text(LinearScale.label(v, step: step), at: (frame.x(v), bottom + 10), size: 8, anchor: .middle, color: Palette.axis)
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
        }
        for m in panel.markers where m.y.isFinite {
            Self.mark(m.shape, at: (frame.x(m.x), frame.y(m.y)), color: m.color, size: 3.2, into: &svg)
        }
    }

    private func drawKeys(into svg: inout SVGDocument, y: Double, width: Double) {
        var x = 58.0
        for key in keys {
            if let shape = key.shape {
                Self.mark(shape, at: (x + 6, y - 4), color: key.color, size: 4, into: &svg)
            } else {
                svg.line(from: (x, y - 4), to: (x + 18, y - 4), stroke: .init(key.color, width: 2, dash: key.dashed ? "3 2" : nil))
            }
            svg.text(key.name, at: (x + 24, y), size: 11)
            x += 34 + Double(key.name.count) * 6.2
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
