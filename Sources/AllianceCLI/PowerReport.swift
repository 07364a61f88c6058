import Foundation
import Reports
import Simulation

/// What `alliance power` and `alliance merge` write for a complete study: the summary (a table in
/// any format, or JSON), optionally the power curve (SVG) and the replications file. Both
/// commands call this with the same records, so a merged study is byte for byte the unsharded one.
struct PowerReport {
    let study: PowerStudy
    /// Every record, replication by replication (`PowerStudy.orderedRecords`).
    let records: [FitRecord]

    /// The outputs' contents by path, computed before anything is written.
    func files(out: String, format: OutputFormat, curve: String?, curveFactor: Int?, replications: String?) throws -> [(path: String, contents: String)] {
        let summaries = study.summaries(of: records)
        var files = [(out, try summary(summaries, format: format))]
        if let curve, let curveFactor { files.append((curve, PowerCurve.svg(study: study, summaries: summaries, x: curveFactor))) }
        if let replications { files.append((replications, ReplicationLog.header(study: study, shard: nil) + ReplicationLog.lines(records, study: study))) }
        return files
    }

    func summary(_ summaries: [PerformanceSummary], format: OutputFormat) throws -> String {
        guard let tableFormat = format.tableFormat else { return try JSONOutput.string(output(summaries)) }
        let table = tableFormat == .csv ? tidyTable(summaries) : displayTable(summaries)
        return table.rendered(as: tableFormat)
    }

    /// The format named by `--format`, else by the extension of `out` (.md, .tex, .csv, .json),
    /// else text.
    static func format(_ chosen: OutputFormat?, out: String) -> OutputFormat {
        if let chosen { return chosen }
        switch URL(fileURLWithPath: out).pathExtension.lowercased() {
        case "md", "markdown": return .markdown
        case "tex": return .latex
        case "csv": return .csv
        case "json": return .json
        default: return .text
        }
    }

    private var factors: [DesignGrid.Factor] { study.configuration.grid.factors }

    private func heading(_ rater: SimulatedRater) -> String { rater == .patient ? "Patient" : "Therapist" }

    /// `.812 (.012)` for proportions, `1.503 (0.041)` for estimates.
    private func measure(_ m: MonteCarloEstimate?, bounded: Bool = false) -> Cell {
        guard let m else { return .empty }
        func show(_ x: Double) -> String {
            let s = CellFormatting.fixed(x, decimals: 3)
            return bounded ? CellFormatting.withoutLeadingZero(s) : s
        }
        return .text(show(m.value) + (m.standardError.map { " (\(show($0)))" } ?? ""))
    }

