import Foundation
import Tabular

/// Evaluates a formula atom on a data table: a column by name, or a call of `FormulaFunction`
/// (`factor(x)`, `relevel(f, "b")`, `I(arithmetic)`, `scale(x)`, `poly(x, 2)`, `log(x)`, ...).
///
/// As R's `model.frame` does, functions see every row of the data; rows with a missing value
/// anywhere in the formula are dropped afterwards. So `scale(x)` centres by the mean of all
/// non-missing x, not only of the rows the model uses [V: R 4.2, `attr(model.frame(fit)$`
/// `scale(x)`, "scaled:center")` on data with a missing response], and `poly(x, k)` is
/// orthogonal over them (R refuses a missing x in `poly`; alliance leaves those rows out of the
/// polynomial and of the model).
struct AtomEvaluator {
    let data: DataTable
    let formula: String

    private func fail(_ atom: FormulaExpression, _ what: String) -> FormulaError {
        FormulaError("\(FormulaError.quote(formula)): '\(FormulaError.excerpt(atom.deparsed))': \(what)")
    }

    func evaluate(_ atom: FormulaExpression) throws -> ModelVariable {
        switch atom {
        case .variable(let name):
            guard let column = data[name] else {
                let names = data.names.joined(separator: ", ")
                throw FormulaError("\(FormulaError.quote(formula)): no column '\(FormulaError.excerpt(name))' in \(data.source) (columns: \(names.count > 200 ? String(names.prefix(200)) + "..." : names))")
            }
            switch column {
            case .numeric(let values): return .numeric(values)
            case .categorical(let codes, let labels): return Self.factor(codes: codes, labels: labels)
            }
        case .call(let name, let arguments):
            let a = try FormulaFunction.arguments(name, arguments, formula: formula)
            switch name {
            case "factor", "as.factor":
                return try Self.asFactor(evaluate(a["x"]!))
            case "relevel":
                return try relevel(evaluate(a["x"]!), ref: a["ref"]!, atom: atom)
            case "as.numeric":
                switch try evaluate(a["x"]!) {
                case .numeric(let values): return .numeric(values)
                case .factor(let codes, _): return .numeric(codes.map { $0 < 0 ? .nan : Double($0) + 1 })
                case .matrix: throw fail(atom, "as.numeric() needs a single column")
                }
            case "scale":
                return .numeric(try scale(atom, a))
            case "poly":
                return try polynomial(atom, a)
            case "offset":
                return .numeric(try arithmetic(a["x"]!, within: atom))
            default:   // I() and the numeric functions
                return .numeric(try arithmetic(atom, within: atom))
            }
        default:
            throw fail(atom, "not a variable")
        }
    }

