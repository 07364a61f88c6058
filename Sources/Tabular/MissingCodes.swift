/// Values the user declares missing (`--na 99,-99,.`), as R's `na.strings` and SPSS's MISSING
/// VALUES do: a cell whose text is one of the codes, or whose number equals one of the numeric
/// codes (`99` also catches `99.0` and `99,0`), is missing.
///
/// The codes apply to every column except `exemptColumns`: the identifiers (patient, therapist,
/// session), where patient 99 is a patient and not a missing value.
public struct MissingCodes: Sendable, Equatable {
    /// The codes as written.
    public private(set) var tokens: Set<String> = []
    /// The codes that are decimal numbers.
    public private(set) var numbers: Set<Double> = []
    /// Columns the codes do not apply to.
    public var exemptColumns: Set<String> = []

    /// The most codes one option may declare.
    public static let maximumCount = 100

    public init() {}

    /// Parses a comma-separated list of codes; `option` names it in messages.
    public init(specification: String, option: String = "--na") throws {
        for part in specification.split(separator: ",", omittingEmptySubsequences: false) {
            let code = Self.trimmed(part)
            guard !code.isEmpty else {
                throw DataError(location: option, message: "an empty code in \(Excerpt.quoted(specification)) (codes are separated by commas, e.g. --na 99,-99,NA)")
            }
            guard code.count <= Excerpt.limit else {
                throw DataError(location: option, message: "the code \(Excerpt.quoted(code)) is too long")
            }
            tokens.insert(code)
            if let v = DecimalText.value(of: code) { numbers.insert(v) }
        }
        guard tokens.count <= Self.maximumCount else {
            throw DataError(location: option, message: "\(tokens.count) codes; at most \(Self.maximumCount) are allowed")
        }
    }

    public var isEmpty: Bool { tokens.isEmpty }

    /// Both sets of codes together.
    public mutating func formUnion(_ other: MissingCodes) {
        tokens.formUnion(other.tokens)
        numbers.formUnion(other.numbers)
        exemptColumns.formUnion(other.exemptColumns)
    }

    /// Whether the codes apply to the column `name`.
    public func applies(to name: String) -> Bool { !isEmpty && !exemptColumns.contains(name) }

    private static func trimmed(_ s: Substring) -> String {
        var t = s
        while t.first == " " { t.removeFirst() }
        while t.last == " " { t.removeLast() }
        return String(t)
    }

    /// The codes as the user would write them, sorted: `-99, 99, NA`.
    public var description: String { tokens.sorted().joined(separator: ", ") }
}
