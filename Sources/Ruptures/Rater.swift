import SessionData
import Tabular

/// Whose ratings a rupture is detected in: the patient's alliance ratings, the therapist's, or
/// any other rating column.
public struct Rater: Sendable, Equatable, Hashable {
    /// `patient`, `therapist`, or the column's name.
    public let name: String
    /// The column holding the ratings.
    public let column: String

    public init(name: String, column: String) {
        self.name = name
        self.column = column
    }

    /// The rater called `name` in `panel`: `patient` and `therapist` are the alliance rating
    /// roles, anything else a column name. Errors name `--rater`.
    public static func named(_ name: String, in panel: Panel) throws -> Rater {
        let role: PanelRole? = name == "patient" ? .alliancePatient : name == "therapist" ? .allianceTherapist : nil
        if let role {
            guard let column = panel.column(for: role) else {
                throw DataError(location: "--rater \(Excerpt.quoted(name))", message: "\(panel.source) has no column '\(role.rawValue)' (rename yours with --columns \(role.rawValue)=NAME)")
            }
            return Rater(name: name, column: column)
        }
        guard panel.table.contains(name) else {
            throw DataError(location: "--rater \(Excerpt.quoted(name))", message: "no such column in \(panel.source) (columns: \(panel.table.names.joined(separator: ", ")))")
        }
        return Rater(name: name, column: name)
    }

    /// The alliance raters the panel has (patient, then therapist).
    public static func allianceRaters(in panel: Panel) -> [Rater] {
        var out = [Rater]()
        if let c = panel.column(for: .alliancePatient) { out.append(Rater(name: "patient", column: c)) }
        if let c = panel.column(for: .allianceTherapist) { out.append(Rater(name: "therapist", column: c)) }
        return out
    }

    /// `Patient-rated`, `Therapist-rated`, or the column name, for table headings.
    public var heading: String {
        switch name {
        case "patient": return "Patient-rated"
        case "therapist": return "Therapist-rated"
        default: return name
        }
    }
}
