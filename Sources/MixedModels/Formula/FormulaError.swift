import Tabular

/// A formula that cannot be used: it does not parse, or names something the data do not have.
/// The message says where (`column 14 of the formula`) or which term, and quotes at most about
/// 80 characters of what the user wrote.
public struct FormulaError: InputError, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// The most characters of the user's input a message quotes.
    static let quoteLimit = 80

    /// `formula 'y ~ x + (1 | g)'`, shortened to about 80 characters (around `position` when given).
    static func quote(_ formula: String, around position: Int? = nil) -> String {
        "formula '\(excerpt(formula, around: position))'"
    }

    /// At most `quoteLimit` characters of `text`, with "..." where it was cut: the start, or a
    /// window around `position`.
    static func excerpt(_ text: String, around position: Int? = nil) -> String {
        let chars = Array(text)
        guard chars.count > quoteLimit else { return visible(text) }
        let width = quoteLimit - 6
        let start = max(0, min((position ?? 0) - width / 2, chars.count - width))
        let end = min(chars.count, start + width)
        return (start > 0 ? "..." : "") + visible(String(chars[start..<end])) + (end < chars.count ? "..." : "")
    }

    /// Control characters written as escapes (`\n`, `\u{0}`), so a message stays one line.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.properties.generalCategory == .control: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// An error at a (zero-based) character position of `formula`.
    static func at(_ position: Int, in formula: String, _ what: String) -> FormulaError {
        FormulaError("\(quote(formula, around: position)): \(what) at column \(position + 1)")
    }

    public var description: String { message }
}
