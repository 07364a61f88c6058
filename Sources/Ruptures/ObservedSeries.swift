import SessionData

/// One patient's observed ratings for one rater, in session order, oriented so that higher is
/// better (a rating on a lower-is-better scale is negated). Missing ratings are left out; the
/// session numbers keep the gaps visible.
struct ObservedSeries {
    /// Session numbers of the observed ratings (increasing).
    var sessions: [Int] = []
    /// Oriented ratings: higher is better.
    var values: [Double] = []
    /// Ratings as given.
    var raw: [Double] = []
    /// The panel row of each rating.
    var rows: [Int] = []

    var count: Int { values.count }

    /// Refills the series from `rows` of a panel (reusing storage).
    mutating func fill(rows panelRows: Range<Int>, sessions panelSessions: [Int32], ratings: [Double], higherIsBetter: Bool) {
        sessions.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        raw.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        for r in panelRows where !ratings[r].isNaN {
            sessions.append(Int(panelSessions[r]))
            raw.append(ratings[r])
            values.append(higherIsBetter ? ratings[r] : -ratings[r])
            rows.append(r)
        }
    }

    /// Mean of the oriented ratings.
    var mean: Double { values.reduce(0, +) / Double(count) }

    /// Sample SD of the oriented ratings (n - 1 denominator).
    var standardDeviation: Double {
        let m = mean
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count - 1)).squareRoot()
    }

    /// The least-squares line of the oriented ratings on session number.
    var line: PersonLine? { PersonLine(sessions: sessions, values: values) }
}

/// `a >= b`, allowing for the binary rounding of decimal ratings: 5.3 - 4.3 is
/// 0.9999999999999996 in floating point, and must still count as a drop of 1 point. Values
/// within 1e-9 (relative, at least absolute 1e-9) of `b` count as reaching it.
@inline(__always)
func reaches(_ a: Double, _ b: Double) -> Bool {
    a >= b - 1e-9 * max(1, abs(b))
}
