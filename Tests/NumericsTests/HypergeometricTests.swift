import Testing
@testable import Numerics

@Suite struct HypergeometricTests {
    @Test func probabilitiesAgreeWithR() throws {
        // R 4.2: dhyper(0:6, m = 5, n = 7, k = 6) =
        // 0.00757575757575758 0.11363636363636358 0.37878787878787873 0.37878787878787873
        // 0.11363636363636358 0.00757575757575758 0
        // By hand: C(5, x) C(7, 6 - x) / C(12, 6), C(12, 6) = 924: x = 0: 7/924 = 0.0075758.
        let h = try Hypergeometric(successes: 5, failures: 7, draws: 6)
        #expect(h.support == 0...5)
        let r = [0.00757575757575758, 0.11363636363636358, 0.37878787878787873, 0.37878787878787873,
                 0.11363636363636358, 0.00757575757575758, 0]
        for (x, expected) in r.enumerated() {
            #expect(abs(h.probability(x) - expected) <= 1e-13, "x = \(x)")
        }
        #expect(abs(h.probability(0) - 7.0 / 924) < 1e-15)
        #expect(h.probability(-1) == 0)
        // Support away from 0: 5 successes, 2 failures, 6 draws: at least 4 successes.
        #expect(try Hypergeometric(successes: 5, failures: 2, draws: 6).support == 4...5)
    }

    @Test func invalidParametersThrow() {
        #expect(throws: DistributionError.self) { try Hypergeometric(successes: 2, failures: 1, draws: 4) }
        #expect(throws: DistributionError.self) { try Hypergeometric(successes: -1, failures: 1, draws: 0) }
    }
}
