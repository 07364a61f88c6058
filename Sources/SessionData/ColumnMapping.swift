import Foundation
import Tabular

/// A role a column can play in a file (`PanelRole` for session data, `EventRole` for coded
/// events); the raw value is the role's name and its default column name.
public protocol ColumnRole: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {}

/// Which column of a file plays which role (`--columns patient=id,session=sess`).
///
/// Roles not named keep their default column name. A role named explicitly must exist in the
/// file; whether a role left at its default may be absent is up to the file's reader (session
/// data require only `patient` and `session`).
public struct RoleColumns<Role: ColumnRole>: Sendable, Equatable {
    /// The column name of each role.
    public private(set) var names: [Role: String]
    /// The roles the user named explicitly (these must exist in the file).
    public private(set) var explicitRoles: Set<Role>

    /// The default mapping: every role under its own name.
    public init() {
        names = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, $0.rawValue) })
        explicitRoles = []
    }

    /// The column name of `role`.
    public subscript(role: Role) -> String { names[role] ?? role.rawValue }

    /// Renames `role` to `column`.
    public mutating func rename(_ role: Role, to column: String) {
        names[role] = column
        explicitRoles.insert(role)
    }

    /// The roles, for messages: `patient, therapist, session, ...`.
    public static var roleList: String { Role.allCases.map(\.rawValue).joined(separator: ", ") }

    /// Applies a `--columns` specification: comma-separated `role=column` pairs.
    /// Errors name the option: `--columns: unknown role 'pateint' (roles: patient, ...)`.
    public mutating func apply(specification: String, option: String = "--columns") throws {
        for part in specification.split(separator: ",", omittingEmptySubsequences: true) {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw DataError(location: option, message: "'\(part)' is not of the form role=column")
            }
            guard let role = Role(rawValue: pair[0]) else {
                throw DataError(location: option, message: "unknown role '\(pair[0])' (roles: \(Self.roleList))")
            }
            rename(role, to: pair[1])
        }
    }
}

/// The columns of session data (`Panel`).
public typealias ColumnMapping = RoleColumns<PanelRole>
