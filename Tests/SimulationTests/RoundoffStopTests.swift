import Foundation
import Testing
import MixedModels
import Ruptures
import SessionData
@testable import Simulation

/// NLopt's BOBYQA sometimes stops with NLOPT_ROUNDOFF_LIMITED. lme4 keeps such a fit and warns
/// ("convergence code -4 from nloptwrap"); alliance does the same instead of failing the fit.
@Suite struct RoundoffStopTests {
    @Test func fitIsKeptWithLme4sWarning() throws {
        // Replication 232 of cell 1 of sud-2025 with seed 1: the therapist-rated detrended model
        // stops on round-off (found in a 600-replication power study).
        let cell = try StudyConfiguration.preset(named: "sud-2025").cells[0]
        let sample = try SimulatedSample(process: cell.process, seed: 1, path: [UInt64(cell.number), 232])
        let panel = try Panel(file: SessionFile(table: sample.table))
        let result = try RuptureDetector(criterion: cell.analysis.criterion.criterion)
            .detect(in: panel, rater: Rater(name: "therapist", column: "alliance_therapist"))
        let table = try AnalysisData(panel: panel).table(rater: .therapist, result: result)
        let model = try LinearMixedModel(formula: Estimator.detrended.formula, data: table)
        model.threads = 1
        let fit = try model.fit()
        #expect(fit.optimizerStopReason == .roundoffLimited)
        #expect(!fit.converged)
        #expect(fit.warnings.contains { $0.hasPrefix("convergence code -4 from nloptwrap") })
        // lme4 1.1-31 + lmerTest on the same table (written out and fitted in R): a singular fit
        // (theta = 0), REML criterion 5993.75646010814, rupture 0.807548662747792 (SE
        // 0.298452057540939), repair -1.36723577416444 (SE 0.409128767866486), df 1160.
        #expect(fit.singular && fit.theta == [0])
        #expect(abs(fit.objective - 5993.75646010814) < 1e-8)
        let rupture = try #require(fit.fixedEffects.first { $0.term == "rupture" })
        let repair = try #require(fit.fixedEffects.first { $0.term == "repair" })
        #expect(abs(rupture.estimate - 0.807548662747792) < 1e-9 && abs(rupture.standardError - 0.298452057540939) < 1e-9)
        #expect(abs(repair.estimate + 1.36723577416444) < 1e-9 && abs(repair.standardError - 0.409128767866486) < 1e-9)
        #expect(abs(rupture.degreesOfFreedom - 1160) < 1e-3)
    }
}
