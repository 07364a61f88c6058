import Numerics
import Ruptures
import SessionData

/// The figure of `alliance describe` (and of the descriptives step of `alliance replicate`): the
/// mean of each rating by session number with a 95% band M ± t(.975, n − 1) SD / √n, over the
/// session numbers rated by at least `minimumPerSession` patients (the last sessions of the
/// longest treatments would otherwise dominate the picture).
///
/// Ratings come in groups that share a panel (the patient- and therapist-rated alliance); a group
/// whose ratings all have known scales that differ (1-5 and 1-7) gets one panel per rating, each on
/// its own scale. Bands are cut at the scale's ends (a mean cannot leave the scale) and clipped to
/// the plot.
public enum PanelDescriptionFigures {
    public static let minimumPerSession = 5

    /// A rating to draw: its column, its name in the legend or panel title, its line.
    public struct Rating: Sendable {
        public var column: String
        public var label: String
        public var color: String
        public var dashed: Bool

        public init(column: String, label: String, color: String, dashed: Bool = false) {
            self.column = column
            self.label = label
            self.color = color
            self.dashed = dashed
        }
    }

    /// Ratings that share a panel and the name of what they measure (`Alliance`), which titles
    /// the panel and its y axis.
    public struct Group: Sendable {
        public var name: String
        public var ratings: [Rating]

        public init(name: String, ratings: [Rating]) {
            self.name = name
            self.ratings = ratings
        }
    }

    /// The figure: one chart, or panels side by side.
    public enum MeansBySession: Sendable {
        case single(LineChart)
        case panels(ChartGrid)

        public func svg(description: String) -> SVGDocument {
            switch self {
            case .single(let chart): return chart.svg(description: description)
            case .panels(let grid): return grid.svg(description: description)
            }
        }

        /// The series drawn, in order.
        public var series: [LineChart.Series] {
            switch self {
            case .single(let chart): return chart.series
            case .panels(let grid): return grid.panels.flatMap(\.series)
            }
        }
    }

    /// The groups of `alliance describe`: the alliance ratings together (the patient's and the
    /// therapist's), every other rating (distress) on its own. Colors follow `RuptureFigures.color`.
    public static func groups(_ d: PanelDescription) -> [Group] {
        var alliance = [Rating](), others = [Group]()
        for r in d.ratings {
            if let role = r.role, role.hasPrefix("alliance_") {
                let rater = String(role.dropFirst("alliance_".count))
                let heading = Rater(name: rater, column: r.column).heading
                alliance.append(Rating(column: r.column, label: "\(heading) (\(r.column))",
                                       color: RuptureFigures.color(of: rater, position: 0), dashed: rater == "therapist"))
            } else {
                others.append(Group(name: r.column, ratings: [Rating(column: r.column, label: r.column,
                                                                     color: RuptureFigures.color(of: r.column, position: others.count))]))
            }
        }
        return (alliance.isEmpty ? [] : [Group(name: "Alliance", ratings: alliance)]) + others
    }

    /// The means by session of `groups` in `d`, with the scales the panel knows; nil when no
    /// session number was rated by `minimumPerSession` or more patients.
    public static func meansBySession(_ d: PanelDescription, scales: [String: RatingScale], groups: [Group], title: String) -> MeansBySession? {
        var panels = [LineChart]()
        var split = false
        for group in groups {
            var series = [(series: LineChart.Series, scale: RatingScale?)]()
            for rating in group.ratings {
                guard let description = d.ratings.first(where: { $0.column == rating.column }),
                      let s = Self.series(description, rating: rating, scale: scales[rating.column]) else { continue }
                series.append((s, scales[rating.column]))
            }
            guard !series.isEmpty else { continue }
            let known = series.compactMap(\.scale)
            if series.count > 1, known.count == series.count, commonRange(known) == nil {
                // Scales that differ: a panel each, on its own scale.
                split = true
                for s in series {
                    let domain = (s.scale!.minimum!, s.scale!.maximum!)
                    var chart = LineChart(title: s.series.name, xTitle: "Session", yTitle: "\(group.name) (\(scaleText(domain)))",
                                          series: [s.series], yDomain: domain)
                    chart.yTicks = scaleTicks(domain)
                    chart.legends = []
                    panels.append(chart)
                }
            } else {
                let domain = known.count == series.count ? commonRange(known) : nil
                var chart = LineChart(title: group.name, xTitle: "Session", yTitle: group.name + (domain.map { " (\(scaleText($0)))" } ?? ""),
                                      series: series.map(\.series), yDomain: domain)
                chart.yTicks = domain.map(scaleTicks)
                // A panel of one rating is titled by it; it needs no legend.
                if series.count == 1 {
                    chart.title = series[0].series.name
                    chart.legends = []
                }
                panels.append(chart)
            }
        }
        guard !panels.isEmpty else { return nil }
        if panels.count == 1 {
            var chart = panels[0]
            chart.title = title
            chart.legends = nil
            return .single(chart)
        }
        for k in panels.indices { panels[k].width = 480 }
        return .panels(ChartGrid(title: title, subtitle: split ? "One panel per rater: their scales differ" : nil, panels: panels, columns: 2))
    }

    /// The means of one rating by session with their 95% bands, cut at the scale's ends; nil when
    /// no session has `minimumPerSession` ratings.
    static func series(_ r: RatingDescription, rating: Rating, scale: RatingScale?) -> LineChart.Series? {
        var points = [(x: Double, y: Double)](), band = [(lower: Double, upper: Double)]()
        for s in r.bySession where s.values.count >= minimumPerSession {
            guard let m = s.values.mean, let sd = s.values.standardDeviation,
                  let q = try? StudentT(degreesOfFreedom: Double(s.values.count - 1)).quantile(0.975) else { continue }
            let half = q * sd / Double(s.values.count).squareRoot()
            points.append((Double(s.session), m))
            band.append((max(m - half, scale?.minimum ?? -.infinity), min(m + half, scale?.maximum ?? .infinity)))
        }
        guard !points.isEmpty else { return nil }
        return LineChart.Series(name: rating.label, points: points, band: band, color: rating.color, dashed: rating.dashed)
    }

    /// Pretty ticks within a scale's range.
    public static func scaleTicks(_ domain: (Double, Double)) -> [Double] {
        LinearScale(domain: domain, range: (0, 1)).ticks(count: 6)
    }

    /// `1–7` for a scale's range.
    public static func scaleText(_ range: (Double, Double)) -> String {
        "\(CellFormatting.exact(range.0))\u{2013}\(CellFormatting.exact(range.1))"
    }

    /// The range shared by every scale given, or nil (fit the data) when one has no range or they differ.
    public static func commonRange(_ scales: [RatingScale]) -> (Double, Double)? {
        guard let first = scales.first, let lo = first.minimum, let hi = first.maximum,
              scales.allSatisfy({ $0.minimum == lo && $0.maximum == hi }) else { return nil }
        return (lo, hi)
    }
}
