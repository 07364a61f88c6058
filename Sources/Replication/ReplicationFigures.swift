import Numerics
import Reports
import Ruptures
import SessionData

/// The three figures of the replication, drawn with the SVG core in Reports:
/// - `alliance-by-session.svg`: mean alliance by session number per rater, with a 95% band
///   M ± t(.975, n - 1) SD / sqrt(n), over session numbers rated by at least `minimumPerSession`
///   patients (the last sessions of the longest treatments would otherwise dominate the picture);
/// - `patient-series.svg`: each patient's alliance series per rater (small multiples, the first
///   `maximumPatients` patients), ruptures and repairs of the chosen criterion marked;
/// - `lagged-effects.svg`: the rupture and repair effects on next-session distress with 95% CIs
///   under every criterion, observed and detrended distress side by side.
public enum ReplicationFigures {
    public static let minimumPerSession = 5
    public static let maximumPatients = 120

    static func all(_ a: ReplicationAnalysis) -> (figures: [ReplicationReport.Figure], notDrawn: [String]) {
        var figures = [ReplicationReport.Figure]()
        var notDrawn = [String]()
        if let chart = allianceBySession(a) {
            let caption = "Mean alliance by session number per rater with 95% confidence bands; sessions rated by at least \(minimumPerSession) patients."
            figures.append(.init(fileName: "alliance-by-session.svg", svg: chart.svg(description: caption).rendered, caption: caption))
        } else {
            notDrawn.append("alliance-by-session.svg: no session number was rated by \(minimumPerSession) or more patients")
        }
        let seriesCaption = "Alliance ratings of each patient by session, per rater, with ruptures (downward triangles) and repairs (upward triangles) under the \(a.criterion.name) criterion."
        figures.append(.init(fileName: "patient-series.svg", svg: patientSeries(a).svg(description: seriesCaption).rendered, caption: seriesCaption))
        if let plot = laggedEffects(a) {
            let caption = "Effects of ruptures and repairs at session t on distress at session t + 1 (b with 95% CI) under each rupture criterion, with observed and detrended distress."
            figures.append(.init(fileName: "lagged-effects.svg", svg: plot.svg(description: caption).rendered, caption: caption))
        } else {
            notDrawn.append("lagged-effects.svg: no lagged effect could be estimated (\(a.lagged.first?.outcome.reason ?? "no model"))")
        }
        return (figures, notDrawn)
    }

    /// The color of each rater in every figure.
    static func color(_ rater: String) -> String { Palette.color(rater == "patient" ? 0 : 1) }

    /// Mean alliance by session: one panel with both raters when their scales are the same (or
    /// unknown), one panel per rater, each on its own scale, when they differ. The 95% bands are
    /// cut at the scale's ends (a mean cannot leave the scale) and clipped to the plot.
    static func allianceBySession(_ a: ReplicationAnalysis) -> AllianceBySession? {
        var series = [(series: LineChart.Series, scale: RatingScale?, column: String)]()
        for name in ReplicationAnalysis.raterNames {
            guard let rating = a.sample.ratings.first(where: { $0.role == "alliance_\(name)" }) else { continue }
            let scale = a.panel.scales[rating.column]
            var points = [(x: Double, y: Double)](), band = [(lower: Double, upper: Double)]()
            for s in rating.bySession where s.values.count >= minimumPerSession {
                guard let m = s.values.mean, let sd = s.values.standardDeviation,
                      let q = try? StudentT(degreesOfFreedom: Double(s.values.count - 1)).quantile(0.975) else { continue }
                let half = q * sd / Double(s.values.count).squareRoot()
                points.append((Double(s.session), m))
                band.append((max(m - half, scale?.minimum ?? -.infinity), min(m + half, scale?.maximum ?? .infinity)))
            }
            guard !points.isEmpty else { continue }
            series.append((.init(name: "\(ReplicationTables.heading(name)) (\(rating.column))", points: points, band: band,
                                 color: color(name), dashed: name == "therapist"), scale, rating.column))
        }
        guard !series.isEmpty else { return nil }
        let title = "Mean alliance by session (95% CI)"
        let scales = series.compactMap(\.scale)
        if series.count == 1 || scales.count < series.count || commonRange(scales) != nil {
            let domain = commonRange(scales)
            var chart = LineChart(title: title, xTitle: "Session", yTitle: "Alliance" + (domain.map { " (\(scaleText($0)))" } ?? ""),
                                  series: series.map(\.series), yDomain: domain)
            chart.yTicks = domain.map(scaleTicks)
            return .single(chart)
        }
        let panels = series.map { s -> LineChart in
            let domain = (s.scale!.minimum!, s.scale!.maximum!)
            var chart = LineChart(title: s.series.name, xTitle: "Session", yTitle: "Alliance (\(scaleText(domain)))", series: [s.series], yDomain: domain)
            chart.width = 480
            chart.legends = []
            chart.yTicks = scaleTicks(domain)
            return chart
        }
        return .perRater(ChartGrid(title: title, subtitle: "One panel per rater: their scales differ", panels: panels, columns: 2))
    }

