import Foundation
import MixedModels
import Tabular
import Testing
@testable import DSEM

/// The sampler as a whole: reproducibility, the convergence rule and its report, and a short
/// seeded version of the Table 1 simulation of Asparouhov, Hamaker & Muthén (2018)
/// (Benchmarks/dsem-simulation.sh runs the full one).
@Suite struct SamplerTests {
    static func table() throws -> DataTable {
        var process = AutoregressiveProcess()
        process.patients = 40
        process.sessions = 10
        process.covariateRate = 0.3
        process.covariateEffect = 1
        process.missingRate = 0.1
        return try process.sample(seed: 5)
    }

    /// The same seed gives the same draws whatever the number of threads, with one chain (whose
    /// patients then run on two threads) and with two (run side by side).
    @Test(arguments: [1, 2]) func sameDrawsOnAnyNumberOfThreads(chains: Int) throws {
        let table = try Self.table()
        func run(threads: Int, seed: UInt64 = 8) throws -> DSEMFit {
            var settings = SamplerSettings()
            settings.chains = chains
            settings.threads = threads
            settings.burnIn = 100
            settings.iterations = 200
            settings.seed = seed
            return try Fixtures.fit("y ~ lag(y) + lag(x) + (1 + lag(y) | patient)", to: table, settings: settings) {
                $0.randomResidualVariance = true
            }
        }
        let one = try run(threads: 1), two = try run(threads: 2), again = try run(threads: 2)
        #expect(one.draws == two.draws && two.draws == again.draws)
        #expect(one.fixed.map(\.summary) == two.fixed.map(\.summary))
        #expect(try run(threads: 1, seed: 9).draws != one.draws)
    }

    /// Mplus's rule: stop at the first check (every 100 iterations, at or after the minimum) where
    /// every PSR over the last half is below the criterion; the posterior is that last half.
    @Test func psrRule() throws {
        var settings = SamplerSettings()
        settings.minimumIterations = 400
        let fit = try Fixtures.fit("y ~ lag(y) + lag(x) + (1 | patient)", to: try Self.table(), settings: settings)
        #expect(fit.converged)
        #expect(fit.iterations.total >= 400 && fit.iterations.total % 100 == 0)
        #expect(fit.iterations.burnIn == fit.iterations.total / 2 && fit.iterations.kept == fit.iterations.total / 2)
        #expect(fit.psrHistory.last!.psr < 1.1 && fit.psrHistory.count == fit.iterations.total / 100)
        #expect(fit.fixed.allSatisfy { $0.summary.psr < 1.1 })
        #expect(fit.warnings.isEmpty)
    }

    /// A run that reaches the maximum without meeting the criterion reports its estimates with
    /// converged false and a warning naming the worst parameter.
    @Test func notConvergedIsReported() throws {
        var settings = SamplerSettings()
        settings.minimumIterations = 200
        settings.maximumIterations = 300
        settings.convergenceCriterion = 1.0001
        let fit = try Fixtures.fit("y ~ lag(y) + lag(x) + (1 | patient)", to: try Self.table(), settings: settings)
        #expect(!fit.converged)
        #expect(fit.iterations.total == 300)
        let worst = fit.fixed.map { ($0.summary.psr, $0.term) } + fit.random.map { ($0.summary.psr, $0.var1 ?? "Residual") }
        #expect(fit.warnings.count == 1)
        #expect(fit.warnings[0].hasPrefix("not converged: the PSR of "), "\(fit.warnings)")
        #expect(worst.contains { fit.warnings[0].contains(String(format: "%.3f", $0.0)) })
    }

    /// Six replications at Table 1's T = 10, N = 100 (phi = 0.3): the DSEM estimates of phi
    /// average near 0.3 (within 0.05: their SD is about 0.05, so the mean of six has SE about 0.02),
    /// while the multilevel model with the lag centred on the patient's observed mean (lme4 by
    /// MixedModels) is biased down by about (1 + phi)/(T - 1) = 0.14 (the paper: -0.140): its mean
    /// is below 0.21.
    @Test func shortTableOneSimulation() throws {
        var process = AutoregressiveProcess()
        process.patients = 100
        process.sessions = 10
        var dsem = [Double](), observed = [Double]()
        for replication in 1...6 {
            let table = try process.sample(seed: 1, path: [UInt64(replication)])
            var settings = SamplerSettings()
            settings.burnIn = 500
            settings.iterations = 1_000
            let fit = try Fixtures.fit("y ~ lag(y) + (1 + lag(y) | patient)", to: table, settings: settings)
            dsem.append(fit.fixedEffect("lag(y)")!.summary.median)
            observed.append(try ObservedCentring.estimate(table))
        }
        let meanDSEM = dsem.reduce(0, +) / 6, meanObserved = observed.reduce(0, +) / 6
        #expect(abs(meanDSEM - 0.3) < 0.05, "DSEM \(dsem)")
        #expect(meanObserved < 0.21, "observed centring \(observed)")
    }
}

/// The multilevel model of Asparouhov et al.'s comparison: y on the lagged y centred on the
/// patient's mean over all sessions, with a random intercept and slope, by REML.
enum ObservedCentring {
    static func estimate(_ table: DataTable) throws -> Double {
        guard case .numeric(let patient) = table["patient"]!, case .numeric(let y) = table["y"]! else { return .nan }
        var means = [Double: (Double, Double)]()
        for (p, v) in zip(patient, y) where !v.isNaN { means[p, default: (0, 0)].0 += v; means[p, default: (0, 0)].1 += 1 }
        var lag = [Double](repeating: .nan, count: y.count)
        for r in 1..<y.count where patient[r] == patient[r - 1] {
            let m = means[patient[r]]!
            lag[r] = y[r - 1] - m.0 / m.1
        }
        let data = try DataTable(source: "simulated", names: ["y", "lagc", "id"],
                                 columns: [.numeric(y), .numeric(lag), .numeric(patient)])
        let fit = try LinearMixedModel(formula: "y ~ lagc + (1 + lagc | id)", data: data).fit()
        return fit.fixedEffects.first { $0.term == "lagc" }!.estimate
    }
}
