/// A parsed and expanded lme4 formula: the response, the fixed-effects terms with or without an
/// intercept, offsets, and the random-effects terms.
///
/// Expansion follows R's `terms.formula`:
/// - `a + b` both terms; `a - b` removes b's terms; `0 + ...` or `- 1` removes the intercept;
/// - `a:b` the interaction, and `a %in% b` the same; `a * b` = `a + b + a:b`; `a / b` = `a + a:b`
///   (b within a); `(a + b)^2` all interactions up to order 2;
/// - `y ~ .` stands for every column of the data except those in the response (resolved by
///   `ModelFrame`, which has the data);
/// - `offset(x)` is not a term: it is added to the linear predictor with coefficient 1;
/// - each term is a set of variables, written in the order the variables first appear in the
///   formula (`x:f` stays `x:f`); terms are ordered by their number of variables, main effects
///   first, keeping the written order within each order.
///
/// Random effects `(lhs | g)` take the same language on the left (intercept included unless
/// `0 +` or `- 1`); `(lhs || g)` splits into one uncorrelated term per left-hand term; a nested
/// group `(1 | a/b)` is `(1 | a) + (1 | b:a)`, named as lme4 names it.
///
/// Every function call is checked against `FormulaFunction` here, before any data are read. A
/// formula may expand to at most `maximumTerms` fixed-effects terms (so `(a + b + ... + l)^12` or
/// 16 factors joined by `*` are refused at once instead of enumerated).
public struct ModelFormula: Sendable, CustomStringConvertible {
    /// The formula as the user wrote it.
    public let text: String
    /// The response expression (left of `~`).
    let response: FormulaExpression
    /// Whether the fixed part has an intercept.
    let hasIntercept: Bool
    /// Fixed-effects terms in R's order.
    let fixedTerms: [FormulaTerm]
    /// `offset(...)` calls of the fixed part, evaluated as atoms and added to the linear predictor.
    let offsets: [FormulaExpression]
    /// Random-effects terms in the order written (expanded).
    let randomTerms: [RandomTermSpecification]
    /// Whether the formula uses `.` ("every other column") and was not given the columns yet.
    public let needsColumns: Bool

    /// The most fixed-effects terms a formula may expand to.
    public static let maximumTerms = 1_000

    /// Parses and expands `text`; `columns` (the data's column names, in order) resolve `.`.
    public init(_ text: String, columns: [String]? = nil) throws {
        self.text = text
        var parser = FormulaParser(text)
        var (response, rhs) = try parser.parse()
        if case .randomEffects = response {
            throw FormulaError("\(FormulaError.quote(text)): the response cannot be a random-effects term")
        }
        needsColumns = columns == nil && rhs.containsDot
        if let columns, rhs.containsDot {
            var responseVariables = Set<String>()
            response.collectVariables(into: &responseVariables)
            let others = columns.filter { !responseVariables.contains($0) }
            guard !others.isEmpty else {
                throw FormulaError("\(FormulaError.quote(text)): '.' stands for the columns other than the response, and there are none")
            }
            rhs = rhs.replacingDot(with: FormulaExpression.balancedSum(others.map { .variable($0) }))
        }
        try FormulaFunction.validate(response, formula: text)
        try FormulaFunction.validate(rhs, formula: text)
        var order = VariableOrder()
        order.record(response)
        order.record(rhs)
        var randomSpecs = [RandomTermSpecification]()
        let fixedExpression = try Self.separateRandomTerms(rhs, into: &randomSpecs, formula: text)
        var expansion = TermExpansion(order: order, formula: text)
        let fixed = try fixedExpression.map { try expansion.expand($0) } ?? TermSet()
        self.response = response
        self.hasIntercept = fixed.intercept ?? true
        self.fixedTerms = fixed.sortedByOrder
        self.offsets = fixed.offsets
        self.randomTerms = try randomSpecs.flatMap { try $0.expanded(order: order, formula: text) }
        if fixedTerms.isEmpty && !hasIntercept && randomTerms.isEmpty {
            throw FormulaError("\(FormulaError.quote(text)): the model has no terms")
        }
    }

