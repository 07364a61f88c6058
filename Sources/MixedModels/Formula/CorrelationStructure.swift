import Foundation

/// A correlation structure of the residuals within groups, as nlme's `lme(..., correlation =)`
/// fits it, written the way `alliance fit --residuals` takes it:
///
///     ar1(session | patient)    corAR1(form = ~ session | patient): cor(e_s, e_t) = phi^|t_s - t_t|,
///                               integer times (a missed session is a gap), -1 < phi < 1
///     car1(time | patient)      corCAR1(form = ~ time | patient): the same for any real times,
///                               0 <= phi < 1 (the correlation one time unit apart)
///     cs(1 | patient)           corCompSymm(form = ~ 1 | patient): cor(e_s, e_t) = rho for s != t,
///                               -1/(m - 1) < rho < 1 with m the largest group
///
/// The group may be a factor, an interaction `a:b`, or nested `therapist/patient` (the innermost
/// level, patients within therapists, is the group). The residual variance stays sigma^2 and the
/// correlation matrix R_i(phi) of group i has a unit diagonal, so `Var(e) = sigma^2 R(phi)` with R
/// block diagonal by group (Pinheiro & Bates 2000, ch. 5).
public struct CorrelationStructure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case ar1, car1, cs

        /// nlme's name of the structure and of its parameter.
        public var nlmeName: String {
            switch self {
            case .ar1: return "corAR1"
            case .car1: return "corCAR1"
            case .cs: return "corCompSymm"
            }
        }

        public var parameterName: String { self == .cs ? "Rho" : "Phi" }
    }

    public let kind: Kind
    /// The time variable (nil for `cs(1 | g)`, where order does not matter).
    public let time: FormulaExpression?
    /// The grouping expression as written (`patient`, `therapist/patient`, `patient:therapist`).
    public let group: FormulaExpression
    /// The atoms of the innermost grouping factor, and its name as lme4 would print it.
    let groupFactors: [FormulaExpression]
    public let groupName: String
    /// The text as the user wrote it.
    public let text: String

    /// Parses `ar1(TIME | GROUP)`, `car1(TIME | GROUP)` or `cs(1 | GROUP)`.
    public init(_ text: String) throws {
        self.text = text
        func fail(_ message: String) -> FormulaError {
            FormulaError("residual structure '\(FormulaError.excerpt(text))': \(message)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else {
            throw fail("expected ar1(time | group), car1(time | group) or cs(1 | group)")
        }
        let name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        guard let kind = Kind(rawValue: name) else {
            throw fail("unknown structure '\(FormulaError.excerpt(name))' (ar1, car1 or cs)")
        }
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        // The top-level bar (not inside parentheses).
        var depth = 0
        var bar: String.Index?
        for index in inner.indices {
            switch inner[index] {
            case "(": depth += 1
            case ")": depth -= 1
            case "|" where depth == 0:
                if bar != nil { throw fail("one '|' between the time and the group") }
                bar = index
            default: break
            }
        }
        guard let bar else { throw fail("expected '|' between the time and the group, as in \(kind.rawValue)(session | patient)") }
        let left = inner[..<bar].trimmingCharacters(in: .whitespaces)
        let right = inner[inner.index(after: bar)...].trimmingCharacters(in: .whitespaces)
        guard !right.isEmpty else { throw fail("the group (right of '|') is missing") }
        func expression(_ part: String, _ what: String) throws -> FormulaExpression {
            var parser = FormulaParser(".y ~ " + part)
            do {
                let rhs = try parser.parse().rhs
                try FormulaFunction.validate(rhs, formula: part)
                return rhs
            } catch let error as FormulaError {
                throw fail("the \(what) '\(FormulaError.excerpt(part))' does not parse (\(error.message))")
            }
        }
        let groupExpression = try expression(right, "group")
        let groupings: [([FormulaExpression], String)]
        do {
            groupings = try RandomTermSpecification.groupings(groupExpression, formula: right)
        } catch let error as FormulaError {
            throw fail(error.message)
        }
        guard let innermost = groupings.last else { throw fail("the group '\(FormulaError.excerpt(right))' has no factor") }
        self.kind = kind
        self.group = groupExpression
        self.groupFactors = innermost.0
        self.groupName = innermost.1
        if left.isEmpty || left == "1" {
            guard kind == .cs else {
                throw fail("\(kind.rawValue) needs a time variable left of '|', as in \(kind.rawValue)(session | \(right))")
            }
            time = nil
        } else {
            let t = try expression(left, "time")
            switch t {
            case .variable, .call: break
            default: throw fail("the time '\(FormulaError.excerpt(left))' must be one variable (or a function of one, such as as.numeric(week))")
            }
            time = kind == .cs ? nil : t
        }
    }

    /// Every atom the structure reads (the time, then the grouping factors), for complete cases.
    var atoms: [FormulaExpression] { (time.map { [$0] } ?? []) + groupFactors }

    /// The data columns it reads.
    public var variableNames: [String] {
        var names = Set<String>()
        atoms.forEach { $0.collectVariables(into: &names) }
        return names.sorted()
    }

    /// `ar1(session | patient)`, normalized.
    public var description: String {
        "\(kind.rawValue)(\(time?.deparsed ?? "1") | \(group.deparsed))"
    }

    /// How nlme writes it: `corAR1(form = ~session | patient)`.
    public var nlmeDescription: String {
        "\(kind.nlmeName)(form = ~\(time?.deparsed ?? "1") | \(group.deparsed))"
    }
}
