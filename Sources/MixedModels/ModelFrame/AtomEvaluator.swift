import Foundation
import Tabular

/// Evaluates a formula atom on a data table: a column by name, `factor(x)`, `I(arithmetic)`, or
/// one of the numeric functions `log`, `log2`, `log10`, `log1p`, `exp`, `sqrt`, `abs`.
struct AtomEvaluator {
    let data: DataTable
    let formula: String

    static let numericFunctions: [String: @Sendable (Double) -> Double] = [
        "log": { Foundation.log($0) }, "log2": { Foundation.log2($0) }, "log10": { Foundation.log10($0) },
        "log1p": { Foundation.log1p($0) }, "exp": { Foundation.exp($0) }, "sqrt": { $0.squareRoot() },
        "abs": { Swift.abs($0) },
    ]

    func evaluate(_ atom: FormulaExpression) throws -> ModelVariable {
        switch atom {
        case .variable(let name):
            guard let column = data[name] else {
                throw FormulaError("formula '\(formula)': no column '\(name)' in \(data.source) (columns: \(data.names.joined(separator: ", ")))")
            }
            switch column {
            case .numeric(let values): return .numeric(values)
            case .categorical(let codes, let labels): return Self.factor(codes: codes, labels: labels)
            }
        case .call("factor", let arguments):
            guard arguments.count == 1 else { throw FormulaError("formula '\(formula)': factor() takes one argument") }
            return try Self.asFactor(evaluate(arguments[0]))
        case .call("I", let arguments):
            guard arguments.count == 1 else { throw FormulaError("formula '\(formula)': I() takes one argument") }
            return .numeric(try arithmetic(arguments[0], within: atom))
        case .call(let name, let arguments) where Self.numericFunctions[name] != nil:
            guard arguments.count == 1 else { throw FormulaError("formula '\(formula)': \(name)() takes one argument") }
            return .numeric(try arithmetic(atom, within: atom))
        case .call(let name, _):
            throw FormulaError("formula '\(formula)': unknown function '\(name)' (alliance understands factor(), I(), log(), log2(), log10(), log1p(), exp(), sqrt(), abs())")
        default:
            throw FormulaError("formula '\(formula)': '\(atom.deparsed)' is not a variable")
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
    static func asFactor(_ v: ModelVariable) -> ModelVariable {
        let (codes, levels) = factorCodes(v)
        return .factor(codes: codes, levels: levels)
    }

    /// The codes and levels of a variable taken as a factor (numbers become levels by value).
    static func factorCodes(_ v: ModelVariable) -> (codes: [Int32], levels: [String]) {
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
        }
    }

    /// Evaluates arithmetic inside `I()` (and numeric functions) element by element.
    private func arithmetic(_ e: FormulaExpression, within atom: FormulaExpression) throws -> [Double] {
        switch e {
        case .number(let v):
            return [Double](repeating: v, count: data.rowCount)
        case .variable:
            guard case .numeric(let values) = try evaluate(e) else {
                throw FormulaError("formula '\(formula)': '\(e.deparsed)' in \(atom.deparsed) is not numeric")
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
            case .interaction:
                throw FormulaError("formula '\(formula)': ':' is not arithmetic inside \(atom.deparsed)")
            }
            return try zip(x, y).enumerated().map { row, pair in
                let value = f(pair.0, pair.1)
                if value.isFinite || pair.0.isNaN || pair.1.isNaN { return value }
                throw FormulaError("\(data.location(ofRow: row)): \(atom.deparsed) is not a finite number")
            }
        case .call(let name, let arguments):
            if name == "I", arguments.count == 1 { return try arithmetic(arguments[0], within: atom) }
            guard let function = Self.numericFunctions[name], arguments.count == 1 else {
                throw FormulaError("formula '\(formula)': unknown function '\(name)' inside \(atom.deparsed)")
            }
            return try arithmetic(arguments[0], within: atom).enumerated().map { row, x in
                let value = function(x)
                if value.isFinite || x.isNaN { return value }
                throw FormulaError("\(data.location(ofRow: row)): \(atom.deparsed) is not a finite number (\(name) of \(x))")
            }
        case .randomEffects:
            throw FormulaError("formula '\(formula)': a random-effects term inside \(atom.deparsed)")
        }
    }
}
