/// The syntax tree of a model formula, `response ~ right-hand side`, in lme4's language.
///
/// Public so that other estimators written in lme4's formula language (the dynamic models'
/// `lag()` and `pre()` terms) parse with the same grammar and print terms the same way.
public indirect enum FormulaExpression: Equatable, Hashable, Sendable {
    case variable(String)
    case number(Double)
    /// A string literal: the level in `relevel(f, "b")`.
    case string(String)
    /// `TRUE` or `FALSE`: `poly(x, 2, raw = TRUE)`.
    case logical(Bool)
    /// A function call: `factor(x)`, `I(session^2)`, `log(x)`, `poly(x, 2, raw = TRUE)`; named
    /// arguments are `.namedArgument` elements of the list.
    case call(String, [FormulaExpression])
    /// An argument given by name inside a call: `raw = TRUE`, `ref = "b"`.
    case namedArgument(String, FormulaExpression)
    case binary(FormulaOperator, FormulaExpression, FormulaExpression)
    case negation(FormulaExpression)
    /// A random-effects term `(lhs | group)`, or `(lhs || group)` when `uncorrelated`.
    case randomEffects(FormulaExpression, group: FormulaExpression, uncorrelated: Bool)
    case parenthesized(FormulaExpression)

    /// The expression as R deparses it: spaces around `+ - * %in%` and `=`, none around `^`, `/`
    /// and `:`, `f(x, y)` for calls, strings in double quotes. Term names are built from this so they
    /// read exactly as lme4 prints them.
    public var deparsed: String {
        switch self {
        case .variable(let name):
            let syntactic = name.first.map { $0.isLetter || $0 == "." } ?? false
                && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" }
            return syntactic ? name : "`\(name)`"
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value):
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .logical(let value):
            return value ? "TRUE" : "FALSE"
        case .call(let name, let arguments):
            return name + "(" + arguments.map(\.deparsed).joined(separator: ", ") + ")"
        case .namedArgument(let name, let value):
            return name + " = " + value.deparsed
        case .binary(let op, let lhs, let rhs):
            switch op {
            case .power, .interaction, .nested: return lhs.deparsed + op.symbol + rhs.deparsed
            default: return lhs.deparsed + " " + op.symbol + " " + rhs.deparsed
            }
        case .negation(let e):
            return "-" + e.deparsed
        case .randomEffects(let lhs, let group, let uncorrelated):
            return lhs.deparsed + (uncorrelated ? " || " : " | ") + group.deparsed
        case .parenthesized(let e):
            return "(" + e.deparsed + ")"
        }
    }
}

public enum FormulaOperator: Equatable, Hashable, Sendable {
    /// `%in%` is `within`: in a formula, `a %in% b` is the interaction `a:b` (R's `terms`).
    case plus, minus, times, nested, interaction, power, within

    public var symbol: String {
        switch self {
        case .plus: return "+"
        case .minus: return "-"
        case .times: return "*"
        case .nested: return "/"
        case .interaction: return ":"
        case .power: return "^"
        case .within: return "%in%"
        }
    }
}
