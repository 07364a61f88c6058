/// Lag-k transitions between units (codes or categories) and the statistics of lag-sequential
/// analysis (Bakeman & Quera 2011; GSEQ; O'Connor 1999), for consecutive-code sequences in which
/// a unit may follow itself.
///
/// For given unit g and target unit t, x_gt counts the positions i with s_i = g and s_{i+k} = t,
/// within each sequence (session) only: transitions never cross a session boundary, and a
/// session of n events gives n - k pairs. Pooled over sessions, with row totals x_g+, column
/// totals x_+t and N = x_++:
///
///     transitional probability  p(t | g) = x_gt / x_g+
///     expected count            e_gt = x_g+ x_+t / N            (independence of given and target)
///     adjusted residual         z_gt = (x_gt - e_gt) / sqrt(e_gt (1 - x_g+/N) (1 - x_+t/N))
///     Yule's Q                  Q_gt = (ad - bc) / (ad + bc)
///
/// where the 2 x 2 table of g vs not-g (given) by t vs not-t (target) has a = x_gt,
/// b = x_g+ - x_gt, c = x_+t - x_gt, d = N - x_g+ - x_+t + x_gt. Each statistic is nil where it
/// is undefined: p(t | g) when x_g+ = 0; e and z when a margin is 0 or N (z's denominator is 0);
/// Q when ad + bc = 0.
public struct TransitionTable: Sendable, Equatable {
    public let lag: Int
    /// Counts x_gt, given (row) by target (column), over `unitCount` units.
    public let counts: [[Int]]
    /// x_g+, x_+t and N.
    private let rowTotals: [Int]
    private let columnTotals: [Int]
    public let total: Int

    public var unitCount: Int { counts.count }

    /// Counts the lag-`lag` transitions of each sequence (unit indices 0..<unitCount).
    public init(sequences: [[Int]], unitCount: Int, lag: Int) {
        precondition(lag >= 1, "lag >= 1")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: unitCount), count: unitCount)
        for s in sequences where s.count > lag {
            for i in 0..<(s.count - lag) { counts[s[i]][s[i + lag]] += 1 }
        }
        self.init(counts: counts, lag: lag)
    }

    /// From counts already tallied (square).
    public init(counts: [[Int]], lag: Int) {
        precondition(counts.allSatisfy { $0.count == counts.count }, "a square table")
        self.lag = lag
        self.counts = counts
        rowTotals = counts.map { $0.reduce(0, +) }
        columnTotals = counts.indices.map { t in counts.reduce(0) { $0 + $1[t] } }
        total = rowTotals.reduce(0, +)
    }

    /// x_g+: transitions starting at `given`.
    public func rowTotal(_ given: Int) -> Int { rowTotals[given] }

    /// x_+t: transitions ending at `target`.
    public func columnTotal(_ target: Int) -> Int { columnTotals[target] }

    public func transitionalProbability(given g: Int, target t: Int) -> Double? {
        let row = rowTotal(g)
        return row > 0 ? Double(counts[g][t]) / Double(row) : nil
    }

    public func expected(given g: Int, target t: Int) -> Double? {
        let n = total
        return n > 0 ? Double(rowTotal(g)) * Double(columnTotal(t)) / Double(n) : nil
    }

    public func adjustedResidual(given g: Int, target t: Int) -> Double? {
        let n = Double(total), row = Double(rowTotal(g)), column = Double(columnTotal(t))
        guard n > 0 else { return nil }
        let e = row * column / n
        let variance = e * (1 - row / n) * (1 - column / n)
        guard variance > 0 else { return nil }
        return (Double(counts[g][t]) - e) / variance.squareRoot()
    }

    public func yulesQ(given g: Int, target t: Int) -> Double? {
        let row = rowTotal(g), column = columnTotal(t)
        let a = Double(counts[g][t]), b = Double(row - counts[g][t]), c = Double(column - counts[g][t])
        let d = Double(total - row - column + counts[g][t])
        let denominator = a * d + b * c
        return denominator > 0 ? (a * d - b * c) / denominator : nil
    }
}
