import DynamicModels
import MixedModels

/// The formula of an ML-SEM dynamic panel model in dpm's syntax:
///
///     outcome ~ pre(lag(x)) + lag(w) + v | z1 + z2
///
/// Left of `|`, the time-varying predictors: `x` (the same session), `lag(x)` (the previous one),
/// `lag(x, k)`; wrapped in `pre()` a predictor is predetermined (sequentially exogenous: it may
/// respond to earlier shocks of the outcome), otherwise strictly exogenous. Right of `|`, the
/// time-invariant covariates. The lagged outcome is implied (its lags are an option), so it may
/// not be written.
///
/// dpm's top-level `|` is not part of lme4's grammar (there a bar lives inside parentheses), so
/// the formula is split at it here: the part before it is parsed as a formula, and the whole formula
/// with the bar read as `+` gives the covariates, so that every error names its column in the
/// formula as typed.
public struct MLSEMFormula: Sendable, Equatable {
    /// A time-varying predictor.
    public struct Predictor: Sendable, Equatable {
        public let variable: LaggedVariable
        /// Marked `pre()`: predetermined rather than strictly exogenous.
        public let predetermined: Bool
    }

    public let text: String
    public let outcome: String
    public private(set) var predictors: [Predictor]
    /// The time-invariant covariates (after `|`).
    public let constants: [String]

    /// Every data column the formula reads: the outcome, the predictors' columns, the covariates.
    public var variables: [String] {
        var out = [outcome]
        for name in predictors.map(\.variable.name) + constants where !out.contains(name) { out.append(name) }
        return out
    }

    public init(_ text: String) throws {
        self.text = text
        // The top-level bar: outside every parenthesis.
        var depth = 0, bar: String.Index?
        for i in text.indices {
            switch text[i] {
            case "(": depth += 1
            case ")": depth -= 1
            case "|" where depth == 0:
                if bar != nil { throw FormulaError("formula '\(text)': more than one '|' (dpm's formula has one, before the time-invariant covariates)") }
                bar = i
            default: break
            }
        }
        let head = bar.map { String(text[..<$0]) } ?? text
        if let bar, text[text.index(after: bar)...].allSatisfy(\.isWhitespace) {
            throw FormulaError("formula '\(text)': nothing after '|' (name the time-invariant covariates, or leave out the bar)")
        }
        var headParser = FormulaParser(head)
        let barColumn = bar.map { text.distance(from: text.startIndex, to: $0) + 1 }
        let (response, rhs) = try Self.rethrowing(text, barColumn: barColumn) { try headParser.parse() }
        guard case .variable(let outcome) = response else {
            throw FormulaError("formula '\(text)': the outcome must be a column name, not \(response.deparsed)")
        }
        self.outcome = outcome
        let predictorTerms = try Self.terms(of: rhs, formula: text)

        var constants = [String]()
        if let bar {
            var whole = text
            whole.replaceSubrange(bar...bar, with: "+")
            var parser = FormulaParser(whole)
            let (_, all) = try Self.rethrowing(text, barColumn: nil) { try parser.parse() }
            let terms = try Self.terms(of: all, formula: text)
            for term in terms[predictorTerms.count...] {
                guard case .variable(let name) = term else {
                    throw FormulaError("formula '\(text)': \(term.deparsed): after '|' come time-invariant covariates, plain column names")
                }
                guard !constants.contains(name) else { throw FormulaError("formula '\(text)': '\(name)' is named twice after '|'") }
                constants.append(name)
            }
        }
        self.constants = constants

        var predictors = [Predictor]()
        for term in predictorTerms {
            var inner = term, predetermined = false
            if case .call("pre", let arguments) = term {
                guard arguments.count == 1 else {
                    throw FormulaError("formula '\(text)': \(term.deparsed): pre() takes one predictor, as in pre(lag(x))")
                }
                inner = arguments[0]
                predetermined = true
            }
            guard let variable = try LaggedVariable(inner, formula: text) else {
                throw FormulaError("formula '\(text)': \(term.deparsed): an ML-SEM term is a column, lag(x), lag(x, k), or pre() of one of these")
            }
            if variable.name == outcome {
                throw FormulaError("formula '\(text)': \(term.deparsed): the lagged outcome is in the model already; set its lags with --y-lag")
            }
            if let same = predictors.first(where: { $0.variable == variable }) {
                throw FormulaError("formula '\(text)': \(variable.term) is in the formula twice\(same.predetermined != predetermined ? " (once in pre())" : "")")
            }
            if constants.contains(variable.name) {
                throw FormulaError("formula '\(text)': '\(variable.name)' is both a time-varying predictor and a time-invariant covariate")
            }
            predictors.append(Predictor(variable: variable, predetermined: predetermined))
        }
        if constants.contains(outcome) {
            throw FormulaError("formula '\(text)': the outcome '\(outcome)' cannot be a time-invariant covariate")
        }
        guard !predictors.isEmpty || !constants.isEmpty else {
            throw FormulaError("formula '\(text)': no predictors (dpm's formula needs at least one time-varying predictor or covariate)")
        }
        self.predictors = predictors
    }

    /// The terms of a sum, left to right; anything but `+` between terms is an error.
    private static func terms(of expression: FormulaExpression, formula: String) throws -> [FormulaExpression] {
        switch expression {
        case .binary(.plus, let lhs, let rhs):
            return try terms(of: lhs, formula: formula) + terms(of: rhs, formula: formula)
        case .binary(.minus, _, _), .negation:
            throw FormulaError("formula '\(formula)': \(expression.deparsed): terms cannot be removed in an ML-SEM formula (every equation has its own intercept)")
        case .number:
            throw FormulaError("formula '\(formula)': \(expression.deparsed): every equation has its own intercept; numbers are not terms")
        case .binary(let op, _, _):
            throw FormulaError("formula '\(formula)': \(expression.deparsed): '\(op.symbol)' is not supported in an ML-SEM formula (terms are columns, lag() and pre())")
        case .randomEffects:
            throw FormulaError("formula '\(formula)': \(expression.deparsed): random-effects terms are not part of an ML-SEM formula (the person effect is the latent alpha)")
        default:
            return [expression]
        }
    }

    /// The formula with every predictor at lag 0 moved to lag `k` (`--x-lag`).
    func lagging(unlaggedPredictorsBy k: Int) throws -> MLSEMFormula {
        guard k > 0 else { return self }
        var copy = self
        copy.predictors = predictors.map { p in
            p.variable.lag == 0 ? Predictor(variable: LaggedVariable(name: p.variable.name, lag: k), predetermined: p.predetermined) : p
        }
        for (i, p) in copy.predictors.enumerated() where copy.predictors[..<i].contains(where: { $0.variable == p.variable }) {
            throw FormulaError("formula '\(text)': with --x-lag \(k), \(p.variable.term) is in the formula twice")
        }
        return copy
    }

    /// Parse errors of a part of the formula (the text before the bar, or the whole with the bar
    /// read as '+', both with the formula's columns) shown with the formula as typed; the end of
    /// the part before the bar is the bar.
    private static func rethrowing<T>(_ whole: String, barColumn: Int?, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as FormulaError {
            guard error.message.hasPrefix("formula '"), let range = error.message.range(of: "': ") else { throw error }
            var what = String(error.message[range.upperBound...])
            if let barColumn { what = what.replacingOccurrences(of: "end of formula at column \(barColumn)", with: "'|' at column \(barColumn)") }
            throw FormulaError("formula '\(whole)': " + what)
        }
    }
}
