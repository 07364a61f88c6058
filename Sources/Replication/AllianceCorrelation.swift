import SessionData

/// The correlation between patient- and therapist-rated alliance, split into its between- and
/// within-patient parts (Curran & Bauer 2011 [M]).
///
/// Over the sessions where both raters gave a rating (complete pairs), with P_it and T_it the two
/// ratings and P̄_i, T̄_i patient i's means over those sessions:
/// - between patients: Pearson's r of (P̄_i, T̄_i) over patients with at least one pair;
/// - within patients: Pearson's r of (P_it - P̄_i, T_it - T̄_i) over all pairs, the pooled
///   within-patient correlation (sessions of patients with one pair add zeros and do not count).
/// Using the same sessions for both parts keeps the decomposition exact; r is nil when either
/// variable has no variance.
public struct AllianceCorrelation: Sendable, Encodable, Equatable {
    public let between: Double?
    /// Patients with at least one complete pair.
    public let patients: Int
    public let within: Double?
    /// Complete pairs of patients with at least two of them.
    public let sessions: Int

    public init(patientRated p: [Double], therapistRated t: [Double], panel: Panel) {
        var meansP = [Double](), meansT = [Double]()
        var devP = [Double](), devT = [Double]()
        for i in 0..<panel.patientCount {
            let rows = panel.rows(ofPatient: i).filter { !p[$0].isNaN && !t[$0].isNaN }
            guard !rows.isEmpty else { continue }
            let mp = rows.reduce(0) { $0 + p[$1] } / Double(rows.count)
            let mt = rows.reduce(0) { $0 + t[$1] } / Double(rows.count)
            meansP.append(mp)
            meansT.append(mt)
            guard rows.count >= 2 else { continue }
            for r in rows {
                devP.append(p[r] - mp)
                devT.append(t[r] - mt)
            }
        }
        patients = meansP.count
        between = Self.pearson(meansP, meansT)
        sessions = devP.count
        within = Self.pearson(devP, devT)
    }

    /// r = Σ(x - x̄)(y - ȳ) / sqrt(Σ(x - x̄)² Σ(y - ȳ)²); nil for fewer than 3 pairs or no variance.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        let n = x.count
        guard n >= 3 else { return nil }
        let mx = x.reduce(0, +) / Double(n), my = y.reduce(0, +) / Double(n)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for k in 0..<n {
            let dx = x[k] - mx, dy = y[k] - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    enum CodingKeys: String, CodingKey { case between, patients, within, sessions }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(between, forKey: .between)
        try c.encode(patients, forKey: .patients)
        try c.encode(within, forKey: .within)
        try c.encode(sessions, forKey: .sessions)
    }
}
