import Ruptures
import SessionData

/// The figure of `alliance ruptures` (and of the rupture step of `alliance replicate`): each
/// patient's series per rater in small multiples (the first `maximumPatients` patients), ruptures
/// (downward triangles) and repairs (upward triangles) of the criterion marked, a missed session
/// breaking the line.
public enum RuptureFigures {
    public static let maximumPatients = 120

    /// Panels per row: six keep the figure (882 px) within the column of an HTML report, so its
    /// 10 px text is shown at its natural size, not scaled down.
    public static let columns = 6

    /// The color of a rater in every figure: the patient blue, the therapist vermilion (as in
    /// every alliance figure), any other rater (or rating) the next Okabe-Ito colors by its
    /// `position` among the others (0 for the first).
    public static func color(of rater: String, position: Int) -> String {
        switch rater {
        case "patient": return Palette.color(0)
        case "therapist": return Palette.color(1)
        default: return Palette.color(2 + position)
        }
    }

    /// `Patient-rated (wai_pat)`: the rater and the user's column (the column alone when the
    /// rater is named by it).
    public static func label(of rater: Rater) -> String {
        rater.heading == rater.column ? rater.column : "\(rater.heading) (\(rater.column))"
    }

    /// Each patient's series per rater of `results` (detected in `panel`). When the raters'
    /// scales differ, ratings are drawn as percent of their scale's range (0 = the lowest
    /// possible rating, 100 = the highest), so they share one axis, labelled so. Ratings at the
    /// scale's maximum are ringed on a dashed line.
    public static func patientSeries(panel: Panel, results: [RaterResult], criterion: String) -> SmallMultiplesChart {
        let shown = min(panel.patientCount, maximumPatients)
        var scales = [RatingScale?]()
        var raters = [(result: RaterResult, values: [Double], color: String, dashed: Bool)]()
        var others = 0
        for result in results {
            let name = result.rater.name
            scales.append(panel.scales[result.rater.column])
            raters.append((result, (try? panel.values(of: result.rater.column)) ?? [], color(of: name, position: others), name == "therapist"))
            if name != "patient" && name != "therapist" { others += 1 }
        }
        let known = scales.compactMap { $0 }
        let common = known.count == scales.count ? PanelDescriptionFigures.commonRange(known) : nil
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
                    if rater.result.ruptureIndicator[r] == 1 { markers.append(.init(x: x, y: y, shape: .triangleDown, color: rater.color)) }
                    if rater.result.repairIndicator[r] == 1 { markers.append(.init(x: x, y: y, shape: .triangleUp, color: rater.color)) }
                }
                lines.append(.init(points: points, color: rater.color, dashed: rater.dashed))
            }
            panels.append(.init(title: panel.patientIDs[p], lines: lines, markers: markers))
        }
        var keys = raters.map { SmallMultiplesChart.Key(name: label(of: $0.result.rater), color: $0.color, dashed: $0.dashed) }
        keys += [.init(name: "Rupture", color: Palette.axis, shape: .triangleDown), .init(name: "Repair", color: Palette.axis, shape: .triangleUp)]
        let more = panel.patientCount > shown ? " (first \(shown) of \(panel.patientCount) patients)" : ""
        // Raters other than the patient's and the therapist's alliance (--rater COLUMN) may rate anything.
        let rating = results.allSatisfy { ["patient", "therapist"].contains($0.rater.name) } ? "Alliance" : "Rating"
        let yTitle = percent ? "\(rating), % of the scale's range (0 = lowest, 100 = highest rating)"
            : rating + (common.map { " (\(PanelDescriptionFigures.scaleText($0)))" } ?? "")
        var chart = SmallMultiplesChart(title: "\(rating) by session for each patient, ruptures and repairs (\(criterion))\(more)",
                                        xTitle: "Session", yTitle: yTitle, panels: panels, keys: keys,
                                        yDomain: percent ? (0, 100) : common)
        chart.ceiling = percent ? 100 : common?.1
        chart.columns = columns
        return chart
    }
}
