import Yams

/// Who is treated, by whom, and which sessions are observed.
///
/// - `patients` patients share `therapists` therapists: patient i (from 0) goes to therapist
///   i mod J (`balanced` caseloads), or each patient to a therapist drawn uniformly (`random`).
/// - Patient i is planned to have N_i sessions, numbered 1...N_i, drawn from `sessions`.
/// - Dropout: after each session t < N_i the patient leaves with probability `dropout.hazard`,
///   or `dropout.openRuptureHazard` while a rupture (perceived by either rater) is unrepaired.
/// - A session is missed, leaving no row (a gap in the session numbers), with probability
///   `missing.session`; in an attended session each rating is missing (NA) independently with
///   probability `missing[rating]`. The latent process runs on through missed sessions.
public struct SessionDesign: Sendable, Equatable {
    public enum Caseload: String, Sendable, CaseIterable { case balanced, random }

    public struct Dropout: Sendable, Equatable {
        public var hazard = 0.0
        public var openRuptureHazard = 0.0
    }

    public struct MissingRatings: Sendable, Equatable {
        public var session = 0.0
        public var alliance = PerRater(patient: 0.0, therapist: 0.0)
        public var distress = 0.0
    }

    public var therapists = 10
    public var patients = 100
    public var caseload = Caseload.balanced
    public var sessions = SessionCounts()
    public var dropout = Dropout()
    public var missing = MissingRatings()

    public init() {}

    /// The largest designs a configuration may ask for (each checked before anything is
    /// allocated): patients, therapists, and patients times the most sessions a patient may have
    /// (one replication's rows, about 100 bytes each in memory).
    public static let maximumPatients = 1_000_000
    public static let maximumTherapists = 100_000
    public static let maximumPlannedSessions = 20_000_000

    /// Reads the design fields of the top-level section `s` (which holds other fields too).
    init(_ s: ConfigurationSection, default d: SessionDesign) throws {
        therapists = try s.integer("therapists", default: d.therapists, minimum: 1, maximum: Self.maximumTherapists)
        patients = try s.integer("patients", default: d.patients, minimum: 1, maximum: Self.maximumPatients)
        caseload = try s.choice("caseload", default: d.caseload)
        sessions = try SessionCounts(try s.section("sessions"), default: d.sessions)
        // The data of one replication are held in memory: patients times the most sessions a
        // patient may have is limited before anything is simulated.
        let planned = patients * sessions.maximum
        guard planned <= Self.maximumPlannedSessions else {
            throw s.error("patients", "is \(patients) patients with up to \(sessions.maximum) sessions each (sessions.maximum), \(planned) planned sessions; at most \(Self.maximumPlannedSessions) are allowed")
        }
        let dropoutSection = try s.section("dropout")
        dropout.hazard = try dropoutSection.probability("hazard", default: d.dropout.hazard)
        dropout.openRuptureHazard = try dropoutSection.probability("open_rupture_hazard", default: d.dropout.openRuptureHazard)
        try dropoutSection.finish()
        let missingSection = try s.section("missing")
        missing.session = try missingSection.probability("session", default: d.missing.session)
        missing.alliance.patient = try missingSection.probability("alliance_patient", default: d.missing.alliance.patient)
        missing.alliance.therapist = try missingSection.probability("alliance_therapist", default: d.missing.alliance.therapist)
        missing.distress = try missingSection.probability("distress", default: d.missing.distress)
        try missingSection.finish()
    }

    /// The design's fields, in order, for the top-level mapping.
    var fields: [(String, Node)] {
        [
            ("therapists", CanonicalYAML.integer(therapists)), ("patients", CanonicalYAML.integer(patients)),
            ("caseload", CanonicalYAML.text(caseload.rawValue)), ("sessions", sessions.node),
            ("dropout", CanonicalYAML.mapping([("hazard", CanonicalYAML.number(dropout.hazard)),
                                               ("open_rupture_hazard", CanonicalYAML.number(dropout.openRuptureHazard))])),
            ("missing", CanonicalYAML.mapping([
                ("session", CanonicalYAML.number(missing.session)),
                ("alliance_patient", CanonicalYAML.number(missing.alliance.patient)),
                ("alliance_therapist", CanonicalYAML.number(missing.alliance.therapist)),
                ("distress", CanonicalYAML.number(missing.distress)),
            ])),
        ]
    }
}
