import Testing
@testable import Ruptures

/// The permutation test against exact p-values from enumerating every arrangement.
@Suite struct PermutationTestTests {
    // A = 0, B = 1, C = 2. Session 1: A B A B C C; session 2: C A A B.
    // Observed lag-1 A→B: 2 in session 1, 1 in session 2, x = 3.
    static let sessions = [[0, 1, 0, 1, 2, 2], [2, 0, 0, 1]]

    /// The exact distribution of the pooled lag-1 count given→target when each session is put
    /// in a uniformly random order: every distinct arrangement of a session is equally likely
    /// (each stands for the same number of permutations), sessions independently, so the pooled
    /// distribution is the convolution of the sessions' distributions. Written independently of
    /// the code under test: brute-force enumeration.
    static func exactDistribution(_ sessions: [[Int]], given: Int, target: Int) -> [Int: Double] {
        func arrangements(_ items: [Int]) -> Set<[Int]> {
            guard items.count > 1 else { return [items] }
            var out = Set<[Int]>()
            for k in items.indices {
                var rest = items
                let first = rest.remove(at: k)
                for tail in arrangements(rest) { out.insert([first] + tail) }
            }
            return out
        }
        var pooled: [Int: Double] = [0: 1]
        for session in sessions {
            let all = arrangements(session)
            var one = [Int: Double]()
            for a in all {
                let x = (0..<(a.count - 1)).filter { a[$0] == given && a[$0 + 1] == target }.count
                one[x, default: 0] += 1 / Double(all.count)
            }
            var next = [Int: Double]()
            for (x, p) in pooled { for (y, q) in one { next[x + y, default: 0] += p * q } }
            pooled = next
        }
        return pooled
    }

    @Test func exactDistributionByHand() {
        // Enumeration (checked with a separate script): session 1 has 6!/(2!2!2!) = 90
        // arrangements, session 2 has 4!/2! = 12. Pooled A→B count: P(0) = 1/5, P(1) = 7/15,
        // P(2) = 3/10, P(3) = 1/30. Upper tail at x = 3: 1/30; two-sided p = 2/30 = 1/15.
        let d = Self.exactDistribution(Self.sessions, given: 0, target: 1)
        #expect(abs(d[0]! - 1.0 / 5) < 1e-12 && abs(d[1]! - 7.0 / 15) < 1e-12)
        #expect(abs(d[2]! - 3.0 / 10) < 1e-12 && abs(d[3]! - 1.0 / 30) < 1e-12)
    }

    @Test func monteCarloPValuesAreWithinErrorOfExactOnes() {
        let observed = TransitionTable(sequences: Self.sessions, unitCount: 3, lag: 1)
        let m = 20_000
        let test = TransitionPermutationTest(sequences: Self.sessions, observed: observed, permutations: m, seed: 42)
        for g in 0..<3 {
            for t in 0..<3 {
                let d = Self.exactDistribution(Self.sessions, given: g, target: t)
                let x = observed.counts[g][t]
                let upper = min(1, d.filter { $0.key >= x }.values.reduce(0, +))
                let lower = min(1, d.filter { $0.key <= x }.values.reduce(0, +))
                let exact = min(1, 2 * min(upper, lower))
                // Monte Carlo error of a one-sided tail estimate: sqrt(P(1 - P)/m) <= 0.0036 at
                // m = 20,000; allow 4.5 of them (doubled for the two-sided p) plus the 1/(m + 1)
                // of the estimator.
                let se = (upper * (1 - upper) / Double(m)).squareRoot()
                #expect(abs(test.upperPValue(given: g, target: t) - upper) <= 4.5 * se + 1.0 / Double(m + 1), "\(g)→\(t)")
                #expect(abs(test.pValue(given: g, target: t) - exact) <= 9 * max(se, (lower * (1 - lower) / Double(m)).squareRoot()) + 2.0 / Double(m + 1), "\(g)→\(t)")
            }
        }
        // A→B in particular: exact two-sided p = 1/15 = .0667.
        #expect(abs(test.pValue(given: 0, target: 1) - 1.0 / 15) < 0.01)
    }

    @Test func sameSeedSamePValues() {
        let observed = TransitionTable(sequences: Self.sessions, unitCount: 3, lag: 1)
        let a = TransitionPermutationTest(sequences: Self.sessions, observed: observed, permutations: 999, seed: 7)
        let b = TransitionPermutationTest(sequences: Self.sessions, observed: observed, permutations: 999, seed: 7)
        let c = TransitionPermutationTest(sequences: Self.sessions, observed: observed, permutations: 999, seed: 8)
        #expect(a == b)
        #expect(a.atLeastObserved != c.atLeastObserved)
        // p = (b + 1)/(m + 1): with m = 999 every p is a multiple of 1/1000 (doubled: of 2/1000).
        let p = a.upperPValue(given: 0, target: 1)
        #expect(abs(p * 1000 - (p * 1000).rounded()) < 1e-9 && p >= 1.0 / 1000)
    }

    @Test func aCellThatCannotVaryHasPOne() {
        // One session A A: every arrangement is A A, A→A = 1 always. b_≥ = b_≤ = m, so both
        // one-sided p are (m + 1)/(m + 1) = 1 and the two-sided p is 1.
        let observed = TransitionTable(sequences: [[0, 0]], unitCount: 1, lag: 1)
        let test = TransitionPermutationTest(sequences: [[0, 0]], observed: observed, permutations: 50, seed: 1)
        #expect(test.pValue(given: 0, target: 0) == 1)
    }
}
