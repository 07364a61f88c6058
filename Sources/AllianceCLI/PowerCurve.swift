import Reports
import Ruptures
import Simulation

/// The power curve of a power study: one panel per rater and focal term (patient-rated
/// ruptures, patient-rated repairs, ...), power against a numeric grid factor (the x axis), one
/// line per estimator (and per combination of the other grid factors), each with its Monte Carlo
/// 95% interval (Wilson score interval of the replications' rejections) as a band, and a
/// reference line at 80% power.
enum PowerCurve {
    /// The grid factor on the x axis: `requested` (a factor's path), or the first factor whose
    /// values are all numbers. Checked before a study runs, so a bad choice costs nothing.
    static func xFactor(of configuration: StudyConfiguration, requested: String?) throws -> Int {
        let factors = configuration.grid.factors
        let numeric = { (f: DesignGrid.Factor) in f.values.count >= 2 && f.values.allSatisfy { Double($0) != nil } }
        if let requested {
            guard let k = factors.firstIndex(where: { $0.path == requested }) else {
                throw CommandInputError("--curve-factor: '\(requested)' is not a grid factor (grid factors: \(factors.isEmpty ? "none" : factors.map(\.path).joined(separator: ", ")))")
            }
            guard numeric(factors[k]) else {
                throw CommandInputError("--curve-factor: the values of '\(requested)' are not two or more numbers")
            }
            return k
        }
        guard let k = factors.firstIndex(where: numeric) else {
            throw CommandInputError("--curve: a power curve needs a grid factor with two or more numbers as values, e.g. 'grid: {patients: [60, 120, 200]}'")
        }
        return k
    }

    /// Line styles for the combinations of the grid factors not on the x axis (colors stand for
    /// the estimators).
    static let dashes: [String?] = [nil, "7 4", "2 3", "9 3 2 3", "4 2", "12 4"]

    /// The SVG of the curve with grid factor `x` on the x axis: one panel per rater and focal
    /// term, a color per estimator and a line style per combination of the other grid factors,
    /// named in two legends under the panels (human names for the factors, `GridFactorLabel`).
    static func svg(study: PowerStudy, summaries: [PerformanceSummary], x: Int) -> String {
        let factors = study.configuration.grid.factors
        let others = factors.indices.filter { $0 != x }
        let raters = study.configuration.analysis.raters
        let estimators = study.configuration.analysis.estimators.map(\.name)
        // The combinations of the other factors, in order of appearance.
        var combinations = [String]()
        func combination(_ row: PerformanceSummary) -> String {
            others.map { "\(GridFactorLabel.label(factors[$0].path)) = \(row.factorValues[$0])" }.joined(separator: ", ")
        }
        for row in summaries where !combinations.contains(combination(row)) { combinations.append(combination(row)) }
        let alpha = CellFormatting.withoutLeadingZero(CellFormatting.exact(study.configuration.analysis.alpha))
        var panels = [LineChart]()
        for rater in raters {
            for term in Estimator.FocalTerm.allCases {
                let rows = summaries.filter { $0.rater == rater && $0.term == term }
                guard !rows.isEmpty else { continue }
                var keys = [(estimator: String, combination: String)]()
                var points = [String: [(x: Double, y: Double)]]()
                var bands = [String: [(lower: Double, upper: Double)]]()
                for row in rows {
                    let key = row.estimator + "\u{1}" + combination(row)
                    if points[key] == nil { keys.append((row.estimator, combination(row))) }
                    let rejections = Int((row.power.value * Double(row.replications)).rounded())
                    let interval = WilsonInterval(successes: rejections, trials: row.replications)
                    points[key, default: []].append((Double(row.factorValues[x]) ?? .nan, row.power.value))
                    bands[key, default: []].append((interval?.lower ?? row.power.value, interval?.upper ?? row.power.value))
                }
                var heading = "\(rater == .patient ? "Patient" : "Therapist")-rated \(term == .rupture ? "ruptures" : "repairs")"
                if let truth = rows.first?.truth, rows.allSatisfy({ $0.truth == truth }) {
                    heading += truth == 0 ? " (true effect 0: type I error)" : " (true effect \(Typography.minusSigns(CellFormatting.exact(truth))))"
                }
                let series = keys.map { key -> LineChart.Series in
                    let id = key.estimator + "\u{1}" + key.combination
                    let e = estimators.firstIndex(of: key.estimator) ?? 0, c = combinations.firstIndex(of: key.combination) ?? 0
                    return LineChart.Series(name: key.estimator, points: points[id] ?? [], band: bands[id],
                                            color: Palette.color(e), dash: dashes[c % dashes.count])
                }
                var chart = LineChart(title: heading, xTitle: GridFactorLabel.label(factors[x].path),
                                      yTitle: "Power (share p < \(alpha))", series: series, yDomain: (0, 1))
                chart.referenceLines = [(0.8, "80%")]
                chart.width = 560
                chart.plotHeight = 250
                chart.bandOpacity = 0.10
                chart.legends = []
                panels.append(chart)
            }
        }
        var legends = [Legend(title: "Estimator:", entries: estimators.enumerated().map { (e, name) in
            Legend.Entry(name: name, color: Palette.color(e))
        })]
        if !others.isEmpty {
            legends.append(Legend(title: "Line:", entries: combinations.enumerated().map { (c, name) in
                Legend.Entry(name: name, color: Palette.axis, dash: dashes[c % dashes.count])
            }))
        }
        return ChartGrid(title: "Power curves (simulated data)",
                         subtitle: "\(study.replications) replications per cell, seed \(study.seed); bands: Monte Carlo 95% Wilson intervals",
                         panels: panels, columns: 2, legends: legends)
            .svg(description: "Power of each estimator against \(GridFactorLabel.label(factors[x].path)); bands: Monte Carlo 95% Wilson intervals.")
            .rendered
    }
}
