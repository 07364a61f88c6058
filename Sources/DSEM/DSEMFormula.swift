import DynamicModels
import MixedModels

/// The formula of a two-level DSEM in lme4's language, read with MixedModels' parser:
///
///     distress ~ lag(distress) + lag(rupture) + lag(repair) + session + factor(therapist)
///                + (1 + lag(distress) | patient)
///
/// - `lag(y)` (or `lag(y, k)`) of the outcome is the autoregression; the lag is centred on the
///   patient's latent mean (DSEM's latent centring), never on an observed mean. At least one is
///   required: without it the model is not dynamic and `alliance fit` is the tool.
/// - `x`, `lag(x)`, `lag(x, k)` of other columns are time-varying covariates at that lag, entered as
///   observed (uncentred; add a patient-level mean of x as a between covariate for the contextual
///   effect).
/// - `factor(x)` of a column constant within each patient (a therapist) enters the between level as
///   treatment-coded dummies; a plain column constant within each patient is a between-level
///   covariate too (which columns are is decided on the data, `DSEMSpecification`).
/// - `mean(x)` of a time-varying column is the patient's mean of its observed values, a
///   between-level covariate (of a 0/1 rupture indicator: the share of sessions with a rupture).
/// - One random-effects term `(1 + ... | patient)` names the patient column and the random effects:
///   the intercept (the patient's latent mean, required) and any within terms of the fixed part
///   (random slopes). `||` makes them uncorrelated.
///
/// Errors are `FormulaError`s (bad input) naming the formula and the term.
public struct DSEMFormula: Sendable, Equatable {
    /// The formula as written.
    public let text: String
    /// The outcome column.
    public let outcome: String
    /// The patient (cluster) column named in the random part.
    public let group: String
    /// The fixed-part terms other than the intercept, as written and in order.
    public let terms: [Term]
    /// The within terms with a random coefficient, in the order of the random part.
    public let randomSlopes: [LaggedVariable]
    /// `||`: the random effects are independent.
    public let uncorrelated: Bool

    /// A term of the fixed part.
    public enum Term: Sendable, Equatable, Hashable {
        /// `x`, `lag(x)`, `lag(x, k)` (the outcome's own lags included).
        case lagged(LaggedVariable)
        /// `factor(x)`: a categorical between-level covariate.
        case factor(String)
        /// `mean(x)`: the patient's mean of a time-varying column over its sessions (a between-level
        /// covariate; of a rupture indicator, the share of the patient's sessions with a rupture).
        case patientMean(String)

        /// The column the term reads.
        public var column: String {
            switch self {
            case .lagged(let v): return v.name
            case .factor(let name), .patientMean(let name): return name
            }
        }

        /// The term as printed.
        public var label: String {
            switch self {
            case .lagged(let v): return v.term
            case .factor(let name): return "factor(\(FormulaExpression.variable(name).deparsed))"
            case .patientMean(let name): return "mean(\(FormulaExpression.variable(name).deparsed))"
            }
        }
    }

    /// The lags of the outcome in the fixed part (at least one).
    public var autoregressiveLags: [Int] {
        terms.compactMap { if case .lagged(let v) = $0, v.name == outcome { return v.lag } else { return nil } }
    }

    /// Every column the model reads: outcome, covariates, between covariates (not the group).
    public var columns: [String] {
        var out = [outcome]
        for t in terms where !out.contains(t.column) { out.append(t.column) }
        return out
    }

