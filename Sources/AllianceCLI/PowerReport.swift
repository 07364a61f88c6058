import Foundation
import Reports
import Simulation

/// What `alliance power` and `alliance merge` write for a complete study: the summary (a table in
/// any format, or JSON), optionally the power curve (SVG) and the replications file. Both
/// commands call this with the same records, so a merged study is byte for byte the unsharded one
/// (but for the footer of an HTML summary, which records its own command line and date).
struct PowerReport {
    let study: PowerStudy
    /// Every record, replication by replication (`PowerStudy.orderedRecords`).
    let records: [FitRecord]

    /// The outputs' contents by path, computed before anything is written. `provenance` given:
    /// the summary is the HTML report.
    func files(out: String, format: OutputFormat, curve: String?, curveFactor: Int?, replications: String?,
               html provenance: ReportProvenance? = nil) throws -> [(path: String, contents: String)] {
        let summaries = study.summaries(of: records)
        let summary = try provenance.map { html(summaries, curveFactor: curveFactor, provenance: $0) } ?? summary(summaries, format: format)
        var files = [(out, summary)]
        if let curve, let curveFactor { files.append((curve, PowerCurve.svg(study: study, summaries: summaries, x: curveFactor))) }
        if let replications { files.append((replications, ReplicationLog.header(study: study, shard: nil) + ReplicationLog.lines(records, study: study))) }
        return files
    }

    func summary(_ summaries: [PerformanceSummary], format: OutputFormat) throws -> String {
        guard let tableFormat = format.tableFormat else { return try JSONOutput.string(output(summaries)) }
        let table = tableFormat == .csv ? tidyTable(summaries) : displayTable(summaries)
        return [table].rendered(as: tableFormat, labelPrefix: "power", comment: "alliance power: simulated data, seed \(study.seed)")
    }

    /// The provenance of the HTML report when the summary is one (else nil), for the command now running.
    static func provenance(format: OutputFormat?, out: String) throws -> ReportProvenance? {
        guard writesHTML(format, out: out) else { return nil }
        return try ReportProvenance.now(dataFile: nil, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                        version: Alliance.versionLine, sources: sources)
    }

    /// Whether the summary is the HTML report: no `--format`, and `out` ends in `.html`.
    static func writesHTML(_ chosen: OutputFormat?, out: String) -> Bool {
        chosen == nil && URL(fileURLWithPath: out).pathExtension.lowercased() == "html"
    }

    /// The sources of the methods the power report rests on.
    static let sources = [
        "Morris, T. P., White, I. R., & Crowther, M. J. (2019). Using simulation studies to evaluate statistical methods. Statistics in Medicine, 38(11), 2074-2102. doi:10.1002/sim.8086 (performance measures and their Monte Carlo SEs).",
        "Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1). doi:10.18637/jss.v067.i01",
        "Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: Tests in linear mixed effects models. Journal of Statistical Software, 82(13). doi:10.18637/jss.v082.i13",
        "Nickell, S. (1981). Biases in dynamic models with fixed effects. Econometrica, 49(6), 1417-1426.",
        "Asparouhov, T., Hamaker, E. L., & Muthén, B. (2018). Dynamic structural equation models. Structural Equation Modeling, 25(3), 359-388. doi:10.1080/10705511.2017.1406803",
        "Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference. Journal of the American Statistical Association, 22, 209-212 (the bands of the power curve).",
        "The data-generating process, the estimators and their known biases: docs/METHODS.md, \"Simulation and power\".",
    ]

