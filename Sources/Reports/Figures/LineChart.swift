/// Lines over a common x axis, each optionally with a shaded band (a confidence interval) and
/// point markers, with a legend: mean alliance by session with 95% bands, power curves.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Lower and upper band values at the same x as `points` (nil: no band).
        public var band: [(lower: Double, upper: Double)]?
        public var color: String?
        public var dashed = false
        public var markers = true

        public init(name: String, points: [(x: Double, y: Double)], band: [(lower: Double, upper: Double)]? = nil,
                    color: String? = nil, dashed: Bool = false, markers: Bool = true) {
            self.name = name
            self.points = points
            self.band = band
            self.color = color
            self.dashed = dashed
            self.markers = markers
        }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var series: [Series]
    /// Fixed y range (e.g. 0...1 for power, the scale's range for ratings); nil fits the data.
    public var yDomain: (Double, Double)?
    /// Horizontal reference lines (e.g. power .80, coverage .95), with labels.
    public var referenceLines: [(y: Double, label: String)] = []
    public var width: Double = 640
    public var height: Double = 420

    public init(title: String, xTitle: String, yTitle: String, series: [Series], yDomain: (Double, Double)? = nil) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
        self.yDomain = yDomain
    }

    public func svg(description: String? = nil) -> SVGDocument {
        var svg = SVGDocument(width: width, height: height, title: title, description: description)
        draw(into: &svg)
        return svg
    }

    /// Draws the chart into `svg` in a `width` x `height` area at its origin (one panel of a
    /// small-multiples figure when drawn inside `SVGDocument.group`).
    public func draw(into svg: inout SVGDocument) {
        let xs = series.flatMap { $0.points.map(\.x) }
        var ys = series.flatMap { $0.points.map(\.y) } + referenceLines.map(\.y)
        for s in series { if let band = s.band { ys += band.flatMap { [$0.lower, $0.upper] } } }
        let finiteX = xs.filter(\.isFinite), finiteY = ys.filter(\.isFinite)
        let xDomain = (finiteX.min() ?? 0, finiteX.max() ?? 1)
        let yRange = yDomain ?? (finiteY.min() ?? 0, finiteY.max() ?? 1)
        let legendWidth = 160.0
        let frame = PlotFrame(left: 70, top: 44, width: width - 70 - 24 - legendWidth, height: height - 44 - 62,
                              xDomain: xDomain, yDomain: yRange, niceY: yDomain == nil)
        svg.text(title, at: (width / 2, 24), size: 15, anchor: .middle, bold: true)
        frame.drawAxes(into: &svg, xTitle: xTitle, yTitle: yTitle)
        for line in referenceLines {
            svg.line(from: (frame.left, frame.y(line.y)), to: (frame.left + frame.width, frame.y(line.y)),
                     stroke: .init(Palette.muted, width: 1, dash: "4 3"))
            svg.text(line.label, at: (frame.left + frame.width - 4, frame.y(line.y) - 4), size: 10, anchor: .end, color: Palette.muted)
        }
        for (k, s) in series.enumerated() {
            let color = s.color ?? Palette.color(k)
            if let band = s.band, band.count == s.points.count, band.count > 1 {
                let upper = zip(s.points, band).map { (frame.x($0.x), frame.y($1.upper)) }
                let lower = zip(s.points, band).map { (frame.x($0.x), frame.y($1.lower)) }.reversed()
                svg.polygon(upper + lower, fill: color, opacity: 0.18)
            }
            let pixels = s.points.filter { $0.y.isFinite }.map { (frame.x($0.x), frame.y($0.y)) }
            svg.polyline(pixels, stroke: .init(color, width: 2, dash: s.dashed ? "6 4" : nil))
            if s.markers { for p in pixels { svg.circle(center: p, radius: 2.8, fill: color) } }
        }
        Legend(entries: series.enumerated().map { (k, s) in (s.name, s.color ?? Palette.color(k), s.dashed) })
            .draw(into: &svg, at: (frame.left + frame.width + 18, frame.top + 4))
    }
}

/// A legend: a short line in each series' color and its name, one per row.
public struct Legend: Sendable {
    public var entries: [(name: String, color: String, dashed: Bool)]

    public init(entries: [(name: String, color: String, dashed: Bool)]) {
        self.entries = entries
    }

    public func draw(into svg: inout SVGDocument, at origin: (Double, Double), fontSize: Double = 11) {
        for (k, e) in entries.enumerated() {
            let y = origin.1 + Double(k) * (fontSize + 8)
            svg.line(from: (origin.0, y), to: (origin.0 + 22, y), stroke: .init(e.color, width: 2.5, dash: e.dashed ? "6 4" : nil))
            svg.text(e.name, at: (origin.0 + 28, y + fontSize * 0.35), size: fontSize)
        }
    }
}
