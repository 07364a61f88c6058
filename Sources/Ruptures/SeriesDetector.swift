import Numerics
import SessionData

/// Finds the ruptures and repairs in one patient's observed series under one criterion, given
/// the patient's threshold θ (in scale points).
///
/// Notation: y_j is the j-th observed (oriented) rating, at session s_j. A rupture needs a
/// strict decline (d > 0) of at least θ, d >= θ, where d depends on the reference:
/// - previous session: d_j = y_{j-1} - y_j, with s_{j-1} = s_j - 1 (or the previous observed
///   session when gaps are bridged); the pre-rupture level is y_{j-1};
/// - multi-session declines (Gumz): from a peak y_a, a run of non-increasing consecutive
///   sessions a+1..b; d = y_a - min(y_{a+1..b}); the onset is a+1 and the level y_a;
/// - person mean, earlier mean, trend: d_j = e_j - y_j with e_j the person mean, the mean of
///   y_1..y_{j-1}, or the person's line at s_j; consecutive sessions below e - θ form one
///   episode whose onset is the first of them.
/// The sudden-loss tests (a drop of at least a share of y_{j-1}; the stability t test) and the
/// exclusion of the first and last sessions further restrict which sessions can be onsets.
/// A rupture is repaired at the first later session u (with s_u - s_onset <= W when a window is
/// set) whose rating regains the level (y_u >= level - tolerance; for the trend, the line at s_u)
/// or, under the rise rule, exceeds the lowest rating since the onset by at least θ.
struct SeriesDetector {
    let criterion: RuptureCriterion
    /// Two-tailed critical t values for the stability test, indexed by degrees of freedom (2...4).
    private let criticalT: [Double]

    init(criterion: RuptureCriterion) throws {
        self.criterion = criterion
        if let alpha = criterion.stabilityAlpha {
            criticalT = try (0...4).map { df in df < 2 ? .nan : try StudentT(degreesOfFreedom: Double(df)).upperQuantile(alpha / 2) }
        } else {
            criticalT = []
        }
    }

    /// What was found in one series (indices are positions in the series).
    struct Outcome {
        /// Whether a rupture could be judged at each position (else the indicator is missing).
        var judged: [Bool] = []
        var episodes: [Found] = []
        /// Rupture onsets and their pre-rupture levels, before the repair search.
        var onsets: [(index: Int, level: Double)] = []
    }

    struct Found {
        var onset: Int
        var trough: Int
        var repair: Int?
        /// Oriented pre-rupture level (for the trend reference, the line at the onset).
        var level: Double
        /// Oriented decline at the trough, positive.
        var magnitude: Double
    }

    /// Fills `out` (its storage is reused from patient to patient).
    func detect(_ y: ObservedSeries, threshold θ: Double, into out: inout Outcome) {
        let m = y.count
        out.judged.removeAll(keepingCapacity: true)
        out.judged.append(contentsOf: repeatElement(false, count: m))
        out.episodes.removeAll(keepingCapacity: true)
        out.onsets.removeAll(keepingCapacity: true)
        let v = y.values, s = y.sessions
        var line: PersonLine? = nil

        switch criterion.reference {
        case .previousSession:
            func hasPrevious(_ j: Int) -> Bool {
                j > 0 && (criterion.gaps == .bridgeGap || s[j - 1] == s[j] - 1)
            }
            for j in 0..<m { out.judged[j] = hasPrevious(j) && !isExcluded(j, of: m) }
            if criterion.multiSessionDeclines {
                var a = 0
                while a < m - 1 {
                    guard hasPrevious(a + 1), v[a + 1] < v[a] else { a += 1; continue }
                    var b = a + 1
                    while b + 1 < m, hasPrevious(b + 1), v[b + 1] <= v[b] { b += 1 }
                    if reaches(v[a] - v[b], θ) { out.onsets.append((a + 1, v[a])) }
                    a = b
                }
            } else {
                for j in 0..<m where out.judged[j] {
                    let windows = criterion.stabilityAlpha == nil ? nil : stabilityWindows(y, at: j)
                    if criterion.stabilityAlpha != nil && windows == nil { out.judged[j] = false; continue }
                    let d = v[j - 1] - v[j]
                    guard d > 0, reaches(d, θ) else { continue }
                    if let share = criterion.relativeDrop, !reaches(d, share * abs(y.raw[j - 1])) { continue }
                    if let (before, after) = windows, !isSignificantDecline(before: before, after: after) { continue }
                    out.onsets.append((j, v[j - 1]))
                }
            }
        case .personMean, .earlierMean, .personTrend:
            let mean = y.mean
            if criterion.reference == .personTrend { line = y.line }
            var earlierSum = 0.0
            var previousBelow = false
            for j in 0..<m {
                let e: Double?
                switch criterion.reference {
                case .personMean: e = mean
                case .earlierMean: e = j > 0 ? earlierSum / Double(j) : nil
                default: e = line?.predicted(at: Double(s[j]))
                }
                earlierSum += v[j]
                guard let e, !isExcluded(j, of: m) else { previousBelow = false; continue }
                out.judged[j] = true
                let d = e - v[j]
                let below = d > 0 && reaches(d, θ)
                if below && !previousBelow { out.onsets.append((j, e)) }
                previousBelow = below
            }
        }

        for (o, level) in out.onsets {
            out.episodes.append(repairSearch(y, onset: o, level: level, line: line, threshold: θ))
        }
    }

