import Reports
import Ruptures
import SessionData

/// The three figures of the replication, drawn with the SVG core in Reports:
/// - `alliance-by-session.svg`: mean alliance by session number per rater, with a 95% band
///   M ± t(.975, n - 1) SD / sqrt(n), over session numbers rated by at least
///   `PanelDescriptionFigures.minimumPerSession` patients (the figure `alliance describe` draws);
/// - `patient-series.svg`: each patient's alliance series per rater (small multiples, the first
///   `RuptureFigures.maximumPatients` patients), ruptures and repairs of the chosen criterion
///   marked (the figure `alliance ruptures` draws);
/// - `lagged-effects.svg`: the rupture and repair effects on next-session distress with 95% CIs
///   under every criterion, observed and detrended distress side by side.
public enum ReplicationFigures {
    static func all(_ a: ReplicationAnalysis) -> (figures: [ReplicationReport.Figure], notDrawn: [String]) {
        var figures = [ReplicationReport.Figure]()
        var notDrawn = [String]()
        if let chart = allianceBySession(a) {
            let caption = "Mean alliance by session number per rater with 95% confidence bands; sessions rated by at least \(PanelDescriptionFigures.minimumPerSession) patients."
            figures.append(.init(fileName: "alliance-by-session.svg", svg: chart.svg(description: caption).rendered, caption: caption))
        } else {
            notDrawn.append("alliance-by-session.svg: no session number was rated by \(PanelDescriptionFigures.minimumPerSession) or more patients")
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
    static func color(_ rater: String) -> String { RuptureFigures.color(of: rater, position: 0) }

    /// Mean alliance by session (`PanelDescriptionFigures`): one panel with both raters when
    /// their scales are the same (or unknown), one panel per rater, each on its own scale, when
    /// they differ.
    static func allianceBySession(_ a: ReplicationAnalysis) -> PanelDescriptionFigures.MeansBySession? {
        let ratings = ReplicationAnalysis.raterNames.compactMap { name -> PanelDescriptionFigures.Rating? in
            guard let rating = a.sample.ratings.first(where: { $0.role == "alliance_\(name)" }) else { return nil }
            return .init(column: rating.column, label: "\(ReplicationTables.heading(name)) (\(rating.column))", color: color(name),
                         dashed: name == "therapist")
        }
        return PanelDescriptionFigures.meansBySession(a.sample, scales: a.panel.scales, groups: [.init(name: "Alliance", ratings: ratings)],
                                                      title: "Mean alliance by session (95% CI)")
    }

    /// Each patient's series per rater (`RuptureFigures`), ruptures and repairs of the criterion marked.
    static func patientSeries(_ a: ReplicationAnalysis) -> SmallMultiplesChart {
        RuptureFigures.patientSeries(panel: a.panel, results: a.ruptures.results, criterion: a.criterion.name)
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
}
