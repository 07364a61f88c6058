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
///   under every criterion, observed and detrended distress side by side (multilevel models), and
///   in the row of the chosen criterion also the DSEM's (95% credible intervals) and the
///   ML-SEM's: the effects across estimators.
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
            var caption = "Effects of ruptures and repairs at session t on distress at session t + 1 (b with 95% CI) under each rupture criterion: multilevel models with observed and detrended distress"
            caption += a.laggedEstimates.count > 1
                ? "; under the \(a.criterion.name) criterion also DSEM with latent centring (posterior median, 95% credible interval) and ML-SEM with fixed effects, where estimated."
                : "."
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
        // The row of the chosen criterion, where the other estimators' effects go; a criterion of
        // the user's own (not one of the sensitivity table's) gets a row of its own on top, with
        // the multilevel model of step 5.
        let chosenRow = rows.firstIndex { $0.criterion == a.criterion }
        let extraRow = chosenRow == nil && a.laggedEstimates.count > 1 ? 1 : 0
        let chosen = chosenRow.map { $0 + extraRow } ?? 0
        var panels = [CoefficientPlot.Panel]()
        var any = false
        for (k, rater) in raters.enumerated() {
            for event in LaggedEffect.Event.allCases {
                var series = LaggedModel.Distress.allCases.enumerated().map { (d, distress) in
                    var estimates: [CoefficientPlot.Estimate?] = rows.map { row in
                        let model = distress == .observed ? row.raters[k].observed : row.raters[k].detrended
                        return model.effect(event, rater: rater)?.estimate.map {
                            CoefficientPlot.Estimate(value: $0.estimate, lower: $0.confidenceLower, upper: $0.confidenceUpper)
                        }
                    }
                    if extraRow == 1 {
                        estimates.insert(distress == .observed ? estimate(a.laggedEstimates[0].effect(event, rater: rater)) : nil, at: 0)
                    }
                    return CoefficientPlot.Series(name: "Multilevel, \(distress.rawValue) distress", color: Palette.color(d == 0 ? 2 : 3),
                                                  estimates: estimates)
                }
                for (j, other) in a.laggedEstimates.dropFirst().enumerated() {
                    var estimates = [CoefficientPlot.Estimate?](repeating: nil, count: rows.count + extraRow)
                    estimates[chosen] = estimate(other.effect(event, rater: rater))
                    series.append(.init(name: "\(other.name) (\(a.criterion.name))", color: Palette.color(j == 0 ? 0 : 4), estimates: estimates))
                }
                any = any || series.contains { $0.estimates.contains { $0 != nil } }
                panels.append(.init(title: "\(ReplicationTables.heading(rater)) \(event.rawValue)", series: series))
            }
        }
        guard any else { return nil }
        // A criterion shown twice (the RCI at two z) is told apart by its threshold; a criterion
        // that could not be applied says so.
        var labels = a.sensitivity.rowLabels
        if extraRow == 1 { labels.insert("\(a.criterion.name) (chosen)", at: 0) }
        labels = labels.enumerated().map { (r, label) -> String in
            panels.contains { $0.series.contains { $0.estimates[r] != nil } } ? label : label + " (not run)"
        }
        return CoefficientPlot(title: a.laggedEstimates.count > 1 ? "Effects on next-session distress by rupture criterion and estimator"
                                                                  : "Effects on next-session distress under each rupture criterion",
                               xTitle: "Change in distress at session t + 1 (b, 95% interval)", rows: labels, panels: panels)
    }

    /// An estimator's effect as a point with its interval (nil without one).
    static func estimate(_ e: LaggedEstimates.Effect?) -> CoefficientPlot.Estimate? {
        guard let e, let b = e.estimate, let lo = e.lower, let hi = e.upper else { return nil }
        return CoefficientPlot.Estimate(value: b, lower: lo, upper: hi)
    }
}
