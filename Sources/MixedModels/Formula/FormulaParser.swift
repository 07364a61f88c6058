/// Parses lme4's formula language by recursive descent, with R's operator precedence
/// (loosest first): `~`; `|` and `||` (inside parentheses); `+` and `-`; `*` and `/`; `:`;
/// unary minus; `^` (binds tightest, right-associative).
public struct FormulaParser {
    public let text: String
    private var tokens: [FormulaToken] = []
    private var index = 0

    public init(_ text: String) {
        self.text = text
    }

    /// Parses `response ~ rhs`.
    public mutating func parse() throws -> (response: FormulaExpression, rhs: FormulaExpression) {
        tokens = try FormulaLexer(text: text).tokens()
        index = 0
        if case .tilde = peek.kind {
            throw FormulaError.at(peek.position, in: text, "the response (left of '~') is missing")
        }
        let response = try parseSum(allowBars: false)
        guard case .tilde = peek.kind else {
            throw FormulaError.at(peek.position, in: text, "expected '~'")
        }
        advance()
        let rhs = try parseSum(allowBars: false)
        guard case .end = peek.kind else {
            throw FormulaError.at(peek.position, in: text, "unexpected \(describe(peek))")
        }
        return (response, rhs)
    }

    private var peek: FormulaToken { tokens[index] }
    private mutating func advance() { index += 1 }

    private func describe(_ token: FormulaToken) -> String {
        switch token.kind {
        case .name(let n): return "'\(n)'"
        case .number(let v): return "'\(v)'"
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

    /// product := interaction (('*' | '/') interaction)*
    private mutating func parseProduct() throws -> FormulaExpression {
        var lhs = try parseInteraction()
        while true {
            switch peek.kind {
            case .star:
                advance()
                lhs = .binary(.times, lhs, try parseInteraction())
            case .slash:
                advance()
                lhs = .binary(.nested, lhs, try parseInteraction())
            default:
                return lhs
            }
        }
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

    /// primary := name | name '(' arguments ')' | number | '(' sum ')'
    private mutating func parsePrimary() throws -> FormulaExpression {
        let token = peek
        switch token.kind {
        case .name(let name):
            advance()
            guard case .leftParen = peek.kind else { return .variable(name) }
            advance()
            var arguments = [FormulaExpression]()
            if case .rightParen = peek.kind {
                throw FormulaError.at(peek.position, in: text, "\(name)() needs an argument")
            }
            while true {
                arguments.append(try parseSum(allowBars: false))
                if case .comma = peek.kind { advance(); continue }
                break
            }
            guard case .rightParen = peek.kind else {
                throw FormulaError.at(peek.position, in: text, "missing ')' to close \(name)(")
            }
            advance()
            return .call(name, arguments)
        case .number(let value):
            advance()
            return .number(value)
        case .leftParen:
            advance()
            let inner = try parseSum(allowBars: true)
            guard case .rightParen = peek.kind else {
                throw FormulaError.at(peek.position, in: text, "missing ')' to close the '(' at column \(token.position + 1)")
            }
            advance()
            if case .randomEffects = inner { return inner }
            return .parenthesized(inner)
        default:
            throw FormulaError.at(token.position, in: text, "expected a variable, number or '(' but found \(describe(token))")
        }
    }
}
