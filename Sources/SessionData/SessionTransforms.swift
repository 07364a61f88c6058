/// The variables every lagged or within-person analysis builds from a panel, computed by actual
/// session number: a missing session is a gap, never "the next row".
///
/// Each function takes one value per panel row (NaN = missing) and returns one value per row.
extension Panel {
    /// The value of the same patient `k` sessions later (k > 0, a lead such as `distress_next`)
    /// or earlier (k < 0, a lag), by session number: row (i, t) gets x(i, t + k), or NaN when the
    /// patient has no row for session t + k or its value is missing.
    public func shifted(_ values: [Double], by k: Int) -> [Double] {
        precondition(values.count == rowCount, "one value per panel row")
        var out = [Double](repeating: .nan, count: rowCount)
        for p in 0..<patientCount {
            let rows = self.rows(ofPatient: p)
            // Sessions increase within a patient, so the targets t + k do too, and one pointer that
            // only moves forward finds each of them.
            var j = rows.lowerBound
            for r in rows {
                let target = Int(sessions[r]) + k
                while j < rows.upperBound && Int(sessions[j]) < target { j += 1 }
                if j < rows.upperBound && Int(sessions[j]) == target { out[r] = values[j] }
            }
        }
        return out
    }

    /// The person mean of each row's patient, x̄_i = (1/n_i) Σ_t x_it over the patient's non-missing
    /// values: the between-person part of person-mean centring. NaN for a patient with no value.
    public func personMeans(_ values: [Double]) -> [Double] {
        precondition(values.count == rowCount, "one value per panel row")
        var out = [Double](repeating: .nan, count: rowCount)
        for p in 0..<patientCount {
            let rows = self.rows(ofPatient: p)
            var sum = 0.0, n = 0
            for r in rows where !values[r].isNaN { sum += values[r]; n += 1 }
            guard n > 0 else { continue }
            let mean = sum / Double(n)
            for r in rows { out[r] = mean }
        }
        return out
    }

    /// The within-person part of person-mean centring, x_it - x̄_i (NaN where x_it is missing).
    public func withinPersonDeviations(_ values: [Double]) -> [Double] {
        let means = personMeans(values)
        return zip(values, means).map { $0 - $1 }
    }

    /// Detrended values: the residual of x_it from patient i's own ordinary least-squares line
    /// on session number, x_it - (a_i + b_i t), with
    /// b_i = Σ (t - t̄)(x - x̄) / Σ (t - t̄)² and a_i = x̄ - b_i t̄ over the patient's non-missing values.
    /// A patient needs at least `minimumObservations` (default 3, so that a line leaves a residual
    /// degree of freedom) non-missing values; otherwise the patient's rows are NaN.
    public func detrended(_ values: [Double], minimumObservations: Int = 3) -> [Double] {
        precondition(values.count == rowCount, "one value per panel row")
        var out = [Double](repeating: .nan, count: rowCount)
        for p in 0..<patientCount {
            let rows = self.rows(ofPatient: p).filter { !values[$0].isNaN }
            guard rows.count >= max(2, minimumObservations),
                  let line = PersonLine(sessions: rows.map { Int(sessions[$0]) }, values: rows.map { values[$0] }) else { continue }
            for r in rows { out[r] = values[r] - line.predicted(at: Double(sessions[r])) }
        }
        return out
    }

    /// The number of rows (sessions attended) of each patient.
    public var sessionCounts: [Int] { (0..<patientCount).map { rows(ofPatient: $0).count } }

    /// The number of non-missing values of each patient.
    public func observedCounts(_ values: [Double]) -> [Int] {
        (0..<patientCount).map { p in rows(ofPatient: p).reduce(0) { $0 + (values[$1].isNaN ? 0 : 1) } }
    }
}

/// One patient's least-squares line of a rating on session number:
/// b = Σ (t - t̄)(x - x̄) / Σ (t - t̄)², a = x̄ - b t̄.
public struct PersonLine: Sendable, Equatable {
    public let intercept: Double
    public let slope: Double
    /// Number of observations it was fitted to.
    public let count: Int
    /// Residual standard deviation, sqrt(RSS / (n - 2)); NaN when n <= 2.
    public let residualSD: Double

    /// Fits the line through the pairs (sessions[k], values[k]) (no missing values); nil when
    /// fewer than two distinct sessions.
    public init?(sessions: [Int], values: [Double]) {
        let n = values.count
        guard n >= 2, sessions.count == n else { return nil }
        let tBar = sessions.reduce(0.0) { $0 + Double($1) } / Double(n)
        let xBar = values.reduce(0, +) / Double(n)
        var stt = 0.0, stx = 0.0
        for k in 0..<n {
            let dt = Double(sessions[k]) - tBar
            stt += dt * dt
            stx += dt * (values[k] - xBar)
        }
        guard stt > 0 else { return nil }
        slope = stx / stt
        intercept = xBar - slope * tBar
        count = n
        var rss = 0.0
        for k in 0..<n {
            let e = values[k] - (intercept + slope * Double(sessions[k]))
            rss += e * e
        }
        residualSD = n > 2 ? (rss / Double(n - 2)).squareRoot() : .nan
    }

    public func predicted(at session: Double) -> Double { intercept + slope * session }
}
