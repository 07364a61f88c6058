import DSEM
import Foundation
import MixedModels
import Ruptures
import SessionData
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
