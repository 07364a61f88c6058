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

    /// The SVG of the curve with grid factor `x` on the x axis.
    static func svg(study: PowerStudy, summaries: [PerformanceSummary], x: Int) -> String {
        let factors = study.configuration.grid.factors
        let raters = study.configuration.analysis.raters
        var panels = [LineChart]()
        for rater in raters {
            for term in Estimator.FocalTerm.allCases {
                let rows = summaries.filter { $0.rater == rater && $0.term == term }
                guard !rows.isEmpty else { continue }
                // One series per estimator and combination of the other factors, in order of appearance.
                var keys = [String]()
                var points = [String: [(x: Double, y: Double)]]()
                var bands = [String: [(lower: Double, upper: Double)]]()
                for row in rows {
                    let others = factors.indices.filter { $0 != x }.map { "\(factors[$0].path) = \(row.factorValues[$0])" }
                    let key = ([row.estimator] + others).joined(separator: "; ")
                    if points[key] == nil { keys.append(key) }
                    let rejections = Int((row.power.value * Double(row.replications)).rounded())
                    let interval = WilsonInterval(successes: rejections, trials: row.replications)
                    points[key, default: []].append((Double(row.factorValues[x]) ?? .nan, row.power.value))
                    bands[key, default: []].append((interval?.lower ?? row.power.value, interval?.upper ?? row.power.value))
                }
                var heading = "\(rater == .patient ? "Patient" : "Therapist")-rated \(term == .rupture ? "ruptures" : "repairs")"
                if let truth = rows.first?.truth, rows.allSatisfy({ $0.truth == truth }) {
                    heading += truth == 0 ? " (true effect 0: type I error)" : " (true effect \(CellFormatting.exact(truth)))"
                }
                var chart = LineChart(title: heading, xTitle: factors[x].path, yTitle: "Power (share p < \(CellFormatting.withoutLeadingZero(CellFormatting.exact(study.configuration.analysis.alpha))))",
                                      series: keys.map { LineChart.Series(name: $0, points: points[$0] ?? [], band: bands[$0]) },
                                      yDomain: (0, 1))
                chart.referenceLines = [(0.8, "80%")]
                chart.width = 720
                panels.append(chart)
            }
        }
        let columns = 2
        let width = 720.0, height = 420.0
        let rows = (panels.count + columns - 1) / columns
        var svg = SVGDocument(width: width * Double(min(columns, panels.count)), height: height * Double(rows) + 30,
                              title: "Power curves (simulated data, seed \(study.seed), \(study.replications) replications per cell)",
                              description: "Power of each estimator against \(factors[x].path); bands: Monte Carlo 95% Wilson intervals.")
        svg.text("Simulated data: \(study.replications) replications per cell, seed \(study.seed); bands are Monte Carlo 95% intervals",
                 at: (12, 20), size: 12, color: Palette.muted)
        for (k, chart) in panels.enumerated() {
            svg.group(offsetX: width * Double(k % columns), offsetY: 30 + height * Double(k / columns)) { chart.draw(into: &$0) }
        }
        return svg.rendered
    }
}
