import Numerics

/// A Monte Carlo permutation test of every lag-k transition count, shuffling codes within
/// sessions (Bakeman, Robinson & Quera 1996; the idea of O'Connor's (1999) `permtest`).
///
/// Null hypothesis: within each session the order of the events is exchangeable, i.e. no unit
/// tends to follow another beyond what each session's own unit frequencies imply. Each of m
/// permutations shuffles every session's sequence (Fisher-Yates, GSL's `gsl_ran_shuffle` on a
/// seeded MT19937 stream), so session lengths and each session's unit frequencies are kept and
/// transitions still never cross sessions; the pooled lag-k table x* is recounted. For cell (g, t)
/// with observed count x, out of m permutations b_≥ give x* >= x and b_≤ give x* <= x, and
///
///     p_upper = (b_≥ + 1) / (m + 1),  p_lower = (b_≤ + 1) / (m + 1),
///     p = min(1, 2 min(p_upper, p_lower))          (two-sided)
///
/// (b + 1)/(m + 1) counts the observed arrangement as one of the permutations, which keeps the
/// test valid (never below its level) for any m (Phipson & Smyth 2010); doubling the smaller
/// tail makes it two-sided. Its Monte Carlo standard error is about sqrt(p(1 - p)/m). The count
/// is the statistic (not z): it is defined for every permutation, even where a permuted margin
/// is 0.
///
/// The same seed, sequences and m give the same p-values on every run.
public struct TransitionPermutationTest: Sendable, Equatable {
    public let permutations: Int
    public let seed: UInt64
    /// b_≥ per cell: permutations whose count is at least the observed count.
    public let atLeastObserved: [[Int]]
    /// b_≤ per cell: permutations whose count is at most the observed count.
    public let atMostObserved: [[Int]]

    /// Runs `permutations` (>= 1) shuffles of `sequences` (unit indices 0..<observed.unitCount).
    public init(sequences: [[Int]], observed: TransitionTable, permutations: Int, seed: UInt64) {
        precondition(permutations >= 1, "at least one permutation")
        let k = observed.unitCount, lag = observed.lag
        let stream = RandomStream(seed: seed)
        var shuffled = sequences.filter { $0.count > lag }
        var atLeast = [Int](repeating: 0, count: k * k), atMost = [Int](repeating: 0, count: k * k)
        let observedFlat = observed.counts.flatMap { $0 }
        var counts = [Int](repeating: 0, count: k * k)
        for _ in 0..<permutations {
            for j in counts.indices { counts[j] = 0 }
            for s in shuffled.indices {
                stream.shuffle(&shuffled[s])
                let sequence = shuffled[s]
                for i in 0..<(sequence.count - lag) { counts[sequence[i] * k + sequence[i + lag]] += 1 }
            }
            for j in counts.indices {
                if counts[j] >= observedFlat[j] { atLeast[j] += 1 }
                if counts[j] <= observedFlat[j] { atMost[j] += 1 }
            }
        }
        self.permutations = permutations
        self.seed = seed
        atLeastObserved = (0..<k).map { Array(atLeast[($0 * k)..<($0 * k + k)]) }
        atMostObserved = (0..<k).map { Array(atMost[($0 * k)..<($0 * k + k)]) }
    }

    /// (b_≥ + 1)/(m + 1): the one-sided p for "more often than by chance".
    public func upperPValue(given g: Int, target t: Int) -> Double {
        Double(atLeastObserved[g][t] + 1) / Double(permutations + 1)
    }

    /// (b_≤ + 1)/(m + 1): the one-sided p for "less often than by chance".
    public func lowerPValue(given g: Int, target t: Int) -> Double {
        Double(atMostObserved[g][t] + 1) / Double(permutations + 1)
    }

    /// The two-sided p: min(1, 2 min(p_upper, p_lower)).
    public func pValue(given g: Int, target t: Int) -> Double {
        min(1, 2 * min(upperPValue(given: g, target: t), lowerPValue(given: g, target: t)))
    }
}