    public var description: String { text }

    /// The names of the data columns the formula reads (response, fixed and random terms,
    /// offsets, grouping factors), in the order they first appear. `pi` in arithmetic is the
    /// constant unless the data have a column of that name, so it is not listed.
    public var variableNames: [String] {
        var names = [String]()
        func collect(_ e: FormulaExpression, arithmetic: Bool) {
            switch e {
            case .variable(let name):
                if arithmetic && name == "pi" { return }
                if !names.contains(name) { names.append(name) }
            case .number, .string, .logical: break
            case .call(let name, let arguments):
                let inner = arithmetic || name == "I" || name == "offset" || FormulaFunction.numeric[name] != nil
                arguments.forEach { collect($0, arithmetic: inner) }
            case .namedArgument(_, let value): collect(value, arithmetic: arithmetic)
            case .binary(_, let a, let b): collect(a, arithmetic: arithmetic); collect(b, arithmetic: arithmetic)
            case .negation(let a), .parenthesized(let a): collect(a, arithmetic: arithmetic)
            case .randomEffects(let a, let group, _): collect(a, arithmetic: arithmetic); collect(group, arithmetic: arithmetic)
            }
        }
        atoms.forEach { collect($0, arithmetic: false) }
        return names
    }

    /// Every atomic expression (variable, `factor(x)`, `I(...)`) the model reads, response first.
    var atoms: [FormulaExpression] {
        var seen = Set<FormulaExpression>()
        var out = [FormulaExpression]()
        func add(_ e: FormulaExpression) { if seen.insert(e).inserted { out.append(e) } }
        add(response)
        for t in fixedTerms { t.factors.forEach(add) }
        offsets.forEach(add)
        for r in randomTerms {
            r.terms.forEach { $0.factors.forEach(add) }
            r.groupFactors.forEach(add)
        }
        return out
    }

    /// Splits the right-hand side into its fixed part and its random-effects terms (which may only
    /// be added, not subtracted or interacted).
    private static func separateRandomTerms(_ e: FormulaExpression, into specs: inout [RandomTermSpecification],
                                            formula: String) throws -> FormulaExpression? {
        switch e {
        case .randomEffects(let lhs, let group, let uncorrelated):
            specs.append(RandomTermSpecification(lhs: lhs, group: group, uncorrelated: uncorrelated))
            return nil
        case .binary(.plus, let a, let b):
            let left = try separateRandomTerms(a, into: &specs, formula: formula)
            let right = try separateRandomTerms(b, into: &specs, formula: formula)
            switch (left, right) {
            case (nil, nil): return nil
            case (let l?, nil): return l
            case (nil, let r?): return r
            case (let l?, let r?): return .binary(.plus, l, r)
            }
        default:
            if e.containsRandomEffects {
                throw FormulaError("\(FormulaError.quote(formula)): random-effects terms can only be added, as in y ~ x + (1 | g)")
            }
            return e
        }
    }
}

extension FormulaExpression {
    var containsRandomEffects: Bool {
        switch self {
        case .randomEffects: return true
        case .binary(_, let a, let b): return a.containsRandomEffects || b.containsRandomEffects
        case .negation(let a), .parenthesized(let a), .namedArgument(_, let a): return a.containsRandomEffects
        case .call(_, let args): return args.contains { $0.containsRandomEffects }
        case .variable, .number, .string, .logical: return false
        }
    }

    /// Whether `.` ("every other column") appears as a term.
    var containsDot: Bool {
        switch self {
        case .variable(let name): return name == "."
        case .binary(_, let a, let b): return a.containsDot || b.containsDot
        case .negation(let a), .parenthesized(let a): return a.containsDot
        case .randomEffects(let a, let group, _): return a.containsDot || group.containsDot
        case .call, .namedArgument, .number, .string, .logical: return false
        }
    }

