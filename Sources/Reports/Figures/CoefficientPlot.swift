/// Estimates with their confidence intervals as points on horizontal bars ("forest" or
/// coefficient plot), in side-by-side panels that share the x axis and the row labels: the
/// lagged effects of ruptures and repairs under each rupture criterion, observed and detrended,
/// and by estimator. A vertical line marks zero (no effect).
///
/// Within a row the series that have an estimate there (in any panel) sit one under the other,
/// `seriesSpacing` apart, in series order; a row grows to hold them, so a row with the estimates of
/// four estimators is taller than a row with two, and no row keeps a gap for a series it lacks.
public struct CoefficientPlot: Sendable {
    /// One estimate and its interval.
    public struct Estimate: Sendable {
        public var value: Double
        public var lower: Double
        public var upper: Double

        public init(value: Double, lower: Double, upper: Double) {
            self.value = value
            self.lower = lower
            self.upper = upper
        }
    }

    /// A set of estimates in one color (one per row; nil where there is none).
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var estimates: [Estimate?]

        public init(name: String, color: String, estimates: [Estimate?]) {
            self.name = name
            self.color = color
            self.estimates = estimates
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var series: [Series]

        public init(title: String, series: [Series]) {
            self.title = title
            self.series = series
        }
    }

    public var title: String
    public var xTitle: String
    /// Row labels, top to bottom, shared by every panel.
    public var rows: [String]
    public var panels: [Panel]
    public var panelWidth: Double = 210
    /// The height of a row of one or two series; rows with more grow by `seriesSpacing` each.
    public var rowHeight: Double = 30
    public var seriesSpacing: Double = 10

    public init(title: String, xTitle: String, rows: [String], panels: [Panel]) {
        self.title = title
        self.xTitle = xTitle
        self.rows = rows
        self.panels = panels
    }

    /// Space between panels: room for the tick labels at the panels' edges.
    public var panelGap = 32.0

    public func svg(description: String? = nil) -> SVGDocument {
        let labelWidth = 14 + (rows.map { TextMetrics.width($0, size: 11) }.max() ?? 30)
        let gap = panelGap
        let width = labelWidth + Double(panels.count) * (panelWidth + gap) + 12
        // The legend: one entry per series name (the same in every panel), wrapped under the title.
        var names = [String]()
        var entries = [Legend.Entry]()
        for s in panels.flatMap(\.series) where !names.contains(s.name) {
            names.append(s.name)
            entries.append(.init(name: s.name, color: s.color, marker: .circle))
        }
        let legend = Legend(entries: entries)
        let legendHeight = legend.height(width: width - labelWidth - 12)
        let top = 44 + legendHeight + 26
        // The series drawn in each row (those with an estimate there in some panel), and where
        // each row starts.
        let seriesNames = names
        let rowSeries: [[String]] = rows.indices.map { r in
            seriesNames.filter { name in
                panels.contains { $0.series.contains { $0.name == name && r < $0.estimates.count && $0.estimates[r] != nil } }
            }
        }
        let heights = rowSeries.map { max(rowHeight, seriesSpacing * Double($0.count + 1)) }
        var rowTops = [0.0]
        for h in heights { rowTops.append(rowTops.last! + h) }
        let plotHeight = rows.isEmpty ? rowHeight : rowTops.last!
        let height = top + plotHeight + 56
        var svg = SVGDocument(width: width, height: height, title: title, description: description)
        svg.text(title, at: (width / 2, 22), size: 15, anchor: .middle, bold: true)
        legend.draw(into: &svg, at: (labelWidth, 34), width: width - labelWidth - 12)

        let values = panels.flatMap { $0.series.flatMap { $0.estimates.compactMap { $0 }.flatMap { [$0.lower, $0.upper] } } }.filter(\.isFinite)
        let xDomain = (min(0, values.min() ?? -1), max(0, values.max() ?? 1))
        for (k, panel) in panels.enumerated() {
            let frame = PlotFrame(left: labelWidth + Double(k) * (panelWidth + gap), top: top, width: panelWidth, height: plotHeight,
                                  xDomain: xDomain, yDomain: (0, plotHeight), niceY: false)
            svg.text(panel.title, at: (frame.left + frame.width / 2, top - 10), size: 12, anchor: .middle, bold: true)
            for v in frame.x.ticks() {
                svg.line(from: (frame.x(v), top), to: (frame.x(v), top + plotHeight), stroke: .init(Palette.grid, width: 1))
            }
            frame.drawAxes(into: &svg, xTitle: nil, yTitle: nil, yTicks: [], grid: false)
            svg.line(from: (frame.x(0), top), to: (frame.x(0), top + plotHeight), stroke: .init(Palette.muted, width: 1, dash: "4 3"))
            for series in panel.series {
                for (r, estimate) in series.estimates.enumerated() where r < rows.count {
                    guard let e = estimate, e.value.isFinite, e.lower.isFinite, e.upper.isFinite,
                          let s = rowSeries[r].firstIndex(of: series.name) else { continue }
                    // The row's series sit one under the other, evenly spaced over the row.
                    let n = Double(rowSeries[r].count)
                    let y = top + rowTops[r] + heights[r] * (Double(s) + 1) / (n + 1)
                    svg.line(from: (frame.x(e.lower), y), to: (frame.x(e.upper), y), stroke: .init(series.color, width: 1.6))
                    svg.circle(center: (frame.x(e.value), y), radius: 3.2, fill: series.color)
                }
            }
        }
        for (r, label) in rows.enumerated() {
            svg.text(label, at: (labelWidth - 8, top + rowTops[r] + heights[r] / 2 + 4), size: 11, anchor: .end)
        }
        svg.text(xTitle, at: (labelWidth + Double(panels.count) * (panelWidth + gap) / 2, height - 12), size: 12, anchor: .middle)
        return svg
    }
}
