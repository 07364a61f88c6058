import DSEM
import Foundation
import MixedModels
import Ruptures
import SEM
import SessionData
import Simulation
import Tabular

/// Benchmark driver: `alliance-benchmarks TASK ARGS...` times one task and prints a line of
/// `task seconds detail`. The scripts in Benchmarks/ call it next to R and print ratios.
let arguments = CommandLine.arguments.dropFirst()
guard let task = arguments.first else {
    print("""
    usage: AllianceBenchmarks read-csv FILE
           AllianceBenchmarks fit FILE FORMULA [ml] [factor=COL,...]
           AllianceBenchmarks generate-panel PATIENTS THERAPISTS SESSIONS SEED OUT.csv
           AllianceBenchmarks ruptures FILE [CRITERION]
           AllianceBenchmarks bootstrap FILE FORMULA REPLICATES [ml] [residuals=STRUCTURE]
           AllianceBenchmarks profile FILE FORMULA [ml]
           AllianceBenchmarks kenward-roger FILE FORMULA
           AllianceBenchmarks fit-residuals FILE FORMULA STRUCTURE [ml]
           AllianceBenchmarks lagged-variables FILE OUT.csv
           AllianceBenchmarks mlsem FILE FORMULA ID TIME [SESSIONS] [listwise] [error-inv]
           AllianceBenchmarks mlsem-simulation REPLICATIONS SEED [PATIENTS SESSIONS DROPOUT MISSED]
           AllianceBenchmarks dsem-table1 SESSIONS PATIENTS REPLICATIONS SEED [latent|first]
    """)
    exit(2)
}
func seconds<T>(_ body: () throws -> T) rethrows -> (Double, T) {
    let start = DispatchTime.now().uptimeNanoseconds
    let detail = try body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, detail)
}
do {
    switch task {
    case "read-csv":
        let path = arguments.dropFirst().first!
        let (t, detail) = try seconds {
            let table = try DelimitedTextReader().read(path: path)
            return "\(table.rowCount) rows x \(table.names.count) columns"
        }
        print("read-csv \(String(format: "%.3f", t)) \(detail)")
    case "ruptures":
        // Load and validate the panel, then detect ruptures for both raters (no sensitivity table).
        let a = Array(arguments.dropFirst())
        guard let path = a.first else { print("ruptures FILE [CRITERION]"); exit(2) }
        let criterion = try RuptureCriterion.preset(named: a.count > 1 ? a[1] : "drop")
        var loadSeconds = 0.0
        let (t, detail) = try seconds {
            let (load, panel) = try seconds { try Panel.read(path: path) }
            loadSeconds = load
            let raters = Rater.allianceRaters(in: panel)
            let report = try RuptureReport(panel: panel, raters: raters, criterion: criterion, sensitivity: false)
            let counts = report.raters.map { "\($0.rater) \($0.ruptures) ruptures in \($0.patientsWithRupture)/\($0.patients) patients" }
            return "\(panel.rowCount) rows, criterion \(criterion.name): " + counts.joined(separator: "; ")
        }
        print("ruptures \(String(format: "%.3f", t)) (load \(String(format: "%.3f", loadSeconds))) \(detail)")
    case "fit":
        let a = Array(arguments.dropFirst())
        guard a.count >= 2 else { print("fit FILE FORMULA [ml]"); exit(2) }
        let start = DispatchTime.now().uptimeNanoseconds
        let table = try DelimitedTextReader().read(path: a[0])
        let read = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let model = try LinearMixedModel(formula: a[1], data: table, method: a.contains("ml") ? .ml : .reml)
        let setup = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 - read
        let fit = try model.fit()
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "fit read %.3f setup %.3f optimize %.3f inference %.3f total %.3f evaluations %d objective %.6f",
                     read, setup, fit.timing.fitSeconds, fit.timing.inferenceSeconds, total,
                     fit.optimizerEvaluations, fit.objective))
        for e in fit.fixedEffects {
            print(String(format: "  %@ %.6f se %.6f df %.3f", e.term, e.estimate, e.standardError, e.degreesOfFreedom))
        }
    case "mlsem":
        // Read the panel (not timed), then build and fit the ML-SEM model, fit indices included.
        let a = Array(arguments.dropFirst())
        guard a.count >= 4 else { print("mlsem FILE FORMULA ID TIME [FIRST:LAST] [listwise] [error-inv]"); exit(2) }
        var columns = ColumnMapping()
        try columns.apply(specification: "patient=\(a[2]),session=\(a[3])")
        let panel = try Panel.read(path: a[0], columns: columns)
        var options = MLSEMOptions()
        if let range = a.dropFirst(4).first(where: { $0.contains(":") }) {
            let ends = range.split(separator: ":").compactMap { Int($0) }
            options.sessions = ends[0]...ends[1]
        }
        if a.contains("listwise") { options.missing = .listwise }
        if a.contains("error-inv") { options.errorInvariant = true }
        let (t, fit) = try seconds { try MLSEM(formula: a[1], options: options).fit(panel) }
        let s = fit.sem
        print(String(format: "mlsem %.3f parameters %d patterns %d evaluations %d newton %d chisq %.6f df %d loglik %.6f",
                     t, s.parameterCount, s.patternCount, s.evaluations, s.newtonSteps, s.fitIndices?.chisq ?? .nan,
                     s.fitIndices?.df ?? 0, s.logLikelihood))
        print(String(format: "  timing: start %.3f optimize %.3f newton %.3f information %.3f fit indices %.3f",
                     s.timing.start, s.timing.optimization, s.timing.newton, s.timing.information, s.timing.fitIndices))
        for c in fit.coefficients {
            print(String(format: "  %@ %.6f se %.6f", c.term, c.estimate, c.se))
        }
    case "mlsem-simulation":
        // ML-SEM against the observed-centred multilevel model on a dynamic panel with feedback.
        let a = Array(arguments.dropFirst())
        guard a.count >= 2, let reps = Int(a[0]), let seed = UInt64(a[1]) else {
            print("mlsem-simulation REPLICATIONS SEED [PATIENTS SESSIONS DROPOUT MISSED]"); exit(2)
        }
        var process = DynamicPanelProcess()
        if a.count >= 6, let n = Int(a[2]), let t = Int(a[3]), let d = Double(a[4]), let m = Double(a[5]) {
            process.patients = n; process.sessions = t; process.dropoutShare = d; process.missedShare = m
        }
        let study = NickellBiasStudy(process: process, replications: reps, seed: seed)
        let (t, results) = try seconds { try study.run() }
        let s = NickellBiasStudy.summaries(results, process: process)
        let nickell = -(1 + process.rho) / Double(process.sessions - 1)
        print(String(format: "mlsem-simulation %.1f s: %d replications, N = %d, T = %d, dropout %.2f, missed %.2f, rho %.2f, beta %.2f; Nickell's -(1+rho)/(T-1) = %.3f",
                     t, reps, process.patients, process.sessions, process.dropoutShare, process.missedShare, process.rho, process.beta, nickell))
        print("| estimator | parameter | true | mean | bias (MC SE) | RMSE | 95% CI coverage (MC SE) | fits |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for (name, pair) in [("ML-SEM (FIML)", s.mlsem), ("multilevel, observed-centred lags", s.multilevel)] {
            for (parameter, x) in [("rho", pair.rho), ("beta", pair.beta)] {
                print(String(format: "| %@ | %@ | %.2f | %.4f | %+.4f (%.4f) | %.4f | %.3f (%.3f) | %d |", name, parameter, x.truth,
                             x.meanEstimate, x.bias, x.biasStandardError, x.rmse, x.coverage, x.coverageStandardError, x.fits))
            }
        }
        var reasons = [String: Int]()
        for r in results { if let why = r.mlsemFailure { reasons[why, default: 0] += 1 } }
        for (why, count) in reasons.sorted(by: { $0.value > $1.value }) { print("ML-SEM failed \(count) times: \(why)") }
        let failed = results.indices.filter { results[$0].mlsemFailure != nil }
        if !failed.isEmpty { print("failed replications: \(failed.map(String.init).joined(separator: ", "))") }
        let times = results.map(\.mlsemSeconds).sorted()
        if !times.isEmpty { print(String(format: "ML-SEM fit (estimates and SEs, no fit indices): median %.3f s per replication (%d threads)", times[times.count / 2], ProcessInfo.processInfo.activeProcessorCount)) }
    case "bootstrap":
        // A parametric bootstrap of a fitted model: fit (not timed), then the replicates.
        let a = Array(arguments.dropFirst())
        guard a.count >= 3, let n = Int(a[2]) else { print("bootstrap FILE FORMULA REPLICATES [ml] [residuals=STRUCTURE]"); exit(2) }
        let table = try DelimitedTextReader().read(path: a[0])
        let residuals = a.first { $0.hasPrefix("residuals=") }.map { String($0.dropFirst("residuals=".count)) }
        let model = try LinearMixedModel(formula: a[1], data: table, method: a.contains("ml") ? .ml : .reml, residuals: residuals)
        let fit = try model.fit(satterthwaite: false)
        let boot = try ParametricBootstrap(model: model, fit: fit, replicates: n, seed: 1)
        print(String(format: "bootstrap %.3f replicates %d singular %d failed %d threads %d", boot.seconds, n,
                     boot.singularReplicates, boot.failedReplicates, ProcessInfo.processInfo.activeProcessorCount))
        for p in boot.parameters {
            print(String(format: "  %@ %.5f se %.5f shortest [%.4f, %.4f] percentile [%.4f, %.4f]", p.name, p.estimate, p.standardError,
                         p.shortest.lower, p.shortest.upper, p.percentile.lower, p.percentile.upper))
        }
    case "profile":
        let a = Array(arguments.dropFirst())
        guard a.count >= 2 else { print("profile FILE FORMULA [ml]"); exit(2) }
        let table = try DelimitedTextReader().read(path: a[0])
        let model = try LinearMixedModel(formula: a[1], data: table, method: a.contains("ml") ? .ml : .reml)
        let (t, profile) = try seconds { try ProfileLikelihood(model: model) }
        print(String(format: "profile %.3f parameters %d", t, profile.intervals.count))
        for i in profile.intervals { print(String(format: "  %@ [%.5f, %.5f]", i.name, i.lower, i.upper)) }
    case "kenward-roger":
        // The fit, and separately the inference after it: Kenward-Roger's adjusted covariance and
        // the df of every coefficient (what pbkrtest's vcovAdj + Lb_ddf do for a fitted model).
        let a = Array(arguments.dropFirst())
        guard a.count >= 2 else { print("kenward-roger FILE FORMULA"); exit(2) }
        let table = try DelimitedTextReader().read(path: a[0])
        let model = try LinearMixedModel(formula: a[1], data: table)
        let kr = try model.fit(degreesOfFreedom: .kenwardRoger)
        print(String(format: "kenward-roger %.4f fit %.4f", kr.timing.inferenceSeconds, kr.timing.fitSeconds))
        for e in kr.fixedEffects { print(String(format: "  %@ se %.6f df %.4f", e.term, e.standardError, e.degreesOfFreedom)) }
    case "fit-residuals":
        let a = Array(arguments.dropFirst())
        guard a.count >= 3 else { print("fit-residuals FILE FORMULA STRUCTURE [ml]"); exit(2) }
        let start = DispatchTime.now().uptimeNanoseconds
        let table = try DelimitedTextReader().read(path: a[0])
        let read = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let model = try LinearMixedModel(formula: a[1], data: table, method: a.contains("ml") ? .ml : .reml, residuals: a[2])
        let setup = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 - read
        let fit = try model.fit()
        print(String(format: "fit read %.3f setup %.3f optimize %.3f inference %.3f evaluations %d objective %.6f phi %.6f",
                     read, setup, fit.timing.fitSeconds, fit.timing.inferenceSeconds, fit.optimizerEvaluations, fit.objective,
                     fit.residualCorrelation?.estimate ?? .nan))
        for e in fit.fixedEffects {
            print(String(format: "  %@ %.6f se %.6f df %.3f", e.term, e.estimate, e.standardError, e.degreesOfFreedom))
        }
    case "lagged-variables":
        // The variables of replicate's lagged models (drop criterion, both raters' indicators),
        // written as CSV, so that R can fit the same model to the same numbers.
        let a = Array(arguments.dropFirst())
        guard a.count == 2 else { print("lagged-variables FILE OUT.csv"); exit(2) }
        let panel = try Panel.read(path: a[0])
        let detector = try RuptureDetector(criterion: .drop)
        let results = try Rater.allianceRaters(in: panel).map { try detector.detect(in: panel, rater: $0) }
        let variables = try SessionVariables(panel: panel).with(results)
        try DelimitedTextWriter.text(of: variables.table).write(toFile: a[1], atomically: true, encoding: .utf8)
        print("lagged-variables \(variables.table.rowCount) rows -> \(a[1])")
    case "generate-panel":
        let a = Array(arguments.dropFirst())
        guard a.count == 5, let p = Int(a[0]), let t = Int(a[1]), let s = Int(a[2]), let seed = UInt64(a[3]) else {
            print("generate-panel PATIENTS THERAPISTS SESSIONS SEED OUT.csv")
            exit(2)
        }
        let text = SessionPanelGenerator(patients: p, therapists: t, sessions: s, seed: seed).csv()
        try text.write(toFile: a[4], atomically: true, encoding: .utf8)
        print("generate-panel \(p * s) rows -> \(a[4])")
    case "dsem-table1":
        let a = Array(arguments.dropFirst())
        guard (4...5).contains(a.count), let t = Int(a[0]), let n = Int(a[1]), let reps = Int(a[2]), let seed = UInt64(a[3]),
              let initial = DSEMSpecification.InitialCondition(rawValue: a.count == 5 ? a[4] : "latent") else {
            print("dsem-table1 SESSIONS PATIENTS REPLICATIONS SEED [latent|first]")
            exit(2)
        }
        var simulation = DSEMSimulation(sessions: t, patients: n, replications: reps, seed: seed)
        simulation.initialCondition = initial
        let (seconds, results) = try seconds { try simulation.run() }
        let dsem = DSEMSimulation.performance(results.map(\.dsem), lower: results.map(\.dsemLower), upper: results.map(\.dsemUpper), truth: 0.3)
        let observed = DSEMSimulation.performance(results.map(\.observed), lower: results.map(\.observedLower), upper: results.map(\.observedUpper), truth: 0.3)
        let converged = results.filter(\.converged).count
        print(String(format: "dsem-table1 T=%d N=%d initial=%@ replications=%d seconds=%.1f (%.2f s per DSEM fit on one thread, %d of %d converged)",
                     t, n, initial.rawValue, reps, seconds, results.map(\.seconds).reduce(0, +) / Double(reps), converged, reps))
        print(String(format: "  DSEM (latent centring):   bias %+.3f (MC SE %.3f), 95%% coverage %.3f (MC SE %.3f)", dsem.bias, dsem.biasSE, dsem.coverage, dsem.coverageSE))
        print(String(format: "  MLM (observed centring):  bias %+.3f (MC SE %.3f), 95%% coverage %.3f (MC SE %.3f)", observed.bias, observed.biasSE, observed.coverage, observed.coverageSE))
    default:
        print("unknown task \(task)")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