    /// The expression with every `.` term replaced.
    func replacingDot(with replacement: FormulaExpression) -> FormulaExpression {
        switch self {
        case .variable("."): return .parenthesized(replacement)
        case .binary(let op, let a, let b): return .binary(op, a.replacingDot(with: replacement), b.replacingDot(with: replacement))
        case .negation(let a): return .negation(a.replacingDot(with: replacement))
        case .parenthesized(let a): return .parenthesized(a.replacingDot(with: replacement))
        case .randomEffects(let a, let group, let uncorrelated):
            return .randomEffects(a.replacingDot(with: replacement), group: group.replacingDot(with: replacement), uncorrelated: uncorrelated)
        default: return self
        }
    }

    /// `a + b + c + ...` as a balanced tree (the same terms in the same order), so that a dot over
    /// thousands of columns does not make a tree thousands deep.
    static func balancedSum(_ terms: [FormulaExpression]) -> FormulaExpression {
        if terms.count == 1 { return terms[0] }
        let middle = terms.count / 2
        return .binary(.plus, balancedSum(Array(terms[..<middle])), balancedSum(Array(terms[middle...])))
    }

    /// The names of the variables in the expression.
    func collectVariables(into names: inout Set<String>) {
        switch self {
        case .variable(let name): names.insert(name)
        case .binary(_, let a, let b): a.collectVariables(into: &names); b.collectVariables(into: &names)
        case .negation(let a), .parenthesized(let a), .namedArgument(_, let a): a.collectVariables(into: &names)
        case .randomEffects(let a, let group, _): a.collectVariables(into: &names); group.collectVariables(into: &names)
        case .call(_, let arguments): arguments.forEach { $0.collectVariables(into: &names) }
        case .number, .string, .logical: break
        }
    }
}

/// A term: an interaction of one or more atomic expressions (one for a main effect).
struct FormulaTerm: Hashable, Sendable {
    /// The atoms in the order their variables first appear in the formula.
    let factors: [FormulaExpression]

    /// The term's name as R prints it: `recipe:temperature`.
    var label: String { factors.map(\.deparsed).joined(separator: ":") }
}

/// The order in which variables (atoms) first appear in the formula; R writes interaction terms
/// in this order.
struct VariableOrder: Sendable {
    private(set) var rank: [FormulaExpression: Int] = [:]

    mutating func record(_ e: FormulaExpression) {
        switch e {
        case .variable, .call:
            if rank[e] == nil { rank[e] = rank.count }
        case .binary(_, let a, let b):
            record(a); record(b)
        case .negation(let a), .parenthesized(let a):
            record(a)
        case .randomEffects(let lhs, let group, _):
            record(lhs); record(group)
        case .number, .string, .logical, .namedArgument:
            break
        }
    }

    func sorted(_ atoms: Set<FormulaExpression>) -> [FormulaExpression] {
        atoms.sorted { (rank[$0] ?? Int.max, $0.deparsed) < (rank[$1] ?? Int.max, $1.deparsed) }
    }
}

/// Terms with an optional intercept setting (nil: not said).
struct TermSet {
    var terms: [Set<FormulaExpression>] = []
    var intercept: Bool?
    var order = VariableOrder()
    /// `offset(...)` calls (not terms).
    var offsets: [FormulaExpression] = []

    mutating func add(_ t: Set<FormulaExpression>) {
        if !terms.contains(t) { terms.append(t) }
    }

    /// Terms ordered by their number of variables, stably.
    var sortedByOrder: [FormulaTerm] {
        let indexed = terms.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }
        return indexed.map { FormulaTerm(factors: order.sorted($0.element)) }
    }
}

/// The formula algebra of R's `terms.formula`.
struct TermExpansion {
    let order: VariableOrder
    let formula: String

    /// Refuses a term set beyond `ModelFormula.maximumTerms` (before a product enumerates more).
    private func limit(_ count: Int) throws {
        if count > ModelFormula.maximumTerms {
            throw FormulaError("\(FormulaError.quote(formula)): the formula expands to more than \(ModelFormula.maximumTerms) terms")
        }
    }

    /// The terms of a product of two term sets: every union l + r.
    private func products(_ left: TermSet, _ right: TermSet, into out: inout TermSet) throws {
        for l in left.terms {
            for r in right.terms {
                out.add(l.union(r))
                try limit(out.terms.count)
            }
        }
    }

