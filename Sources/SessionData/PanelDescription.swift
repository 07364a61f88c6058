/// What `alliance describe` reports about a panel: the sample, and each rating overall and by
/// session number.
public struct PanelDescription: Sendable, Encodable {
    public let source: String
    public let patients: Int
    /// Number of therapists; nil without a therapist column.
    public let therapists: Int?
    /// Rows of the file: sessions attended, summed over patients.
    public let sessions: Int
    /// Sessions (rows) per patient.
    public let sessionsPerPatient: Descriptives
    public let ratings: [RatingDescription]

    public init(panel: Panel) throws {
        source = panel.source
        patients = panel.patientCount
        therapists = panel.column(for: .therapist) == nil ? nil : panel.therapistIDs.count
        sessions = panel.rowCount
        sessionsPerPatient = Descriptives(panel.sessionCounts.map(Double.init))
        ratings = try panel.ratingColumns.map { try RatingDescription(panel: panel, column: $0) }
    }

    enum CodingKeys: String, CodingKey {
        case source, patients, therapists, sessions, sessionsPerPatient = "sessions_per_patient", ratings
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(patients, forKey: .patients)
        try c.encode(therapists, forKey: .therapists)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(sessionsPerPatient, forKey: .sessionsPerPatient)
        try c.encode(ratings, forKey: .ratings)
    }
}

/// One rating column described: missing values, distribution, the scale's ceiling, the first
/// and last observed rating of each patient, and means by session number.
public struct RatingDescription: Sendable, Encodable {
    public let column: String
    /// The role it plays (`alliance_patient`, ...), nil for another column.
    public let role: String?
    /// Rows with a rating / without one.
    public let observed: Int
    public let missing: Int
    public let overall: Descriptives
    /// Share of observed ratings at the best end of the scale (the ceiling for a
    /// higher-is-better scale); nil without a scale range.
    public let ceilingShare: Double?
    /// Each patient's first and last observed rating.
    public let firstObserved: Descriptives
    public let lastObserved: Descriptives
    /// By session number, in increasing order.
    public let bySession: [SessionDescriptives]

    public init(panel: Panel, column: String) throws {
        let values = try panel.values(of: column)
        self.column = column
        role = panel.roleColumns.first { $0.value == column }?.key.rawValue
        observed = values.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        missing = values.count - observed
        overall = Descriptives(values)
        ceilingShare = panel.scales[column]?.ceilingShare(of: values)
        var first = [Double](), last = [Double]()
        for p in 0..<panel.patientCount {
            let rows = panel.rows(ofPatient: p)
            if let r = rows.first(where: { !values[$0].isNaN }) { first.append(values[r]) }
            if let r = rows.last(where: { !values[$0].isNaN }) { last.append(values[r]) }
        }
        firstObserved = Descriptives(first)
        lastObserved = Descriptives(last)
        var bySessionValues = [Int32: [Double]]()
        for r in 0..<panel.rowCount where !values[r].isNaN { bySessionValues[panel.sessions[r], default: []].append(values[r]) }
        bySession = bySessionValues.keys.sorted().map { SessionDescriptives(session: Int($0), values: Descriptives(bySessionValues[$0]!)) }
    }

    enum CodingKeys: String, CodingKey {
        case column, role, observed, missing, overall, ceilingShare = "ceiling_share"
        case firstObserved = "first_observed", lastObserved = "last_observed", bySession = "by_session"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(column, forKey: .column)
        try c.encode(role, forKey: .role)
        try c.encode(observed, forKey: .observed)
        try c.encode(missing, forKey: .missing)
        try c.encode(overall, forKey: .overall)
        try c.encode(ceilingShare, forKey: .ceilingShare)
        try c.encode(firstObserved, forKey: .firstObserved)
        try c.encode(lastObserved, forKey: .lastObserved)
        try c.encode(bySession, forKey: .bySession)
    }
}

/// Ratings at one session number.
public struct SessionDescriptives: Sendable, Encodable {
    public let session: Int
    public let values: Descriptives
}
