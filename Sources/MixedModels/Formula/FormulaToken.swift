/// A token of the formula language, with the (zero-based) column where it starts.
struct FormulaToken: Equatable {
    enum Kind: Equatable {
        case name(String)          // a variable or function name (backquotes removed)
        case number(Double)
        case tilde, plus, minus, star, slash, colon, caret, bar, doubleBar, leftParen, rightParen, comma
        case end
    }
    let kind: Kind
    let position: Int
}

/// Splits a formula into tokens. Names are R syntactic names (letters, digits, `.`, `_`, not
/// starting with a digit or `_`) or any text in backquotes, as R allows for non-syntactic column
/// names (`` `alliance score` ``).
struct FormulaLexer {
    let text: String

    func tokens() throws -> [FormulaToken] {
        let chars = Array(text)
        var out = [FormulaToken]()
        var i = 0
        func isNameStart(_ c: Character) -> Bool { c.isLetter || c == "." }
        func isNameChar(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "." || c == "_" }
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            switch c {
            case "~": out.append(.init(kind: .tilde, position: i)); i += 1
            case "+": out.append(.init(kind: .plus, position: i)); i += 1
            case "-": out.append(.init(kind: .minus, position: i)); i += 1
            case "*": out.append(.init(kind: .star, position: i)); i += 1
            case "/": out.append(.init(kind: .slash, position: i)); i += 1
            case ":": out.append(.init(kind: .colon, position: i)); i += 1
            case "^": out.append(.init(kind: .caret, position: i)); i += 1
            case "(": out.append(.init(kind: .leftParen, position: i)); i += 1
            case ")": out.append(.init(kind: .rightParen, position: i)); i += 1
            case ",": out.append(.init(kind: .comma, position: i)); i += 1
            case "|":
                if i + 1 < chars.count && chars[i + 1] == "|" {
                    out.append(.init(kind: .doubleBar, position: i)); i += 2
                } else {
                    out.append(.init(kind: .bar, position: i)); i += 1
                }
            case "`":
                var j = i + 1
                while j < chars.count && chars[j] != "`" { j += 1 }
                guard j < chars.count else { throw FormulaError.at(i, in: text, "unclosed backquote") }
                out.append(.init(kind: .name(String(chars[(i + 1)..<j])), position: start))
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
                    guard let value = Double(String(chars[i..<j])) else {
                        throw FormulaError.at(i, in: text, "malformed number")
                    }
                    out.append(.init(kind: .number(value), position: start))
                    i = j
                } else if isNameStart(c) {
                    var j = i
                    while j < chars.count && isNameChar(chars[j]) { j += 1 }
                    out.append(.init(kind: .name(String(chars[i..<j])), position: start))
                    i = j
                } else {
                    throw FormulaError.at(i, in: text, "unexpected '\(c)'")
                }
            }
        }
        out.append(.init(kind: .end, position: chars.count))
        return out
    }
}
