import Tabular

/// A value of a rating that lies far from all the others, as a missing-value code does (a 99 among
/// ratings from 1 to 5, a -99 among distress scores from 0 to 40): it is probably not a rating.
/// `alliance describe` reports it, so that it is declared (`--na 99`) or the scale given
/// (`--scale`, which refuses values outside it) before any analysis runs on it.
///
/// The rule: sort the distinct observed values and take the widest gap between two neighbours. The
/// values on the side with fewer observations are flagged when that gap is wider than the whole
/// span of the values on the other side (which must have at least three distinct values and ten
/// ratings, so that "span" means something). A 99 among 1-5 is 94 away from a cluster of span 4; a 9 among 1-5 is
/// only 4 away and is not flagged (it may be a rating). The rule is applied twice, so that codes at
/// both ends (-99 and 99) are found. It is a heuristic of ours, not a published test.
public struct LikelyMissingCode: Sendable, Equatable, Encodable {
    public let value: Double
    /// How many ratings have the value.
    public let count: Int
    /// Where the first of them is (`file:line` or `file, row n`).
    public let firstLocation: String
    /// The range of the other values.
    public let othersMinimum: Double
    public let othersMaximum: Double

    enum CodingKeys: String, CodingKey {
        case value, count, firstLocation = "first_location", othersMinimum = "others_min", othersMaximum = "others_max"
    }

    /// The likely codes among `values` (NaN: missing) of a column of `table`.
    public static func find(in values: [Double], table: DataTable) -> [LikelyMissingCode] {
        var counts = [Double: Int]()
        for v in values where !v.isNaN { counts[v, default: 0] += 1 }
        var distinct = counts.keys.sorted()
        var flagged = [Double]()
        for _ in 0..<2 {
            guard distinct.count >= 4 else { break }
            var widest = 0, widestGap = -1.0
            for i in 0..<(distinct.count - 1) where distinct[i + 1] - distinct[i] > widestGap {
                widestGap = distinct[i + 1] - distinct[i]
                widest = i
            }
            let low = Array(distinct[...widest]), high = Array(distinct[(widest + 1)...])
            let lowCount = low.reduce(0) { $0 + counts[$1]! }, highCount = high.reduce(0) { $0 + counts[$1]! }
            let (main, other) = lowCount >= highCount ? (low, high) : (high, low)
            guard main.count >= 3, max(lowCount, highCount) >= 10, widestGap > main.last! - main.first! else { break }
            flagged += other
            distinct = main
        }
        let others = distinct
        return flagged.sorted().map { v in
            let first = values.firstIndex(of: v)!
            return LikelyMissingCode(value: v, count: counts[v]!, firstLocation: table.location(ofRow: first),
                                     othersMinimum: others.first!, othersMaximum: others.last!)
        }
    }

    /// `99 (12 ratings, the first at data.csv:14) lies far from the other ratings (1 to 5)`.
    public var description: String {
        func text(_ v: Double) -> String { Column.numeric([v]).text(at: 0)! }
        return "\(text(value)) (\(count) rating\(count == 1 ? "" : "s"), the first at \(firstLocation)) lies far from the other ratings (\(text(othersMinimum)) to \(text(othersMaximum)))"
    }
}
