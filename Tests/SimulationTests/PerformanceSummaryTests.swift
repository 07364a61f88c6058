import Testing
@testable import Simulation

/// The Monte Carlo performance measures on records worked by hand.
@Suite struct PerformanceSummaryTests {
    func record(_ replication: Int, _ estimate: Double?, se: Double = 1, lower: Double = 0, upper: Double = 0, p: Double = 1,
                converged: Bool = true) -> FitRecord {
        let outcome: FitRecord.Outcome = estimate.map {
            .estimated(FitRecord.Estimate(estimate: $0, standardError: se, degreesOfFreedom: 10, lower: lower, upper: upper, p: p,
                                          converged: converged, singular: false))
        } ?? .failed("no ruptures")
        return FitRecord(cell: 1, replication: replication, rater: .patient, estimator: "e", term: .rupture, outcome: outcome, prevalence: 0.5)
    }

    @Test func measuresAndTheirMonteCarloErrors() throws {
        // Truth 1; estimates 0, 1, 2, 5 and one failure (R = 5, n = 4).
        let records = [
            record(1, 0, se: 1, lower: -1, upper: 1.5, p: 0.01),
            record(2, 1, se: 2, lower: 0, upper: 2, p: 0.2),
            record(3, 2, se: 3, lower: 1, upper: 3, p: 0.04),
            record(4, 5, se: 2, lower: 4, upper: 6, p: 0.001, converged: false),
            record(5, nil),
        ]
        let s = PerformanceSummary(records: records, truth: 1, alpha: 0.05, factorValues: [])
        #expect(s.replications == 5 && s.estimated == 4)
        // Power 3/5 (p < .05 in replications 1, 3, 4), MCSE sqrt(.6 x .4 / 5).
        #expect(s.power.value == 0.6)
        #expect(abs(s.power.standardError! - (0.24 / 5).squareRoot()) < 1e-15)
        // Mean 2, bias 1; Σ(θ - θ̄)² = 4 + 1 + 0 + 9 = 14, MCSE sqrt(14 / 12).
        #expect(s.meanEstimate!.value == 2 && s.bias!.value == 1)
        #expect(abs(s.bias!.standardError! - (14.0 / 12).squareRoot()) < 1e-15)
        // Empirical SE sqrt(14/3), MCSE that / sqrt(6); mean model SE 2.
        #expect(abs(s.empiricalSE!.value - (14.0 / 3).squareRoot()) < 1e-15)
        #expect(abs(s.empiricalSE!.standardError! - (14.0 / 3).squareRoot() / 6.0.squareRoot()) < 1e-15)
        #expect(s.meanModelSE == 2)
        // Squared errors 1, 0, 1, 16: MSE 4.5, RMSE sqrt(4.5);
        // MCSE(MSE) = sqrt(((1-4.5)² + 4.5² + (1-4.5)² + (16-4.5)²) / 12) = sqrt(177 / 12).
        #expect(abs(s.rmse!.value - 4.5.squareRoot()) < 1e-15)
        #expect(abs(s.rmse!.standardError! - (177.0 / 12).squareRoot() / (2 * 4.5.squareRoot())) < 1e-14)
        // Coverage: intervals 1, 2, 3 contain 1; 4 does not: 3/4.
        #expect(s.coverage!.value == 0.75)
        #expect(abs(s.coverage!.standardError! - (0.75 * 0.25 / 4).squareRoot()) < 1e-15)
        #expect(s.failed.value == 0.2)
        #expect(s.notConverged == 0.25 && s.singular == 0)
        #expect(s.prevalence == 0.5)
    }

    @Test func allFailed() {
        let s = PerformanceSummary(records: [record(1, nil), record(2, nil)], truth: 0, alpha: 0.05, factorValues: ["60"])
        #expect(s.failed.value == 1 && s.power.value == 0)
        #expect(s.meanEstimate == nil && s.coverage == nil && s.rmse == nil)
    }
}