    /// The figure of mean alliance by session: one chart, or one panel per rater.
    enum AllianceBySession {
        case single(LineChart)
        case perRater(ChartGrid)

        func svg(description: String) -> SVGDocument {
            switch self {
            case .single(let chart): return chart.svg(description: description)
            case .perRater(let grid): return grid.svg(description: description)
            }
        }

        /// The series drawn, in order.
        var series: [LineChart.Series] {
            switch self {
            case .single(let chart): return chart.series
            case .perRater(let grid): return grid.panels.flatMap(\.series)
            }
        }
    }

    /// Pretty ticks within a scale's range.
    static func scaleTicks(_ domain: (Double, Double)) -> [Double] {
        LinearScale(domain: domain, range: (0, 1)).ticks(count: 6)
    }

    /// `1-7` for a scale's range.
    static func scaleText(_ range: (Double, Double)) -> String {
        "\(CellFormatting.exact(range.0))\u{2013}\(CellFormatting.exact(range.1))"
    }

    /// Each patient's series per rater. When the raters' scales differ, ratings are drawn as
    /// percent of their scale's range (0 = the lowest possible rating, 100 = the highest), so both
    /// share one axis, labelled so. Ratings at the scale's maximum are ringed on a dashed line.
    static func patientSeries(_ a: ReplicationAnalysis) -> SmallMultiplesChart {
        let panel = a.panel
        let shown = min(panel.patientCount, maximumPatients)
        var scales = [RatingScale?]()
        var raters = [(name: String, values: [Double], result: RaterResult)]()
        for result in a.ruptures.results {
            scales.append(panel.scales[result.rater.column])
            raters.append((result.rater.name, (try? panel.values(of: result.rater.column)) ?? [], result))
        }
        let known = scales.compactMap { $0 }
        let common = known.count == scales.count ? commonRange(known) : nil
        let percent = common == nil && known.count == scales.count && known.allSatisfy { $0.minimum != nil && $0.maximum != nil }
        for k in raters.indices where percent {
            let (lo, hi) = (scales[k]!.minimum!, scales[k]!.maximum!)
            raters[k].values = raters[k].values.map { 100 * ($0 - lo) / (hi - lo) }
        }
        var panels = [SmallMultiplesChart.Panel]()
        for p in 0..<shown {
            let rows = panel.rows(ofPatient: p)
            var lines = [SmallMultiplesChart.Line](), markers = [SmallMultiplesChart.Marker]()
            for rater in raters where !rater.values.isEmpty {
                var points = [(x: Double, y: Double)]()
                var previous: Int32? = nil
                for r in rows {
                    // A missed session breaks the line.
                    if let s = previous, panel.sessions[r] > s + 1 { points.append((Double(s + 1), .nan)) }
                    previous = panel.sessions[r]
                    let x = Double(panel.sessions[r]), y = rater.values[r]
                    points.append((x, y))
                    if rater.result.ruptureIndicator[r] == 1 { markers.append(.init(x: x, y: y, shape: .triangleDown, color: color(rater.name))) }
                    if rater.result.repairIndicator[r] == 1 { markers.append(.init(x: x, y: y, shape: .triangleUp, color: color(rater.name))) }
                }
                lines.append(.init(points: points, color: color(rater.name), dashed: rater.name == "therapist"))
            }
            panels.append(.init(title: panel.patientIDs[p], lines: lines, markers: markers))
        }
        var keys = zip(raters, a.ruptures.results).map { rater, result in
            SmallMultiplesChart.Key(name: "\(ReplicationTables.heading(rater.name)) (\(result.rater.column))", color: color(rater.name), dashed: rater.name == "therapist")
        }
        keys += [.init(name: "Rupture", color: Palette.axis, shape: .triangleDown), .init(name: "Repair", color: Palette.axis, shape: .triangleUp)]
        let more = panel.patientCount > shown ? " (first \(shown) of \(panel.patientCount) patients)" : ""
        let yTitle = percent ? "Alliance, % of the scale's range (0 = lowest, 100 = highest rating)"
            : "Alliance" + (common.map { " (\(scaleText($0)))" } ?? "")
        var chart = SmallMultiplesChart(title: "Alliance by session for each patient, ruptures and repairs (\(a.criterion.name))\(more)",
                                        xTitle: "Session", yTitle: yTitle, panels: panels, keys: keys,
                                        yDomain: percent ? (0, 100) : common)
        chart.ceiling = percent ? 100 : common?.1
        return chart
    }

