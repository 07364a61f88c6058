import DSEM
import DynamicModels
import Foundation
import MixedModels
import Numerics
import SessionData
import Tabular

/// The simulation of Asparouhov, Hamaker & Muthén (2018), Table 1: an AR(1) panel with random
/// means and autoregressions (mean phi 0.3, Var(mu) = 3, innovation variance 3, Var(phi) = 0.01,
/// the first 10 generated values discarded), fitted by the latent-centred DSEM
/// (`y ~ lag(y) + (1 + lag(y) | patient)`, Mplus's defaults and PSR rule) and by the multilevel
/// model with the lag centred on the patient's observed mean over all T sessions
/// (`y ~ lagc + (1 + lagc | id)`, REML, lmerTest's Satterthwaite df for the 95% CI).
///
/// Replications run side by side, one per core, each fit on one thread; replication r uses the
/// streams keyed by (seed, [r]), so the result does not depend on the number of threads. The
/// initial condition of the DSEM can be the latent one (Mplus's, the default) or conditioning on
/// the first observation.
struct DSEMSimulation {
    let sessions: Int
    let patients: Int
    let replications: Int
    let seed: UInt64
    var initialCondition = DSEMSpecification.InitialCondition.latent

    struct Replication: Sendable {
        var dsem: Double, dsemLower: Double, dsemUpper: Double, converged: Bool
        var observed: Double, observedLower: Double, observedUpper: Double
        var seconds: Double
    }

    func run() throws -> [Replication] {
        let process: AutoregressiveProcess = {
            var p = AutoregressiveProcess()
            p.patients = patients
            p.sessions = sessions
            return p
        }()
        let seed = self.seed, initialCondition = self.initialCondition
        return try Array(1...replications).concurrentMap { r -> Replication in
            let table = try process.sample(seed: seed, path: [UInt64(r)])
            let start = DispatchTime.now().uptimeNanoseconds
            let formula = try DSEMFormula("y ~ lag(y) + (1 + lag(y) | patient)")
            let lagged = try LaggedPanel(panel: try Panel(file: SessionFile(table: table)), variables: formula.columns)
            var settings = SamplerSettings()
            settings.threads = 1
            settings.seed = UInt64(r)
            var specification = try DSEMSpecification(formula: formula, panel: lagged)
            specification.initialCondition = initialCondition
            let fit = try DSEM.fit(lagged, specification: specification, settings: settings)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let phi = fit.fixedEffect("lag(y)")!.summary
            let (estimate, lower, upper) = try Self.observedCentring(table)
            return Replication(dsem: phi.median, dsemLower: phi.lower, dsemUpper: phi.upper, converged: fit.converged,
                               observed: estimate, observedLower: lower, observedUpper: upper, seconds: seconds)
        }
    }

    /// The observed-centring multilevel model: estimate and 95% CI of the lag's fixed effect.
    static func observedCentring(_ table: DataTable) throws -> (Double, Double, Double) {
        guard case .numeric(let patient) = table["patient"]!, case .numeric(let y) = table["y"]! else { throw DSEMInputError("columns") }
        var sums = [Double: (Double, Double)]()
        for (p, v) in zip(patient, y) where !v.isNaN { sums[p, default: (0, 0)].0 += v; sums[p, default: (0, 0)].1 += 1 }
        var lag = [Double](repeating: .nan, count: y.count)
        for r in 1..<y.count where patient[r] == patient[r - 1] {
            let s = sums[patient[r]]!
            lag[r] = y[r - 1] - s.0 / s.1
        }
        let data = try DataTable(source: "simulated", names: ["y", "lagc", "id"], columns: [.numeric(y), .numeric(lag), .numeric(patient)])
        let model = try LinearMixedModel(formula: "y ~ lagc + (1 + lagc | id)", data: data)
        model.threads = 1
        let e = try model.fit().fixedEffects.first { $0.term == "lagc" }!
        return (e.estimate, e.confidenceLower, e.confidenceUpper)
    }

    /// Bias, its Monte Carlo SE, and coverage of 0.3 with its Monte Carlo SE.
    static func performance(_ estimates: [Double], lower: [Double], upper: [Double], truth: Double) -> (bias: Double, biasSE: Double, coverage: Double, coverageSE: Double) {
        let n = Double(estimates.count)
        let mean = estimates.reduce(0, +) / n
        let sd = (estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let covered = Double(zip(lower, upper).filter { $0 <= truth && truth <= $1 }.count) / n
        return (mean - truth, sd / n.squareRoot(), covered, (covered * (1 - covered) / n).squareRoot())
    }
}
