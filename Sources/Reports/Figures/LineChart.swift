/// Lines over a common x axis, each optionally with a shaded band (a confidence interval) and
/// point markers: mean alliance by session with 95% bands, power curves. Bands are clipped to
/// the plot area. The legend (one entry per series, or the legends given) sits under the x
/// axis, wrapped to the chart's width, and the chart grows to hold it.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Lower and upper band values at the same x as `points` (nil: no band).
        public var band: [(lower: Double, upper: Double)]?
        public var color: String?
        public var dashed = false
        /// A dash pattern of its own ("2 3"); overrides `dashed`.
        public var dash: String?
        public var markers = true

        public init(name: String, points: [(x: Double, y: Double)], band: [(lower: Double, upper: Double)]? = nil,
                    color: String? = nil, dashed: Bool = false, dash: String? = nil, markers: Bool = true) {
            self.name = name
            self.points = points
            self.band = band
            self.color = color
            self.dashed = dashed
            self.dash = dash
            self.markers = markers
        }

        var dashPattern: String? { dash ?? (dashed ? "6 4" : nil) }
    }

    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var series: [Series]
    /// Fixed y range (e.g. 0...1 for power, the scale's range for ratings); nil fits the data.
    public var yDomain: (Double, Double)?
    /// y values at which to draw ticks (nil: pretty ticks of the range).
    public var yTicks: [Double]?
    /// Horizontal reference lines (e.g. power .80, coverage .95), with labels.
    public var referenceLines: [(y: Double, label: String)] = []
    public var width: Double = 640
    /// The height of the plot area.
    public var plotHeight: Double = 280
    public var bandOpacity = 0.18
    /// The legends under the plot; nil: one entry per series; empty: none.
    public var legends: [Legend]?

    public init(title: String, xTitle: String, yTitle: String, series: [Series], yDomain: (Double, Double)? = nil) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
        self.yDomain = yDomain
    }

    static let (top, left, right, axisSpace) = (44.0, 70.0, 24.0, 62.0)

    var shownLegends: [Legend] {
        legends ?? [Legend(entries: series.enumerated().map { (k, s) in
            Legend.Entry(name: s.name, color: s.color ?? Palette.color(k), dash: s.dashPattern)
        })]
    }

    var legendWidth: Double { width - 24 }

    /// The chart's height: title, plot, axis, legends.
    public var height: Double {
        let legendHeight = shownLegends.reduce(0) { $0 + $1.height(width: legendWidth) + ($1.entries.isEmpty ? 0 : 4) }
        return Self.top + plotHeight + Self.axisSpace + legendHeight + 8
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
        let frame = PlotFrame(left: Self.left, top: Self.top, width: width - Self.left - Self.right, height: plotHeight,
                              xDomain: xDomain, yDomain: yRange, niceY: yDomain == nil)
        for line in TextMetrics.lines(title, width: width - 16, size: 15, bold: true).prefix(1) {
            svg.text(line, at: (width / 2, 24), size: 15, anchor: .middle, bold: true)
        }
        frame.drawAxes(into: &svg, xTitle: xTitle, yTitle: yTitle, yTicks: yTicks)
        svg.clipped(to: (frame.left, frame.top, frame.width, frame.height)) { svg in
            for (k, s) in series.enumerated() {
                let color = s.color ?? Palette.color(k)
                if let band = s.band, band.count == s.points.count, band.count > 1 {
                    let upper = zip(s.points, band).map { (frame.x($0.x), frame.y($1.upper)) }
                    let lower = zip(s.points, band).map { (frame.x($0.x), frame.y($1.lower)) }.reversed()
                    svg.polygon(upper + lower, fill: color, opacity: bandOpacity)
                }
            }
        }
        for line in referenceLines {
            svg.line(from: (frame.left, frame.y(line.y)), to: (frame.left + frame.width, frame.y(line.y)),
                     stroke: .init(Palette.muted, width: 1, dash: "4 3"))
            svg.text(line.label, at: (frame.left + frame.width - 4, frame.y(line.y) - 4), size: 10, anchor: .end, color: Palette.muted)
        }
        for (k, s) in series.enumerated() {
            let color = s.color ?? Palette.color(k)
            let pixels = s.points.filter { $0.y.isFinite }.map { (frame.x($0.x), frame.y($0.y)) }
            svg.polyline(pixels, stroke: .init(color, width: 2, dash: s.dashPattern))
            if s.markers { for p in pixels { svg.circle(center: p, radius: 2.8, fill: color) } }
        }
        var y = Self.top + plotHeight + Self.axisSpace
        for legend in shownLegends where !legend.entries.isEmpty {
            legend.draw(into: &svg, at: (16, y), width: legendWidth)
            y += legend.height(width: legendWidth) + 4
        }
    }
}