    /// The HTML report: what was simulated, the table, the power curve (against the requested
    /// or first numeric grid factor, if there is one), and the configuration in force.
    func html(_ summaries: [PerformanceSummary], curveFactor: Int?, provenance: ReportProvenance) -> String {
        let analysis = study.configuration.analysis
        var sections = [HTMLReport.Section("What was simulated", designNotes().map { .paragraph($0) })]
        sections.append(HTMLReport.Section("Power and performance", [.table(displayTable(summaries))]))
        if let x = curveFactor ?? (try? PowerCurve.xFactor(of: study.configuration, requested: nil)) {
            let caption = "Power of each estimator against \(GridFactorLabel.label(study.configuration.grid.factors[x].path)), with Monte Carlo 95% Wilson intervals; simulated data."
            sections.append(HTMLReport.Section("Power curves", [.figure(.init(svg: PowerCurve.svg(study: study, summaries: summaries, x: x), caption: caption))]))
        }
        sections.append(HTMLReport.Section("Configuration in force", [
            .paragraph("Every field of the study, as alliance power --print-config writes it; run it again with --config and the same --seed and --reps for the same numbers."),
            .preformatted(study.configuration.canonicalText),
        ]))
        return HTMLReport(title: "Power study (simulated data)", subtitle: nil,
                          facts: [("Replications", "\(study.replications) per cell, seed \(study.seed)"),
                                  ("Criterion", analysis.criterion.label),
                                  ("Estimators", analysis.estimators.map(\.name).joined(separator: ", "))],
                          notices: ["Simulated data, not real patients: every number below describes the simulated design, not a study's results."],
                          sections: sections, provenance: provenance).rendered()
    }

    /// The extensions `--out` may have without `--format`.
    static let knownExtensions = ["txt", "md", "markdown", "tex", "csv", "json", "html"]

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

    /// The coverage of a CI a well-behaved estimator reaches (95% CIs); outside it, the row is
    /// flagged: the estimator is biased or its SE is wrong in this design, and its "power" is the
    /// rate at which it rejects zero, not the power to detect the true effect.
    static let acceptableCoverage = 0.90...0.98

    /// Whether the row's estimator misses the truth (its CIs cover it in less than 90% or more
    /// than 98% of the replications).
    static func flagged(_ s: PerformanceSummary) -> Bool {
        guard let c = s.coverage?.value else { return false }
        return !acceptableCoverage.contains(c)
    }

    /// What was simulated, in sentences: the design (patients, therapists, sessions, missing
    /// data, scales), the true effects in points of the distress scale, the grid, the criterion.
    func designNotes() -> [String] {
        let configuration = study.configuration
        let p = configuration.process, d = p.design, s = d.sessions
        func number(_ x: Double) -> String { CellFormatting.exact(x) }
        func percent(_ x: Double) -> String { CellFormatting.exact((1000 * x).rounded() / 10) + "%" }
        let spread = s.distribution == .negativeBinomial ? ", SD \(number(s.sd))" : ""
        var design = (factors.isEmpty ? "Design simulated: " : "Design simulated (the grid factors below vary by cell): ") + "\(d.patients) patients, \(d.therapists) therapists (\(d.caseload.rawValue) caseloads); sessions per patient \(s.distribution.rawValue) with mean \(number(s.mean))\(spread), \(s.minimum) to \(s.maximum)"
        if d.missing.session > 0 { design += "; \(percent(d.missing.session)) of sessions missed" }
        if d.dropout.hazard > 0 || d.dropout.openRuptureHazard > 0 {
            design += "; dropout \(number(d.dropout.hazard)) per session (\(number(d.dropout.openRuptureHazard)) while a rupture is open)"
        }
        func range(_ scale: SimulatedScale) -> String { "\(number(scale.minimum))-\(number(scale.maximum))" }
        let (patientScale, therapistScale) = (p.alliance.patient.scale, p.alliance.therapist.scale)
        design += patientScale == therapistScale ? "; alliance rated \(range(patientScale)) by both raters"
            : "; alliance rated \(range(patientScale)) by patients and \(range(therapistScale)) by therapists"
        design += "; distress \(range(p.distress.scale))."
        let e = p.distress
        let truth = "True effects of a rupture (repair) the rater perceived at session t on distress at t + 1, in points of the distress scale: patient-rated \(number(e.ruptureEffect.patient)) (\(number(e.repairEffect.patient))), therapist-rated \(number(e.ruptureEffect.therapist)) (\(number(e.repairEffect.therapist))); autoregression of distress \(number(e.autoregression)); ruptures start in \(percent(p.ruptures.rate)) of sessions, the patient perceives \(percent(p.ruptures.sensitivity.patient)) and the therapist \(percent(p.ruptures.sensitivity.therapist)) of them."
        var notes = [design, truth]
        if !factors.isEmpty {
            notes.append("The grid varies " + factors.map { "\(GridFactorLabel.label($0.path)) (\($0.path): \($0.values.joined(separator: ", ")))" }.joined(separator: "; ") + "; every other value as above in every cell.")
        }
        return notes
    }

