import Testing
@testable import Numerics

@Suite struct NoncentralChiSquaredTests {
    // Values from R 4.2: pchisq(x, df, ncp) and pchisq(..., lower.tail = FALSE).
    @Test(arguments: [
        (138.476, 76.0, 50.0, 7.5514649407898882e-01),
        (10.0, 5.0, 2.5, 7.5511991722478167e-01),
        (5.0, 3.0, 0.0, 8.2820285570326679e-01),
        (1.0, 2.0, 1000.0, 5.3476245353504162e-207),
    ])
    func distributionFunctionAsR(x: Double, df: Double, ncp: Double, expected: Double) throws {
        let value = try NoncentralChiSquared(degreesOfFreedom: df, noncentrality: ncp).cdf(x)
        // Relative accuracy where the probability is not tiny; absolute accuracy 1e-16 always.
        #expect(abs(value - expected) <= max(1e-12 * expected, 1e-16))
    }

    @Test(arguments: [
        (300.0, 76.0, 150.0, 5.8854168422759479e-03),
        (1200.0, 100.0, 1000.0, 6.3837745232661280e-02),
    ])
    func upperTailAsR(x: Double, df: Double, ncp: Double, expected: Double) throws {
        let value = try NoncentralChiSquared(degreesOfFreedom: df, noncentrality: ncp).upperTail(x)
        #expect(abs(value - expected) <= 1e-10 * expected)
    }

    @Test func noncentralityForAProbabilityByBrent() throws {
        // The lower end of lavaan's 90% RMSEA interval for chi-square 138.476 on 76 df solves
        // pchisq(138.476, 76, ncp) = 0.95; R's uniroot at tol 1e-12 gives 33.353673829209662.
        let lambda = try RootFinding.brent({ try! NoncentralChiSquared(degreesOfFreedom: 76, noncentrality: $0).cdf(138.476) - 0.95 },
                                           in: 0, 138.476)
        #expect(abs(lambda - 33.353673829209662) < 1e-8)
    }

    @Test func brentNeedsABracket() {
        #expect(throws: RootFinding.Failure.self) { try RootFinding.brent({ $0 * $0 + 1 }, in: -1, 1) }
    }
}
