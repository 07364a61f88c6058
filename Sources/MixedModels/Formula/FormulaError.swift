import Tabular

/// A formula that cannot be used: it does not parse, or names something the data do not have.
/// The message says where (`column 14 of the formula`) or which term.
public struct FormulaError: InputError, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// An error at a (zero-based) character position of `formula`.
    static func at(_ position: Int, in formula: String, _ what: String) -> FormulaError {
        FormulaError("formula '\(formula)': \(what) at column \(position + 1)")
    }

    public var description: String { message }
}