    /// Offsets may only be added to the formula: `y ~ x + offset(z)`.
    private func noOffsets(_ sets: TermSet...) throws {
        if sets.contains(where: { !$0.offsets.isEmpty }) {
            throw FormulaError("\(FormulaError.quote(formula)): offset() can only be added to a formula, as in y ~ x + offset(z)")
        }
    }

    mutating func expand(_ e: FormulaExpression) throws -> TermSet {
        var out = TermSet(order: order)
        switch e {
        case .number(let v) where v == 1:
            out.intercept = true
        case .number(let v) where v == 0:
            out.intercept = false
        case .number(let v):
            throw FormulaError("\(FormulaError.quote(formula)): the number \(FormulaExpression.number(v).deparsed) is not a term (use I(...) for arithmetic)")
        case .call("offset", _):
            out.offsets = [e]
        case .variable, .call:
            out.add([e])
        case .string, .logical, .namedArgument:
            throw FormulaError("\(FormulaError.quote(formula)): '\(FormulaError.excerpt(e.deparsed))' is not a term")
        case .parenthesized(let inner):
            return try expand(inner)
        case .negation(let inner):
            let removed = try expand(inner)
            try noOffsets(removed)
            if removed.intercept == true { out.intercept = false }
            if removed.intercept == false { out.intercept = true }
            if !removed.terms.isEmpty {
                throw FormulaError("\(FormulaError.quote(formula)): cannot remove '\(FormulaError.excerpt(inner.deparsed))' from nothing")
            }
        case .binary(.plus, let a, let b):
            let left = try expand(a), right = try expand(b)
            try limit(left.terms.count + right.terms.count)
            out = left
            right.terms.forEach { out.add($0) }
            out.offsets += right.offsets
            if let i = right.intercept { out.intercept = i }
        case .binary(.minus, let a, let b):
            out = try expand(a)
            let removed = try expand(b)
            try noOffsets(removed)
            out.terms.removeAll { removed.terms.contains($0) }
            if removed.intercept == true { out.intercept = false }
            if removed.intercept == false { out.intercept = true }
        case .binary(.interaction, let a, let b), .binary(.within, let a, let b):
            let left = try expand(a), right = try expand(b)
            try noOffsets(left, right)
            try products(left, right, into: &out)
        case .binary(.times, let a, let b):
            let left = try expand(a), right = try expand(b)
            try noOffsets(left, right)
            left.terms.forEach { out.add($0) }
            right.terms.forEach { out.add($0) }
            try products(left, right, into: &out)
            out.intercept = right.intercept ?? left.intercept
        case .binary(.nested, let a, let b):
            let left = try expand(a), right = try expand(b)
            try noOffsets(left, right)
            try limit(left.terms.count + right.terms.count)
            left.terms.forEach { out.add($0) }
            let outer = left.terms.reduce(Set<FormulaExpression>()) { $0.union($1) }
            for r in right.terms { out.add(outer.union(r)) }
        case .binary(.power, let a, let b):
            guard case .number(let k) = b, k >= 1, k == k.rounded() else {
                throw FormulaError("\(FormulaError.quote(formula)): '^' needs a whole number in a formula, as in (a + b)^2 (use I(x^2) for a square)")
            }
            let base = try expand(a)
            try noOffsets(base)
            // Beyond the number of terms, higher powers add nothing (a term's variables are a
            // set), so Days^1e9 is Days, as in R.
            let times = Int(min(k, Double(max(1, base.terms.count))))
            var result = base
            for _ in 1..<max(1, times) {
                let current = result
                try products(current, base, into: &result)
            }
            out.terms = result.terms
        case .randomEffects:
            throw FormulaError("\(FormulaError.quote(formula)): a random-effects term cannot appear inside another term")
        }
        return out
    }
}

/// One random-effects term as written: `(lhs | group)` or `(lhs || group)`.
struct RandomTermSpecification: Sendable {
    let lhs: FormulaExpression
    let group: FormulaExpression
    let uncorrelated: Bool