    /// A categorical column as a factor with R-sorted levels.
    static func factor(codes: [Int32], labels: [String]) -> ModelVariable {
        let order = LevelOrder.sortedIndices(labels)
        var remap = [Int32](repeating: -1, count: labels.count)
        for (newCode, old) in order.enumerated() { remap[old] = Int32(newCode) }
        return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: order.map { labels[$0] })
    }

    /// `factor(x)`: a numeric variable's distinct values become levels sorted by value.
    static func asFactor(_ v: ModelVariable) throws -> ModelVariable {
        let (codes, levels) = try factorCodes(v)
        return .factor(codes: codes, levels: levels)
    }

    /// The codes and levels of a variable taken as a factor (numbers become levels by value).
    static func factorCodes(_ v: ModelVariable) throws -> (codes: [Int32], levels: [String]) {
        switch v {
        case .factor(let codes, let levels):
            return (codes, levels)
        case .numeric(let values):
            let distinct = Array(Set(values.filter { !$0.isNaN })).sorted()
            var index = [Double: Int32]()
            for (k, x) in distinct.enumerated() { index[x] = Int32(k) }
            let labels = distinct.map { x -> String in
                x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x)
            }
            return (values.map { $0.isNaN ? -1 : index[$0]! }, labels)
        case .matrix:
            throw FormulaError("a term of several columns (poly()) cannot be a factor or a grouping factor")
        }
    }

    /// `relevel(f, ref)`: the level `ref` (a name, or a level number as R allows) first.
    private func relevel(_ v: ModelVariable, ref: FormulaExpression, atom: FormulaExpression) throws -> ModelVariable {
        guard case .factor(let codes, let levels) = v else {
            throw fail(atom, "relevel() needs a factor, and this is a numeric variable (write relevel(factor(x), \"level\"))")
        }
        let index: Int
        switch ref {
        case .string(let name):
            guard let k = levels.firstIndex(of: name) else {
                let list = levels.prefix(20).joined(separator: ", ") + (levels.count > 20 ? ", ..." : "")
                throw fail(atom, "'\(FormulaError.excerpt(name))' is not a level (levels: \(list))")
            }
            index = k
        case .number(let k) where k >= 1 && k <= Double(levels.count) && k == k.rounded():
            index = Int(k) - 1
        default:
            throw fail(atom, "ref must be one of the \(levels.count) levels")
        }
        var order = Array(levels.indices)
        order.remove(at: index)
        order.insert(index, at: 0)
        var remap = [Int32](repeating: -1, count: levels.count)
        for (newCode, old) in order.enumerated() { remap[old] = Int32(newCode) }
        return .factor(codes: codes.map { $0 < 0 ? -1 : remap[Int($0)] }, levels: order.map { levels[$0] })
    }

    /// `scale(x, center = TRUE, scale = TRUE)` as R computes it: x minus its mean, divided by
    /// sqrt(sum(x^2) / (n - 1)) of the centred values (the SD), over the non-missing values.
    private func scale(_ atom: FormulaExpression, _ a: [String: FormulaExpression]) throws -> [Double] {
        let x = try arithmetic(a["x"]!, within: atom)
        let center = a["center"].map { $0 == .logical(true) } ?? true
        let divide = a["scale"].map { $0 == .logical(true) } ?? true
        let present = x.filter { !$0.isNaN }
        guard present.count > 1 else { throw fail(atom, "needs at least two values") }
        let mean = center ? present.reduce(0, +) / Double(present.count) : 0
        var result = x.map { $0 - mean }
        if divide {
            let ss = result.filter { !$0.isNaN }.reduce(0) { $0 + $1 * $1 }
            let sd = (ss / Double(present.count - 1)).squareRoot()
            guard sd > 0, sd.isFinite else { throw fail(atom, "the variable is constant, so it cannot be scaled") }
            result = result.map { $0 / sd }
        }
        return result
    }

    /// `poly(x, degree, raw = FALSE)`: R's orthogonal polynomials, column k the part of
    /// (x - mean)^k orthogonal to the lower powers, scaled to length 1; they come from the
    /// three-term recurrence p_{k+1} = (x - a_k) p_k - b_k p_{k-1}, a_k = sum(x p_k^2) / sum(p_k^2),
    /// b_k = sum(p_k^2) / sum(p_{k-1}^2) (Stieltjes; the recurrence R's `predict.poly` uses).
    /// With raw = TRUE, the columns are x, x^2, ..., x^degree.
    private func polynomial(_ atom: FormulaExpression, _ a: [String: FormulaExpression]) throws -> ModelVariable {
        let x = try arithmetic(a["x"]!, within: atom)
        var degree = 1
        if case .number(let k)? = a["degree"] { degree = Int(k) }
        let raw = a["raw"] == .logical(true)
        let present = x.indices.filter { !x[$0].isNaN }
        let distinct = Set(present.map { x[$0] }).count
        guard degree < distinct else {
            throw fail(atom, "the degree (\(degree)) must be less than the number of distinct values (\(distinct))")
        }
        let suffixes = (1...degree).map(String.init)
        if raw {
            return .matrix(columns: (1...degree).map { k in x.map { $0.isNaN ? .nan : Foundation.pow($0, Double(k)) } }, suffixes: suffixes)
        }
        let mean = present.reduce(0) { $0 + x[$1] } / Double(present.count)
        let xc = present.map { x[$0] - mean }
        var previous = [Double](repeating: 0, count: xc.count)
        var current = [Double](repeating: 1, count: xc.count)
        var previousNorm = 1.0
        var columns = [[Double]]()
        for _ in 1...degree {
            let norm = current.reduce(0) { $0 + $1 * $1 }
            let alpha = zip(xc, current).reduce(0) { $0 + $1.0 * $1.1 * $1.1 } / norm
            let beta = norm / previousNorm
            let next = xc.indices.map { (xc[$0] - alpha) * current[$0] - (columns.isEmpty ? 0 : beta) * previous[$0] }
            previous = current
            previousNorm = norm
            current = next
            let length = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var column = [Double](repeating: .nan, count: x.count)
            for (k, row) in present.enumerated() { column[row] = next[k] / length }
            columns.append(column)
        }
        return .matrix(columns: columns, suffixes: suffixes)
    }

    /// Evaluates arithmetic (inside `I()`, `offset()` and the numeric functions) element by
    /// element: `+ - * / ^`, numbers, TRUE/FALSE (1/0), `pi` (unless the data have such a
    /// column), and the numeric functions, `scale()` and `as.numeric()`.
    private func arithmetic(_ e: FormulaExpression, within atom: FormulaExpression) throws -> [Double] {
        switch e {
        case .number(let v):
            return [Double](repeating: v, count: data.rowCount)
        case .logical(let v):
            return [Double](repeating: v ? 1 : 0, count: data.rowCount)
        case .variable("pi") where data["pi"] == nil:
            return [Double](repeating: Double.pi, count: data.rowCount)
        case .variable:
            guard case .numeric(let values) = try evaluate(e) else {
                throw fail(atom, "'\(FormulaError.excerpt(e.deparsed))' is not numeric")
            }
            return values
        case .parenthesized(let inner):
            return try arithmetic(inner, within: atom)
        case .negation(let inner):
            return try arithmetic(inner, within: atom).map { -$0 }
        case .binary(let op, let a, let b):
            let x = try arithmetic(a, within: atom), y = try arithmetic(b, within: atom)
            let f: (Double, Double) -> Double
            switch op {
            case .plus: f = (+)
            case .minus: f = (-)
            case .times: f = (*)
            case .nested: f = (/)
            case .power: f = { Foundation.pow($0, $1) }
            case .interaction, .within:
                throw fail(atom, "'\(op.symbol)' is not arithmetic")
            }
            return try zip(x, y).enumerated().map { row, pair in
                let value = f(pair.0, pair.1)
                if value.isFinite || pair.0.isNaN || pair.1.isNaN { return value }
                throw FormulaError("\(data.location(ofRow: row)): \(FormulaError.excerpt(atom.deparsed)) is not a finite number")
            }
        case .call(let name, let arguments):
            let a = try FormulaFunction.arguments(name, arguments, formula: formula)
            if name == "I" { return try arithmetic(a["x"]!, within: atom) }
            if name == "scale" || name == "as.numeric" {
                guard case .numeric(let values) = try evaluate(e) else { throw fail(atom, "\(name)() is not numeric here") }
                return values
            }
            guard var function = FormulaFunction.numeric[name] else {
                throw fail(atom, "\(name)() cannot be used in arithmetic")
            }
            if name == "log", case .number(let base)? = a["base"] {
                let divisor = Foundation.log(base)
                function = { Foundation.log($0) / divisor }
            }
            return try arithmetic(a["x"]!, within: atom).enumerated().map { row, x in
                let value = function(x)
                if value.isFinite || x.isNaN { return value }
                throw FormulaError("\(data.location(ofRow: row)): \(FormulaError.excerpt(atom.deparsed)) is not a finite number (\(name) of \(x))")
            }
        case .string, .namedArgument, .randomEffects:
            throw fail(atom, "'\(FormulaError.excerpt(e.deparsed))' is not arithmetic")
        }
    }
}
