/// What a column of session data means: the identifiers of the long format and the ratings.
///
/// The long format has one row per patient and session. Each role has a default column name
/// (its raw value); `ColumnMapping` renames them (`--columns patient=id,session=sess`).
public enum PanelRole: String, CaseIterable, Sendable, Codable, ColumnRole {
    case patient
    case therapist
    case session
    case alliancePatient = "alliance_patient"
    case allianceTherapist = "alliance_therapist"
    case distress

    /// The column name used when none is given.
    public var defaultColumnName: String { rawValue }

    /// Whether the role holds a rating (a number on a scale) rather than an identifier.
    public var isRating: Bool {
        switch self {
        case .alliancePatient, .allianceTherapist, .distress: return true
        case .patient, .therapist, .session: return false
        }
    }

    /// Roles every panel must have.
    public var isRequired: Bool { self == .patient || self == .session }
}
