import MixedModels

/// A variable of a dynamic model at a lag: `x` (lag 0), `lag(x)` (the previous session) or
/// `lag(x, k)` (k sessions earlier), as written in the formula of `alliance dsem` and
/// `alliance mlsem`.
///
/// The lag counts sessions, not rows (see `LaggedPanel`). Its `term` is the name reports print,
/// the way R would deparse the call: `lag(rupture)`, `lag(distress, 2)`.
public struct LaggedVariable: Hashable, Sendable, CustomStringConvertible {
    /// The data column.
    public let name: String
    /// Sessions back: 0 for the same session.
    public let lag: Int

    public init(name: String, lag: Int) {
        precondition(lag >= 0, "a lag is not negative")
        self.name = name
        self.lag = lag
    }

    /// The largest lag a formula may ask for: more than this many sessions back is almost surely
    /// a typo, and every lag adds parameters (waves in an SEM, initial values in DSEM).
    public static let maximumLag = 10

    /// The term as printed: `x`, `lag(x)`, `lag(x, k)`.
    public var term: String {
        switch lag {
        case 0: return FormulaExpression.variable(name).deparsed
        case 1: return "lag(\(FormulaExpression.variable(name).deparsed))"
        default: return "lag(\(FormulaExpression.variable(name).deparsed), \(lag))"
        }
    }

    public var description: String { term }

    /// Reads `x`, `lag(x)` or `lag(x, k)` (k a whole number from 1 to `maximumLag`; `lag(x, 0)` is
    /// `x`). Returns nil when `expression` is something else (another function, an operator),
    /// which the caller reports in its own terms; throws when it is a malformed `lag()` call.
    public init?(_ expression: FormulaExpression, formula: String) throws {
        switch expression {
        case .variable(let name):
            self.init(name: name, lag: 0)
        case .parenthesized(let inner):
            guard let v = try LaggedVariable(inner, formula: formula) else { return nil }
            self = v
        case .call("lag", let arguments):
            guard (1...2).contains(arguments.count), case .variable(let name) = arguments[0] else {
                throw FormulaError("formula '\(formula)': \(expression.deparsed): lag() takes a column and optionally a number of sessions, as in lag(distress) or lag(distress, 2)")
            }
            var k = 1
            if arguments.count == 2 {
                guard case .number(let value) = arguments[1], value == value.rounded(),
                      value >= 0, value <= Double(Self.maximumLag) else {
                    throw FormulaError("formula '\(formula)': \(expression.deparsed): the lag must be a whole number of sessions from 0 to \(Self.maximumLag)")
                }
                k = Int(value)
            }
            self.init(name: name, lag: k)
        default:
            return nil
        }
    }
}
