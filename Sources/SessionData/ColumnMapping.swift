import Foundation
import Tabular

/// Which column of a file plays which role (`--columns patient=id,session=sess`).
///
/// Roles not named keep their default column name. A role named explicitly must exist in the
/// file; a role left at its default is optional (except `patient` and `session`), so a file
/// without therapist ratings or without a therapist column is fine.
public struct ColumnMapping: Sendable, Equatable {
    /// The column name of each role.
    public private(set) var names: [PanelRole: String]
    /// The roles the user named explicitly (these must exist in the file).
    public private(set) var explicitRoles: Set<PanelRole>

    /// The default mapping: every role under its own name.
    public init() {
        names = Dictionary(uniqueKeysWithValues: PanelRole.allCases.map { ($0, $0.defaultColumnName) })
        explicitRoles = []
    }

    /// The column name of `role`.
    public subscript(role: PanelRole) -> String { names[role] ?? role.defaultColumnName }

    /// Renames `role` to `column`.
    public mutating func rename(_ role: PanelRole, to column: String) {
        names[role] = column
        explicitRoles.insert(role)
    }

    /// Applies a `--columns` specification: comma-separated `role=column` pairs.
    /// Errors name the option: `--columns: unknown role 'pateint' (roles: patient, ...)`.
    public mutating func apply(specification: String, option: String = "--columns") throws {
        for part in specification.split(separator: ",", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw DataError(location: option, message: "'\(part)' is not of the form role=column")
            }
            guard let role = PanelRole(rawValue: pair[0]) else {
                throw DataError(location: option, message: "unknown role '\(pair[0])' (roles: \(PanelRole.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            rename(role, to: pair[1])
        }
    }
}
