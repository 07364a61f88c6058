import SessionData

/// What a column of an observer-coded event table means.
///
/// One row per coded event: who (`patient`), in which `session`, when (`segment`, `onset`, or
/// both: segment first, onset within it), by whom (`actor`: patient or therapist), and what
/// (`code`, a code of the event codebook). Each role has a default column name (its raw value);
/// `EventColumns` renames them (`--columns code=rrs_code,segment=seg`, or `columns:` in the event
/// codebook).
public enum EventRole: String, CaseIterable, Sendable, ColumnRole {
    case patient
    case session
    case segment
    case onset
    case actor
    case code

    /// Roles every event table must have (plus `segment` or `onset`).
    public var isRequired: Bool { self != .segment && self != .onset }
}

/// The columns of an event table. A role named explicitly must exist in the file; `segment` and
/// `onset` left at their defaults are optional, but a file needs at least one of them.
public typealias EventColumns = RoleColumns<EventRole>