    func displayTable(_ summaries: [PerformanceSummary]) -> Table {
        let analysis = study.configuration.analysis
        var t = Table(title: "Table 1. Power and performance of the estimators (simulated data, \(study.replications) replications per cell)",
                      name: "power",
                      columns: [TableColumn("Rater", alignment: .left), TableColumn("Estimator", alignment: .left),
                                TableColumn("Term", alignment: .left), TableColumn("True"), TableColumn("Power"),
                                TableColumn("Mean"), TableColumn("Bias"), TableColumn("RMSE"), TableColumn("Coverage"),
                                TableColumn("Failed"), TableColumn("Ruptures")])
        var currentCell = 0
        for s in summaries {
            if !factors.isEmpty && s.cell != currentCell {
                t.appendSection("Cell \(s.cell): " + zip(factors, s.factorValues).map { "\($0.path) = \($1)" }.joined(separator: ", "))
            }
            currentCell = s.cell
            t.append([.text(heading(s.rater)), .text(s.estimator), .text(s.term.rawValue), .number(s.truth, decimals: 2),
                      measure(s.power, bounded: true), measure(s.meanEstimate), measure(s.bias), measure(s.rmse),
                      measure(s.coverage, bounded: true), measure(s.failed, bounded: true),
                      s.prevalence.map { .percent(100 * $0, decimals: 1) } ?? .empty])
        }
        let level = CellFormatting.fixed(100 * (1 - analysis.alpha), decimals: 0)
        t.notes = [
            "Simulated data, not real patients: \(study.replications) replications per cell, seed \(study.seed) (the configuration in force: alliance power --print-config).",
            "Power: share of replications with p < \(CellFormatting.withoutLeadingZero(CellFormatting.exact(analysis.alpha))) (a failed fit counts as not significant). Mean, bias, RMSE and coverage of the \(level)% CI: over the replications with an estimate. Monte Carlo standard errors in parentheses (Morris, White & Crowther 2019).",
            "Failed: share of replications without an estimate (the fit failed, or the term could not be estimated, e.g. no rupture detected). Ruptures: mean share of patients with at least one detected rupture (criterion \(analysis.criterion.label)).",
            "True: the effect of a rupture (repair) the rater perceived at session t on distress at t + 1 in the simulation. Estimators: "
                + analysis.estimators.map { "\($0.name), \($0.formula)" }.joined(separator: "; ") + ".",
        ]
        if analysis.oracle {
            t.notes.append("(oracle): the same estimator fitted to the events that really happened in the simulation (the ruptures and repairs the rater perceived) instead of the detected ones: its bias is the estimator's own; the difference from the row above is the effect of misclassified ruptures.")
        }
        if analysis.estimators.contains(where: { $0.kind == .dsem }) {
            t.notes.append("DSEM (Bayesian): the estimate is the posterior median, the CI the equal-tailed \(level)% credible interval, p twice the one-tailed posterior p.")
        }
        return t
    }

    /// One row per cell, rater, estimator and term, every measure and its Monte Carlo SE in its own column.
    func tidyTable(_ summaries: [PerformanceSummary]) -> Table {
        let names = ["cell"] + factors.map(\.path) + [
            "rater", "estimator", "term", "truth", "replications", "estimated", "power", "power_mcse", "mean", "mean_mcse",
            "bias", "bias_mcse", "empirical_se", "empirical_se_mcse", "mean_model_se", "rmse", "rmse_mcse", "coverage",
            "coverage_mcse", "failed", "failed_mcse", "not_converged", "singular", "prevalence",
        ]
        var t = Table(title: "", name: "power", columns: names.map { TableColumn($0) })
        func number(_ x: Double?) -> Cell { x.map { .number($0, decimals: 6) } ?? .empty }
        func pair(_ m: MonteCarloEstimate?) -> [Cell] { [number(m?.value), number(m?.standardError)] }
        for s in summaries {
            var row: [Cell] = [.integer(s.cell)] + s.factorValues.map { .text($0) }
            row += [.text(s.rater.rawValue), .text(s.estimator), .text(s.term.rawValue), number(s.truth), .integer(s.replications),
                    .integer(s.estimated)]
            row += pair(s.power) + pair(s.meanEstimate) + pair(s.bias) + pair(s.empiricalSE) + [number(s.meanModelSE)]
            row += pair(s.rmse) + pair(s.coverage) + pair(s.failed) + [number(s.notConverged), number(s.singular), number(s.prevalence)]
            t.append(row)
        }
        return t
    }

    /// The JSON of `--format json`.
    struct Output: Encodable {
        struct Factor: Encodable { let path: String; let values: [String] }
        struct EstimatorFormula: Encodable { let name: String; let formula: String }
        let simulated = true
        let note = "Simulated data, not real patients."
        let seed: UInt64
        let replications: Int
        let configuration: String
        let grid: [Factor]
        let estimators: [EstimatorFormula]
        let results: [PerformanceSummary]
    }

    func output(_ summaries: [PerformanceSummary]) -> Output {
        Output(seed: study.seed, replications: study.replications, configuration: study.configuration.canonicalText,
               grid: factors.map { Output.Factor(path: $0.path, values: $0.values) },
               estimators: study.configuration.analysis.estimators.map { Output.EstimatorFormula(name: $0.name, formula: $0.formula) },
               results: summaries)
    }
}