    func displayTable(_ summaries: [PerformanceSummary]) -> Table {
        let analysis = study.configuration.analysis
        var t = Table(title: "Table 1. Power and performance of the estimators (simulated data, \(study.replications) replications per cell)",
                      name: "power",
                      columns: [TableColumn("Rater", alignment: .left), TableColumn("Estimator", alignment: .left),
                                TableColumn("Term", alignment: .left), TableColumn("True effect"), TableColumn("Power"),
                                TableColumn("Mean"), TableColumn("Bias"), TableColumn("RMSE"), TableColumn("Coverage"),
                                TableColumn("Failed"), TableColumn("Ruptures")])
        var currentCell = 0
        for s in summaries {
            if !factors.isEmpty && s.cell != currentCell {
                t.appendSection("Cell \(s.cell): " + zip(factors, s.factorValues).map { "\(GridFactorLabel.label($0.path)) = \($1)" }.joined(separator: ", "))
            }
            currentCell = s.cell
            var power = measure(s.power, bounded: true)
            if Self.flagged(s), case .text(let text) = power { power = .text(text + " †") }
            t.append([.text(heading(s.rater)), .text(s.estimator), .text(s.term.rawValue), .number(s.truth, decimals: 2),
                      power, measure(s.meanEstimate), measure(s.bias), measure(s.rmse),
                      measure(s.coverage, bounded: true), measure(s.failed, bounded: true),
                      s.prevalence.map { .percent(100 * $0, decimals: 1) } ?? .empty])
        }
        let level = CellFormatting.fixed(100 * (1 - analysis.alpha), decimals: 0)
        let flagged = summaries.filter(Self.flagged).count
        t.notes = [
            "Simulated data, not real patients: \(study.replications) replications per cell, seed \(study.seed) (the configuration in force: alliance power --print-config).",
        ] + designNotes() + [
            "Power: share of replications with p < \(CellFormatting.withoutLeadingZero(CellFormatting.exact(analysis.alpha))) (a failed fit counts as not significant). Mean, bias, RMSE and coverage of the \(level)% CI: over the replications with an estimate. Monte Carlo standard errors in parentheses (Morris, White & Crowther 2019).",
            "Failed: share of replications without an estimate (the fit failed, or the term could not be estimated, e.g. no rupture detected). Ruptures: mean share of patients with at least one detected rupture (criterion \(analysis.criterion.label)).",
            "True effect: the effect of a rupture (repair) the rater perceived at session t on distress at t + 1 in the simulation, in points of distress. Estimators: "
                + analysis.estimators.map { "\($0.name), \($0.formula) (\(Self.methodLabel($0)))" }.joined(separator: "; ") + ".",
            "† \(flagged) of \(summaries.count) rows: the \(level)% CI covered the true effect in less than \(CellFormatting.fixed(100 * Self.acceptableCoverage.lowerBound, decimals: 0))% or more than \(CellFormatting.fixed(100 * Self.acceptableCoverage.upperBound, decimals: 0))% of the replications: the estimator is biased (or its SE wrong) in this design, and its power is the rate of rejecting zero, not the power to detect the true effect (docs/METHODS.md, \"Estimators\").",
        ]
        if analysis.oracle {
            t.notes.append("(oracle): the same estimator fitted to the events that really happened in the simulation (the ruptures and repairs the rater perceived) instead of the detected ones: its bias is the estimator's own; the difference from the row above is the effect of misclassified ruptures.")
        }
        if analysis.estimators.contains(where: { $0.method == .dsem }) {
            t.notes.append("DSEM (Bayesian): the estimate is the posterior median, the CI the equal-tailed \(level)% credible interval, p twice the one-tailed posterior p.")
        }
        return t
    }

    /// How an estimator fits its formula, for the notes.
    static func methodLabel(_ estimator: Estimator) -> String {
        switch estimator.method {
        case .linearMixedModel:
            return "lme4 formula" + (estimator.residuals.map { " with residual correlation \($0) as in nlme" } ?? "") + ", REML, Satterthwaite df"
        case .dsem: return "DSEM formula, Bayesian, Mplus's priors and PSR rule"
        case .mlsem(let sessions): return "dpm formula, ML-SEM by maximum likelihood (FIML), sessions \(sessions.lowerBound)-\(sessions.upperBound)"
        }
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
