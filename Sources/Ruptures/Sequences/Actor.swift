import Foundation

/// Who an event is coded for: the patient or the therapist.
public enum Actor: String, CaseIterable, Sendable, Codable {
    case patient
    case therapist

    /// Reads `patient` or `therapist`, in any letter case and with surrounding spaces ignored.
    public init?(text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
