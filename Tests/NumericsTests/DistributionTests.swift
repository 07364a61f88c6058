import Foundation
import Testing
@testable import Numerics

/// Values as R prints them (`print(x, digits = 16)`), or closed forms worked out in the comments.
@Suite struct DistributionTests {
    func close(_ a: Double, _ b: Double, relative: Double = 1e-12) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b))
    }

    @Test func studentT() throws {
        #expect(close(try StudentT(degreesOfFreedom: 17).quantile(0.975), 2.109815577833181))   // qt(0.975, 17)
        #expect(close(try StudentT(degreesOfFreedom: 5).cdf(-2), 0.05096973941492914))          // pt(-2, 5)
        // The lmerTest p-value of sleepstudy's intercept: 2 * pt(36.838089646284, 16.999726288493,
        // lower = FALSE) = 1.171558111208e-17 (lme4-reference.json); the upper tail keeps its digits.
        let t = try StudentT(degreesOfFreedom: 16.999726288493)
        #expect(close(t.twoSidedPValue(36.838089646284), 1.171558111208e-17, relative: 1e-9))
        #expect(close(try t.upperQuantile(0.025), -(try t.quantile(0.025))))
        // df = infinity is the standard normal: qnorm(0.975) = 1.959963984540054.
        #expect(close(try StudentT(degreesOfFreedom: .infinity).quantile(0.975), 1.959963984540054))
    }

    @Test func normal() throws {
        #expect(close(try Normal.standard.quantile(0.975), 1.959963984540054))
        #expect(close(Normal.standard.cdf(0), 0.5))
        let n = try Normal(mean: 10, standardDeviation: 2)
        #expect(close(n.upperTail(10 + 2 * 1.959963984540054), 0.025, relative: 1e-12))
    }

    @Test func fDistributionClosedForm() throws {
        // For F(2, d): P(F <= x) = 1 - (1 + 2x/d)^(-d/2). With d = 10, x = 3: 1 - 1.6^-5 = 0.904632568359375.
        let f = try FDistribution(numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 10)
        #expect(close(f.cdf(3), 0.904632568359375))
        #expect(close(f.upperTail(3), 0.095367431640625))
        #expect(close(try f.quantile(0.904632568359375), 3, relative: 1e-10))
    }

    @Test func chiSquaredClosedForm() throws {
        // For 2 df the upper tail is exp(-x/2): P(X > 50) = exp(-25).
        let c2 = try ChiSquared(degreesOfFreedom: 2)
        #expect(close(c2.upperTail(50), exp(-25)))
        #expect(close(try c2.upperQuantile(exp(-25)), 50, relative: 1e-10))
        #expect(close(try ChiSquared(degreesOfFreedom: 3).quantile(0.95), 7.814727903251178, relative: 1e-12)) // qchisq(.95, 3)
    }

    @Test func invalidInputsThrow() {
        #expect(throws: DistributionError.self) { try StudentT(degreesOfFreedom: 0) }
        #expect(throws: DistributionError.self) { try StudentT(degreesOfFreedom: .nan) }
        #expect(throws: DistributionError.invalidProbability(1.5)) {
            try StudentT(degreesOfFreedom: 3).quantile(1.5)
        }
        #expect(throws: DistributionError.self) { try Normal(mean: 0, standardDeviation: -1) }
        #expect(throws: DistributionError.self) { try ChiSquared(degreesOfFreedom: -2) }
    }
}