    public init(_ text: String) throws {
        self.text = text
        func fail(_ message: String) -> FormulaError { FormulaError("formula '\(text)': \(message)") }
        var parser = FormulaParser(text)
        let (response, rhs) = try parser.parse()
        guard case .variable(let outcome) = Self.unwrapped(response) else {
            throw fail("the outcome (left of '~') must be a column name, not \(response.deparsed)")
        }
        self.outcome = outcome

        var fixed = [FormulaExpression](), random = [FormulaExpression]()
        try Self.summands(rhs, fixed: &fixed, random: &random, formula: text)
        var terms = [Term]()
        for expression in fixed {
            let e = Self.unwrapped(expression)
            switch e {
            case .number(1):
                continue
            case .number(0), .negation(.number(1)):
                throw fail("DSEM always has an intercept (the mean of the patients' latent means); remove '\(e.deparsed)'")
            case .call("factor", let arguments):
                guard arguments.count == 1, case .variable(let name) = Self.unwrapped(arguments[0]) else {
                    throw fail("\(e.deparsed): factor() takes one column, as in factor(therapist)")
                }
                terms.append(.factor(name))
            case .call("mean", let arguments):
                guard arguments.count == 1, case .variable(let name) = Self.unwrapped(arguments[0]) else {
                    throw fail("\(e.deparsed): mean() takes one column, as in mean(rupture)")
                }
                if name == outcome {
                    throw fail("\(e.deparsed): the patient's mean of the outcome is its latent mean, already in the model")
                }
                terms.append(.patientMean(name))
            case .binary(.interaction, _, _), .binary(.times, _, _), .binary(.nested, _, _), .binary(.power, _, _):
                throw fail("\(e.deparsed): interactions are not supported in DSEM formulas")
            default:
                guard let v = try LaggedVariable(e, formula: text) else {
                    throw fail("\(e.deparsed) is not a term DSEM reads (a column, lag(column), lag(column, k), factor(column) or mean(column))")
                }
                if v.name == outcome && v.lag == 0 {
                    throw fail("'\(outcome)' cannot predict itself at the same session; use lag(\(outcome))")
                }
                terms.append(.lagged(v))
            }
        }
        for (k, t) in terms.enumerated() where terms[..<k].contains(t) {
            throw fail("the term \(t.label) appears twice")
        }
        self.terms = terms
        guard terms.contains(where: { if case .lagged(let v) = $0 { return v.name == outcome } else { return false } }) else {
            throw fail("a dynamic model needs the lagged outcome, lag(\(outcome)), among its terms (without it use 'alliance fit')")
        }

        guard random.count == 1, case .randomEffects(let lhs, let groupExpression, let uncorrelated) = random[0] else {
            throw fail(random.isEmpty
                       ? "the random part is missing: add (1 | patient), or (1 + lag(\(outcome)) | patient) for a random autoregression"
                       : "DSEM has one random-effects term, (1 + ... | patient); found \(random.count)")
        }
        guard case .variable(let group) = Self.unwrapped(groupExpression) else {
            throw fail("the random part must name the patient column, as in (1 | patient), not \(groupExpression.deparsed)")
        }
        self.group = group
        self.uncorrelated = uncorrelated
        var randomParts = [FormulaExpression](), nested = [FormulaExpression]()
        try Self.summands(lhs, fixed: &randomParts, random: &nested, formula: text)
        var hasIntercept = true, slopes = [LaggedVariable]()
        for expression in randomParts {
            let e = Self.unwrapped(expression)
            switch e {
            case .number(1): continue
            case .number(0), .negation(.number(1)): hasIntercept = false
            case .call("factor", _), .call("mean", _):
                throw fail("\(e.deparsed) is a between-level covariate (the same for all of a patient's sessions), so it cannot have a random effect")
            default:
                guard let v = try LaggedVariable(e, formula: text),
                      terms.contains(.lagged(v)) else {
                    throw fail("the random effect of \(e.deparsed) needs the same term in the fixed part")
                }
                if slopes.contains(v) { throw fail("the random effect of \(v.term) appears twice") }
                slopes.append(v)
            }
        }
        guard hasIntercept else {
            throw fail("the random part must keep the intercept, the patient's latent mean on which DSEM centres the lagged outcome")
        }
        self.randomSlopes = slopes
    }

    private static func unwrapped(_ e: FormulaExpression) -> FormulaExpression {
        if case .parenthesized(let inner) = e { return unwrapped(inner) }
        return e
    }

    /// Splits `a + b + (1 | g)` into its summands; a minus other than `- 1` is refused.
    private static func summands(_ e: FormulaExpression, fixed: inout [FormulaExpression],
                                 random: inout [FormulaExpression], formula: String) throws {
        switch e {
        case .binary(.plus, let a, let b):
            try summands(a, fixed: &fixed, random: &random, formula: formula)
            try summands(b, fixed: &fixed, random: &random, formula: formula)
        case .binary(.minus, let a, let b):
            try summands(a, fixed: &fixed, random: &random, formula: formula)
            guard case .number(1) = unwrapped(b) else {
                throw FormulaError("formula '\(formula)': '- \(b.deparsed)': only '- 1' can be subtracted")
            }
            fixed.append(.number(0))
        case .parenthesized(let inner):
            if case .randomEffects = unwrapped(inner) { random.append(unwrapped(inner)) } else {
                try summands(inner, fixed: &fixed, random: &random, formula: formula)
            }
        case .randomEffects:
            random.append(e)
        default:
            fixed.append(e)
        }
    }
}
