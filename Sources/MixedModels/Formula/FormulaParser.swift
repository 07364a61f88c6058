/// Parses lme4's formula language by recursive descent, with R's operator precedence
/// (loosest first): `~`; `|` and `||` (inside parentheses); `+` and `-`; `*` and `/`; `%in%`;
/// `:`; unary minus; `^` (binds tightest, right-associative). Calls take positional and named
/// arguments (`poly(x, 2, raw = TRUE)`, `relevel(f, ref = "b")`); strings and `TRUE`/`FALSE`
/// are literals.
///
/// R syntax outside the formula language (`$`, `[`, `==`, other `%op%` operators, ...) is
/// refused as "not supported". So that hostile input cannot exhaust the stack or the memory, a
/// formula has at most `maximumTokens` tokens and nests parentheses, calls and unary minus at
/// most `maximumDepth` deep.
public struct FormulaParser {
    public let text: String
    private var tokens: [FormulaToken] = []
    private var index = 0
    private var depth = 0

    /// The most tokens (names, numbers, operators) a formula may have.
    public static let maximumTokens = 2_000
    /// The deepest nesting of parentheses, calls and unary minus.
    public static let maximumDepth = 100

    public init(_ text: String) {
        self.text = text
    }

    /// Parses `response ~ rhs`.
    public mutating func parse() throws -> (response: FormulaExpression, rhs: FormulaExpression) {
        tokens = try FormulaLexer(text: text).tokens()
        if tokens.count > Self.maximumTokens + 1 {
            throw FormulaError("\(FormulaError.quote(text)): the formula has \(tokens.count - 1) symbols; alliance takes at most \(Self.maximumTokens)")
        }
        index = 0
        depth = 0
        if case .tilde = peek.kind {
            throw FormulaError.at(peek.position, in: text, "the response (left of '~') is missing")
        }
        let response = try parseSum(allowBars: false)
        guard case .tilde = peek.kind else {
            throw unexpected(peek, expecting: "'~'")
        }
        advance()
        let rhs = try parseSum(allowBars: false)
        guard case .end = peek.kind else {
            throw unexpected(peek, expecting: nil)
        }
        return (response, rhs)
    }