    /// The terms of the left-hand side (the columns of Z) and the intercept setting.
    var intercept = true
    var terms: [FormulaTerm] = []
    /// The grouping factor: one atom, or several for an interaction `a:b`.
    var groupFactors: [FormulaExpression] = []
    /// The grouping factor's name as lme4 prints it (`Subject`, `cask:batch`).
    var groupName = ""

    init(lhs: FormulaExpression, group: FormulaExpression, uncorrelated: Bool) {
        self.lhs = lhs
        self.group = group
        self.uncorrelated = uncorrelated
    }

    /// Expands `||` into uncorrelated terms and nested groups `a/b` into `a` and `b:a`.
    func expanded(order: VariableOrder, formula: String) throws -> [RandomTermSpecification] {
        var expansion = TermExpansion(order: order, formula: formula)
        let left = try expansion.expand(lhs)
        let hasIntercept = left.intercept ?? true
        let lhsTerms = left.sortedByOrder
        if lhsTerms.isEmpty && !hasIntercept {
            throw FormulaError("\(FormulaError.quote(formula)): the random-effects term (\(FormulaError.excerpt(lhs.deparsed)) | \(FormulaError.excerpt(group.deparsed))) has no columns")
        }
        // The grouping factors: a nested a/b/c gives a, b:a, c:b:a.
        let groups = try Self.groupings(group, formula: formula)
        var out = [RandomTermSpecification]()
        for (factors, name) in groups {
            if uncorrelated {
                if hasIntercept {
                    var spec = self
                    spec.intercept = true; spec.terms = []; spec.groupFactors = factors; spec.groupName = name
                    out.append(spec)
                }
                for t in lhsTerms {
                    var spec = self
                    spec.intercept = false; spec.terms = [t]; spec.groupFactors = factors; spec.groupName = name
                    out.append(spec)
                }
            } else {
                var spec = self
                spec.intercept = hasIntercept; spec.terms = lhsTerms; spec.groupFactors = factors; spec.groupName = name
                out.append(spec)
            }
        }
        return out
    }

    /// The grouping factors of `g`, `a:b` or `a/b/...`, with their lme4 names.
    static func groupings(_ g: FormulaExpression, formula: String) throws -> [([FormulaExpression], String)] {
        switch g {
        case .variable, .call:
            return [([g], g.deparsed)]
        case .parenthesized(let inner):
            return try groupings(inner, formula: formula)
        case .binary(.interaction, _, _):
            let atoms = try interactionAtoms(g, formula: formula)
            return [(atoms, atoms.map(\.deparsed).joined(separator: ":"))]
        case .binary(.nested, let outer, let inner):
            let outerGroups = try groupings(outer, formula: formula)
            guard let (outerFactors, outerName) = outerGroups.last else { return [] }
            let innerAtoms = try interactionAtoms(inner, formula: formula)
            // lme4 names the group inner:outer (`cask:batch`) and its levels the same way
            // (`a:A`), inner level first; the atoms are kept in that order.
            let combined = innerAtoms.reversed() + outerFactors
            let name = innerAtoms.map(\.deparsed).reversed().joined(separator: ":") + ":" + outerName
            return outerGroups + [(combined, name)]
        default:
            throw FormulaError("\(FormulaError.quote(formula)): '\(FormulaError.excerpt(g.deparsed))' is not a grouping factor (use g, a:b or a/b)")
        }
    }

    private static func interactionAtoms(_ e: FormulaExpression, formula: String) throws -> [FormulaExpression] {
        switch e {
        case .variable, .call: return [e]
        case .parenthesized(let inner): return try interactionAtoms(inner, formula: formula)
        case .binary(.interaction, let a, let b):
            return try interactionAtoms(a, formula: formula) + interactionAtoms(b, formula: formula)
        default:
            throw FormulaError("\(FormulaError.quote(formula)): '\(FormulaError.excerpt(e.deparsed))' is not a grouping factor (use g, a:b or a/b)")
        }
    }
}