    static func laggedEffects(_ a: ReplicationAnalysis) -> CoefficientPlot? {
        let rows = a.sensitivity.rows
        guard let raters = rows.first?.raters.map(\.rater) else { return nil }
        var panels = [CoefficientPlot.Panel]()
        var any = false
        for (k, rater) in raters.enumerated() {
            for event in LaggedEffect.Event.allCases {
                let series = LaggedModel.Distress.allCases.enumerated().map { (d, distress) in
                    CoefficientPlot.Series(name: "\(distress.rawValue.prefix(1).uppercased() + distress.rawValue.dropFirst()) distress",
                                           color: Palette.color(d == 0 ? 2 : 3),
                                           estimates: rows.map { row in
                                               let model = distress == .observed ? row.raters[k].observed : row.raters[k].detrended
                                               return model.effect(event, rater: rater)?.estimate.map {
                                                   CoefficientPlot.Estimate(value: $0.estimate, lower: $0.confidenceLower, upper: $0.confidenceUpper)
                                               }
                                           })
                }
                any = any || series.contains { $0.estimates.contains { $0 != nil } }
                panels.append(.init(title: "\(ReplicationTables.heading(rater)) \(event.rawValue)", series: series))
            }
        }
        guard any else { return nil }
        // A criterion shown twice (the RCI at two z) is told apart by its threshold; a criterion
        // that could not be applied says so.
        let labels = a.sensitivity.rowLabels.enumerated().map { (r, label) -> String in
            panels.contains { $0.series.contains { $0.estimates[r] != nil } } ? label : label + " (not run)"
        }
        return CoefficientPlot(title: "Effects on next-session distress under each rupture criterion",
                               xTitle: "Change in distress at session t + 1 (b, 95% CI)", rows: labels, panels: panels)
    }

    /// The range shared by every scale given, or nil (fit the data) when one has no range or they differ.
    static func commonRange(_ scales: [RatingScale]) -> (Double, Double)? {
        guard let first = scales.first, let lo = first.minimum, let hi = first.maximum,
              scales.allSatisfy({ $0.minimum == lo && $0.maximum == hi }) else { return nil }
        return (lo, hi)
    }
}
