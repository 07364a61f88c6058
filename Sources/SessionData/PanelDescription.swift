import Tabular

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
    /// How the file was read (format, encoding, delimiter, decimal mark).
    public let file: FileDescription?
    /// Every column of the file with what the file says about it.
    public let variables: [VariableDescription]

    public init(panel: Panel) throws {
        source = panel.source
        patients = panel.patientCount
        therapists = panel.column(for: .therapist) == nil ? nil : panel.therapistIDs.count
        sessions = panel.rowCount
        sessionsPerPatient = Descriptives(panel.sessionCounts.map(Double.init))
        ratings = try panel.ratingColumns.map { try RatingDescription(panel: panel, column: $0) }
        file = panel.table.file
        variables = zip(panel.table.names, panel.table.columns).map { name, column in
            VariableDescription(name: name, role: panel.roleColumns.first { $0.value == name }?.key.rawValue, column: column,
                                metadata: panel.table.metadata[name])
        }
    }

    enum CodingKeys: String, CodingKey {
        case source, patients, therapists, sessions, sessionsPerPatient = "sessions_per_patient", ratings, file, variables
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(patients, forKey: .patients)
        try c.encode(therapists, forKey: .therapists)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(sessionsPerPatient, forKey: .sessionsPerPatient)
        try c.encode(ratings, forKey: .ratings)
        try c.encode(file.map(FileJSON.init), forKey: .file)
        try c.encode(variables, forKey: .variables)
    }

    /// The file description as JSON: format, encoding, delimiter, decimal mark, how each was decided.
    struct FileJSON: Encodable {
        let format: String
        let encoding: String?
        let delimiter: String?
        let decimal_mark: String?
        let decided: [String: String]
        let label: String?

        init(_ f: FileDescription) {
            format = f.format
            encoding = f.encoding?.rawValue
            delimiter = f.delimiter.map(String.init)
            decimal_mark = f.decimalMark.map(String.init)
            decided = f.decided
            label = f.label
        }
    }
}

/// One column of a file as `alliance describe` lists it: its role, type, and what an SPSS or
/// Stata file says about it.
public struct VariableDescription: Sendable, Encodable {
    public let name: String
    /// The role it plays (`patient`, `alliance_patient`, ...), nil for another column.
    public let role: String?
    public let isNumeric: Bool
    public let observed: Int
    public let missing: Int
    public let label: String?
    /// `1 = Not at all; 7 = Completely`.
    public let valueLabels: String?
    /// The values declared missing in the file: `-99, -98` or `99 thru HI`.
    public let declaredMissing: String?
    public let format: String?
    public let measure: String?

    init(name: String, role: String?, column: Column, metadata: VariableMetadata?) {
        self.name = name
        self.role = role
        isNumeric = column.isNumeric
        missing = column.missingCount
        observed = column.count - missing
        label = metadata?.label
        let labels = metadata?.valueLabels ?? []
        let shown = labels.prefix(6).map { "\($0.value.description) = \($0.label)" }
        valueLabels = labels.isEmpty ? nil : shown.joined(separator: "; ") + (labels.count > 6 ? "; … (\(labels.count) labels)" : "")
        let ranges = metadata?.missingRanges ?? []
        declaredMissing = ranges.isEmpty ? nil : ranges.map(\.description).joined(separator: ", ")
        format = metadata?.format
        measure = metadata?.measure?.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case name, role, type, observed, missing, label, valueLabels = "value_labels", declaredMissing = "declared_missing", format, measure
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(role, forKey: .role)
        try c.encode(isNumeric ? "number" : "text", forKey: .type)
        try c.encode(observed, forKey: .observed)
        try c.encode(missing, forKey: .missing)
        try c.encode(label, forKey: .label)
        try c.encode(valueLabels, forKey: .valueLabels)
        try c.encode(declaredMissing, forKey: .declaredMissing)
        try c.encode(format, forKey: .format)
        try c.encode(measure, forKey: .measure)
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
    /// Values far from all the others: probably missing-value codes (`LikelyMissingCode`).
    public let likelyMissingCodes: [LikelyMissingCode]

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
        likelyMissingCodes = panel.scales[column]?.minimum != nil ? [] : LikelyMissingCode.find(in: values, table: panel.table)
    }

    enum CodingKeys: String, CodingKey {
        case column, role, observed, missing, overall, ceilingShare = "ceiling_share"
        case firstObserved = "first_observed", lastObserved = "last_observed", bySession = "by_session"
        case likelyMissingCodes = "likely_missing_codes"
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
        try c.encode(likelyMissingCodes, forKey: .likelyMissingCodes)
    }
}

/// Ratings at one session number.
public struct SessionDescriptives: Sendable, Encodable {
    public let session: Int
    public let values: Descriptives
}
