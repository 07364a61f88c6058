/// A structural equation model as a list of parameter statements in lavaan's model syntax
/// (Rosseel 2012): regressions `y ~ x`, loadings `f =~ y`, variances and covariances `a ~~ b`,
/// intercepts `y ~ 1`. A statement's coefficient is free, fixed at a value (`1*y`), or carries a
/// label (`en1*x`): statements with the same label share one free parameter (an equality
/// constraint).
///
/// Nothing is added behind the user's back the way lavaan's `sem()` adds variances and intercepts:
/// a builder states every free parameter, so the model printed by `lavaanSyntax` is the model
/// fitted. Model builders (the dpm model in `MLSEM`, later an RI-CLPM) produce a specification;
/// `RAMModel` compiles it to the matrices the likelihood needs.
public struct ModelSpecification: Sendable, Equatable {
    /// The kinds of statement, with lavaan's operators.
    public enum Operator: String, Sendable, Equatable {
        /// `lhs ~ rhs`: lhs regressed on rhs.
        case regression = "~"
        /// `lhs =~ rhs`: latent lhs measured by rhs (rhs regressed on lhs).
        case loading = "=~"
        /// `lhs ~~ rhs`: a (residual) covariance, or a variance when lhs == rhs.
        case covariance = "~~"
        /// `lhs ~1`: an intercept (the mean of an exogenous variable).
        case intercept = "~1"
    }

    /// One statement: a coefficient of the model.
    public struct Statement: Sendable, Equatable {
        public let lhs: String
        public let op: Operator
        /// Empty for an intercept.
        public let rhs: String
        /// The label that ties statements to one parameter; nil for a parameter of its own.
        public let label: String?
        /// The value of a fixed coefficient; nil when it is estimated.
        public let fixedValue: Double?
        /// The heading the statement is printed under in `lavaanSyntax`.
        public let section: String

        public var isFree: Bool { fixedValue == nil }
    }

    /// The observed variables, in the order of the data's columns.
    public let observed: [String]
    /// The latent variables.
    public let latent: [String]
    public private(set) var statements: [Statement] = []

    /// The heading given to the statements added next.
    public var section = ""

    public init(observed: [String], latent: [String] = []) {
        self.observed = observed
        self.latent = latent
    }

    /// `outcome ~ predictor`.
    public mutating func regress(_ outcome: String, on predictor: String, label: String? = nil, fixed: Double? = nil) {
        add(outcome, .regression, predictor, label, fixed)
    }

    /// `latent =~ indicator`.
    public mutating func load(_ indicator: String, on latent: String, label: String? = nil, fixed: Double? = nil) {
        add(latent, .loading, indicator, label, fixed)
    }

    /// `a ~~ b` (a variance when a == b).
    public mutating func covary(_ a: String, _ b: String, label: String? = nil, fixed: Double? = nil) {
        add(a, .covariance, b, label, fixed)
    }

    /// `variable ~ 1`.
    public mutating func intercept(_ variable: String, label: String? = nil, fixed: Double? = nil) {
        add(variable, .intercept, "", label, fixed)
    }

    private mutating func add(_ lhs: String, _ op: Operator, _ rhs: String, _ label: String?, _ fixed: Double?) {
        statements.append(Statement(lhs: lhs, op: op, rhs: rhs, label: label, fixedValue: fixed, section: section))
    }

    /// The model in lavaan's syntax, statements with the same left-hand side, operator and section
    /// on one line, each section under its heading as a `##` comment (as dpm's `print.only`).
    /// `lavaan::sem(model, data, ...)` fits this model when every variance and intercept the
    /// specification leaves out is one lavaan would also leave out.
    public var lavaanSyntax: String {
        var out = [String]()
        var lastSection: String?
        var line: (key: String, terms: [String])?
        func flush() {
            if let l = line { out.append(l.key + " " + l.terms.joined(separator: " + ")) }
            line = nil
        }
        for s in statements {
            if s.section != lastSection {
                flush()
                if !out.isEmpty { out.append("") }
                if !s.section.isEmpty { out.append("## " + s.section) }
                lastSection = s.section
            }
            let key = s.op == .intercept ? "\(s.lhs) ~" : "\(s.lhs) \(s.op.rawValue)"
            let coefficient = s.fixedValue.map { Self.number($0) + "*" } ?? s.label.map { $0 + "*" } ?? ""
            let term = coefficient + (s.op == .intercept ? "1" : s.rhs)
            if s.op == .intercept || line?.key != key {
                flush()
                line = (key, [term])
            } else {
                line!.terms.append(term)
            }
        }
        flush()
        return out.joined(separator: "\n") + "\n"
    }

    private static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
