import Tabular

/// Which column of an event table plays which role (`--columns code=3rs_code,segment=seg`, or
/// `columns:` in the event codebook).
///
/// A role named explicitly must exist in the file; `segment` and `onset` left at their defaults
/// are optional, but a file needs at least one of them.
public struct EventColumns: Sendable, Equatable {
    public private(set) var names: [EventRole: String]
    public private(set) var explicitRoles: Set<EventRole>

    /// Every role under its own name.
    public init() {
        names = Dictionary(uniqueKeysWithValues: EventRole.allCases.map { ($0, $0.rawValue) })
        explicitRoles = []
    }

    public subscript(role: EventRole) -> String { names[role] ?? role.rawValue }

    public mutating func rename(_ role: EventRole, to column: String) {
        names[role] = column
        explicitRoles.insert(role)
    }

    /// Applies comma-separated `role=column` pairs; errors name `option`.
    public mutating func apply(specification: String, option: String = "--columns") throws {
        for part in specification.split(separator: ",", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw DataError(location: option, message: "'\(part)' is not of the form role=column")
            }
            guard let role = EventRole(rawValue: pair[0]) else {
                throw DataError(location: option, message: "unknown role '\(pair[0])' (roles: \(Self.roleList))")
            }
            rename(role, to: pair[1])
        }
    }

    static let roleList = EventRole.allCases.map(\.rawValue).joined(separator: ", ")
}
