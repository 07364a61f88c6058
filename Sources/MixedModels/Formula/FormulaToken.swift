/// A token of the formula language, with the (zero-based) column where it starts.
struct FormulaToken: Equatable {
    enum Kind: Equatable {
        case name(String)          // a variable or function name (backquotes removed)
        case number(Double)
        case string(String)        // "text" or 'text', for relevel(f, "b")
        case tilde, plus, minus, star, slash, colon, caret, bar, doubleBar, leftParen, rightParen, comma
        case equals                // a named argument: poly(x, 2, raw = TRUE)
        case special(String)       // a %op% operator: %in%
        /// R syntax that is not part of the formula language alliance understands ($, [, {, ==,
        /// !, &, <, ...): kept as a token so that the parser can say "not supported".
        case unsupported(String)
        case end
    }
    let kind: Kind
    let position: Int
}

/// Splits a formula into tokens. Names are R syntactic names (letters, digits, `.`, `_`, not
/// starting with a digit or `_`) or any text in backquotes, as R allows for non-syntactic column
/// names (`` `alliance score` ``). Strings are in double or single quotes, with backslash escapes.
struct FormulaLexer {
    let text: String

    /// R operators and punctuation outside alliance's formula language, longest first.
    static let unsupportedOperators = ["<<-", "->>", "==", "!=", "<=", ">=", "&&", "<-", "->", "|>",
                                       "$", "@", "[", "]", "{", "}", "!", "&", "<", ">", "?", ";", "\\"]

    func tokens() throws -> [FormulaToken] {
        let chars = Array(text)
        var out = [FormulaToken]()
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "." }
        func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "." || c == "_" }
        func startsWith(_ s: String, at k: Int) -> Bool {
            let pattern = Array(s)
            return k + pattern.count <= chars.count && Array(chars[k..<(k + pattern.count)]) == pattern
        }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            switch c {
            case "~": out.append(.init(kind: .tilde, position: i)); i += 1
            case "+": out.append(.init(kind: .plus, position: i)); i += 1
            case "-" where !startsWith("->", at: i): out.append(.init(kind: .minus, position: i)); i += 1
            case "*": out.append(.init(kind: .star, position: i)); i += 1
            case "/": out.append(.init(kind: .slash, position: i)); i += 1
            case ":": out.append(.init(kind: .colon, position: i)); i += 1
            case "^": out.append(.init(kind: .caret, position: i)); i += 1
            case "(": out.append(.init(kind: .leftParen, position: i)); i += 1
            case ")": out.append(.init(kind: .rightParen, position: i)); i += 1
            case ",": out.append(.init(kind: .comma, position: i)); i += 1
            case "=" where !startsWith("==", at: i): out.append(.init(kind: .equals, position: i)); i += 1
            case "|" where !startsWith("|>", at: i):
                if i + 1 < chars.count && chars[i + 1] == "|" {
                    out.append(.init(kind: .doubleBar, position: i)); i += 2
                } else {
                    out.append(.init(kind: .bar, position: i)); i += 1
                }
            case "%":
                var j = i + 1
                while j < chars.count && chars[j] != "%" { j += 1 }
                guard j < chars.count else { throw FormulaError.at(i, in: text, "unclosed %...% operator") }
                out.append(.init(kind: .special(String(chars[i...j])), position: start))
                i = j + 1
            case "`":
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                guard j < chars.count else { throw FormulaError.at(i, in: text, "unclosed backquote") }
                out.append(.init(kind: .name(String(chars[(i + 1)..<j])), position: start))
                i = j + 1
            case "\"", "'":
                var value = ""
                var j = i + 1
                while j < chars.count && chars[j] != c {
                    if chars[j] == "\\" && j + 1 < chars.count { j += 1 }
                    value.append(chars[j])
                    j += 1
                }
                guard j < chars.count else { throw FormulaError.at(i, in: text, "unclosed string") }
                out.append(.init(kind: .string(value), position: start))
                i = j + 1
            default:
                if c.isNumber || (c == "." && i + 1 < chars.count && chars[i + 1].isNumber) {
                    var j = i
                    while j < chars.count && (chars[j].isNumber || chars[j] == ".") { j += 1 }
                    if j < chars.count && (chars[j] == "e" || chars[j] == "E") {
                        var k = j + 1
                        if k < chars.count && (chars[k] == "+" || chars[k] == "-") { k += 1 }
                        if k < chars.count && chars[k].isNumber {
                            j = k
                            while j < chars.count && chars[j].isNumber { j += 1 }
                        }
                    }
                    if j < chars.count && chars[j] == "L" { j += 1 }   // R's integer suffix: 2L
                    let literal = String(chars[i..<j]).replacingOccurrences(of: "L", with: "")
                    guard let value = Double(literal), value.isFinite else {
                        throw FormulaError.at(i, in: text, "malformed number")
                    }
                    out.append(.init(kind: .number(value), position: start))
                    i = j
                } else if isNameStart(c) {
                    var j = i
                    while j < chars.count && isNameChar(chars[j]) { j += 1 }
                    out.append(.init(kind: .name(String(chars[i..<j])), position: start))
                    i = j
                } else if let op = Self.unsupportedOperators.first(where: { startsWith($0, at: i) }) {
                    out.append(.init(kind: .unsupported(op), position: start))
                    i += op.count
                } else {
                    out.append(.init(kind: .unsupported(String(c)), position: start))
                    i += 1
                }
            }
        }
        out.append(.init(kind: .end, position: chars.count))
        return out
    }
}
