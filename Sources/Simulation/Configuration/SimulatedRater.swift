import Yams

/// Who rates the alliance in a simulated study: the patient or the therapist. Each has a column
/// in the long format (`alliance_patient`, `alliance_therapist`) and, in the analysis, the
/// rupture and repair indicators detected in that column.
public enum SimulatedRater: String, Sendable, CaseIterable, Hashable, Codable {
    case patient, therapist

    /// The rating column in the long format.
    public var column: String { "alliance_" + rawValue }
}

/// One value per rater, read from and written as `{patient: ..., therapist: ...}`.
public struct PerRater<Value: Sendable & Equatable>: Sendable, Equatable {
    public var patient: Value
    public var therapist: Value

    public init(patient: Value, therapist: Value) {
        self.patient = patient
        self.therapist = therapist
    }

    public subscript(rater: SimulatedRater) -> Value {
        get { rater == .patient ? patient : therapist }
        set { if rater == .patient { patient = newValue } else { therapist = newValue } }
    }
}

extension PerRater where Value == Double {
    /// Reads `patient` and `therapist` from `section`, each with `read` (which checks its range).
    init(_ section: ConfigurationSection, default d: PerRater<Double>,
         read: (ConfigurationSection, String, Double) throws -> Double) throws {
        patient = try read(section, "patient", d.patient)
        therapist = try read(section, "therapist", d.therapist)
        try section.finish()
    }

    var node: Node {
        CanonicalYAML.flowMapping([("patient", CanonicalYAML.number(patient)), ("therapist", CanonicalYAML.number(therapist))])
    }
}