    /// Whether position j is a first or last observed session that the criterion does not judge.
    private func isExcluded(_ j: Int, of m: Int) -> Bool {
        criterion.endSessionsExcluded && (j == 0 || j == m - 1)
    }

    /// Follows one rupture from its onset to its repair (or the end), tracking the trough.
    private func repairSearch(_ y: ObservedSeries, onset o: Int, level: Double, line: PersonLine?, threshold θ: Double) -> Found {
        let v = y.values, s = y.sessions
        func levelAt(_ k: Int) -> Double { line?.predicted(at: Double(s[k])) ?? level }
        var trough = o
        var repair: Int? = nil
        var u = o + 1
        while u < y.count {
            if let w = criterion.window, s[u] - s[o] > w { break }
            switch criterion.repair {
            case .returnToLevel(let tolerance):
                if reaches(v[u], levelAt(u) - tolerance) { repair = u }
            case .rise:
                if v[u] > v[trough], reaches(v[u] - v[trough], θ) { repair = u }
            }
            if repair != nil { break }
            if v[u] < v[trough] { trough = u }
            u += 1
        }
        return Found(onset: o, trough: trough, repair: repair, level: level, magnitude: levelAt(trough) - v[trough])
    }

    /// The ratings of sudden-loss criterion 3 at position j (session t = s_j): the observed
    /// ratings at sessions t-3..t-1 and at t..t+2; nil when either side has fewer than two.
    func stabilityWindows(_ y: ObservedSeries, at j: Int) -> (before: ArraySlice<Double>, after: ArraySlice<Double>)? {
        let t = y.sessions[j]
        var first = j
        while first > 0 && y.sessions[first - 1] >= t - 3 { first -= 1 }
        var end = j
        while end < y.count && y.sessions[end] <= t + 2 { end += 1 }
        guard j - first >= 2, end - j >= 2 else { return nil }
        return (y.values[first..<j], y.values[j..<end])
    }

    /// Sudden-loss criterion 3: the mean before exceeds the mean after by more than
    /// t_crit x sqrt(((n1 - 1) s1² + (n2 - 1) s2²) / (n1 + n2 - 2)), with t_crit the two-tailed
    /// critical t at the criterion's alpha on n1 + n2 - 2 df (at alpha .05: 2.776 with three
    /// sessions on each side, 3.182 when one side has two, 4.303 when both have two), as
    /// suddengains computes it with `qt`.
    func isSignificantDecline(before: ArraySlice<Double>, after: ArraySlice<Double>) -> Bool {
        let (m1, v1) = meanAndVariance(before), (m2, v2) = meanAndVariance(after)
        let df = before.count + after.count - 2
        let pooled = ((Double(before.count - 1) * v1 + Double(after.count - 1) * v2) / Double(df)).squareRoot()
        return m1 - m2 > criticalT[df] * pooled
    }

    private func meanAndVariance(_ x: ArraySlice<Double>) -> (Double, Double) {
        let m = x.reduce(0, +) / Double(x.count)
        return (m, x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1))
    }
}