    private var peek: FormulaToken { tokens[index] }
    private mutating func advance() { index += 1 }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth {
            throw FormulaError.at(peek.position, in: text, "parentheses, calls or signs nested more than \(Self.maximumDepth) deep")
        }
    }
    private mutating func leave() { depth -= 1 }

    private func describe(_ token: FormulaToken) -> String {
        switch token.kind {
        case .name(let n): return "'\(FormulaError.excerpt(n))'"
        case .number(let v): return "'\(FormulaExpression.number(v).deparsed)'"
        case .string(let s): return "the string \(FormulaError.excerpt(FormulaExpression.string(s).deparsed))"
        case .end: return "end of formula"
        case .tilde: return "'~'"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .colon: return "':'"
        case .caret: return "'^'"
        case .bar: return "'|'"
        case .doubleBar: return "'||'"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .comma: return "','"
        case .equals: return "'='"
        case .special(let op): return "'\(FormulaError.excerpt(op))'"
        case .unsupported(let op): return "'\(op)'"
        }
    }

    /// The error for a token where it does not belong: R syntax outside the formula language is
    /// "not supported"; anything else is unexpected.
    private func unexpected(_ token: FormulaToken, expecting: String?) -> FormulaError {
        switch token.kind {
        case .unsupported(let op):
            return FormulaError.at(token.position, in: text, "not supported: \(Self.unsupportedMeaning(op))")
        case .special(let op):
            return FormulaError.at(token.position, in: text, "not supported: the operator '\(FormulaError.excerpt(op))' (in formulas alliance understands %in%)")
        case .equals:
            return FormulaError.at(token.position, in: text, "not supported: '=' outside a function's named argument")
        default:
            if let expecting { return FormulaError.at(token.position, in: text, "expected \(expecting)") }
            return FormulaError.at(token.position, in: text, "unexpected \(describe(token))")
        }
    }

    private static func unsupportedMeaning(_ op: String) -> String {
        switch op {
        case "$": return "'$' (write the column name alone)"
        case "[", "]": return "'\(op)' (indexing)"
        case "==", "!=", "<", ">", "<=", ">=": return "the comparison '\(op)'"
        case "!", "&", "&&": return "the logical operator '\(op)'"
        case "<-", "<<-", "->", "->>": return "the assignment '\(op)'"
        default: return "'\(op)'"
        }
    }

    /// sum := product (('+' | '-') product)*, and inside parentheses a trailing `| group`.
    private mutating func parseSum(allowBars: Bool) throws -> FormulaExpression {
        var lhs: FormulaExpression
        if case .minus = peek.kind {      // leading minus: `- 1 + x`
            advance()
            lhs = .negation(try parseProduct())
        } else {
            lhs = try parseProduct()
        }
        while true {
            switch peek.kind {
            case .plus:
                advance()
                lhs = .binary(.plus, lhs, try parseProduct())
            case .minus:
                advance()
                lhs = .binary(.minus, lhs, try parseProduct())
            case .bar, .doubleBar:
                guard allowBars else {
                    throw FormulaError.at(peek.position, in: text, "a random-effects bar must be inside parentheses, as in (1 | group)")
                }
                let uncorrelated = peek.kind == .doubleBar
                advance()
                let group = try parseProduct()
                return .randomEffects(lhs, group: group, uncorrelated: uncorrelated)
            default:
                return lhs
            }
        }
    }

    /// product := within (('*' | '/') within)*
    private mutating func parseProduct() throws -> FormulaExpression {
        var lhs = try parseWithin()
        while true {
            switch peek.kind {
            case .star:
                advance()
                lhs = .binary(.times, lhs, try parseWithin())
            case .slash:
                advance()
                lhs = .binary(.nested, lhs, try parseWithin())
            default:
                return lhs
            }
        }
    }

    /// within := interaction ('%in%' interaction)*
    private mutating func parseWithin() throws -> FormulaExpression {
        var lhs = try parseInteraction()
        while case .special(let op) = peek.kind {
            guard op == "%in%" else { throw unexpected(peek, expecting: nil) }
            advance()
            lhs = .binary(.within, lhs, try parseInteraction())
        }
        return lhs
    }

    /// interaction := unary (':' unary)*
    private mutating func parseInteraction() throws -> FormulaExpression {
        var lhs = try parseUnary()
        while case .colon = peek.kind {
            advance()
            lhs = .binary(.interaction, lhs, try parseUnary())
        }
        return lhs
    }

    /// unary := '-' unary | power
    private mutating func parseUnary() throws -> FormulaExpression {
        if case .minus = peek.kind {
            try enter()
            defer { leave() }
            advance()
            return .negation(try parseUnary())
        }
        return try parsePower()
    }

    /// power := primary ('^' unary)?
    private mutating func parsePower() throws -> FormulaExpression {
        let base = try parsePrimary()
        if case .caret = peek.kind {
            advance()
            return .binary(.power, base, try parseUnary())
        }
        return base
    }

    /// primary := name | name '(' arguments ')' | number | string | '(' sum ')'
    /// arguments := argument (',' argument)*;  argument := name '=' sum | sum
    private mutating func parsePrimary() throws -> FormulaExpression {
        let token = peek
        switch token.kind {
        case .name(let name):
            advance()
            guard case .leftParen = peek.kind else {
                if name == "TRUE" { return .logical(true) }
                if name == "FALSE" { return .logical(false) }
                return .variable(name)
            }
            try enter()
            defer { leave() }
            advance()
            var arguments = [FormulaExpression]()
            if case .rightParen = peek.kind {
                throw FormulaError.at(peek.position, in: text, "\(FormulaError.excerpt(name))() needs an argument")
            }
            while true {
                if case .name(let argumentName) = peek.kind, case .equals = tokens[index + 1].kind {
                    advance(); advance()
                    arguments.append(.namedArgument(argumentName, try parseSum(allowBars: false)))
                } else {
                    arguments.append(try parseSum(allowBars: false))
                }
                if case .comma = peek.kind { advance(); continue }
                break
            }
            guard case .rightParen = peek.kind else {
                if case .end = peek.kind {
                    throw FormulaError.at(peek.position, in: text, "missing ')' to close \(FormulaError.excerpt(name))(")
                }
                throw unexpected(peek, expecting: "')' to close \(FormulaError.excerpt(name))(")
            }
            advance()
            return .call(name, arguments)
        case .number(let value):
            advance()
            return .number(value)
        case .string(let value):
            advance()
            return .string(value)
        case .leftParen:
            try enter()
            defer { leave() }
            advance()
            let inner = try parseSum(allowBars: true)
            guard case .rightParen = peek.kind else {
                if case .end = peek.kind {
                    throw FormulaError.at(peek.position, in: text, "missing ')' to close the '(' at column \(token.position + 1)")
                }
                throw unexpected(peek, expecting: "')' to close the '(' at column \(token.position + 1)")
            }
            advance()
            if case .randomEffects = inner { return inner }
            return .parenthesized(inner)
        case .unsupported, .special, .equals:
            throw unexpected(token, expecting: nil)
        default:
            throw FormulaError.at(token.position, in: text, "expected a variable, number or '(' but found \(describe(token))")
        }
    }
}
