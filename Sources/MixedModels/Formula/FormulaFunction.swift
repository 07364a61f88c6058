import Foundation

/// The functions alliance's formulas understand, each with R's argument list, so that a call is
/// checked (name, arguments, their count and names) before any data are read, and its arguments
/// matched as R matches them: named arguments by their full name, then the others by position.
///
/// | Function | Arguments | Gives |
/// |---|---|---|
/// | `factor`, `as.factor` | x | a factor (numbers become levels sorted by value) |
/// | `relevel` | x, ref | the factor x with level `ref` first (the reference level) |
/// | `as.numeric` | x | numbers; for a factor its level numbers 1, 2, ... (as R does) |
/// | `I` | x | arithmetic: `+ - * / ^`, numbers, `pi`, the numeric functions |
/// | `offset` | x | a known part of the linear predictor (arithmetic as in `I`), not a term |
/// | `scale` | x, center = TRUE, scale = TRUE | (x - mean) / SD |
/// | `poly` | x, degree = 1, raw = FALSE | orthogonal (or raw) polynomials, one column per degree |
/// | `log` | x, base = e | |
/// | `log2`, `log10`, `log1p`, `exp`, `sqrt`, `abs`, `sin`, `cos`, `tan` | x | |
enum FormulaFunction {
    /// Functions of one number.
    static let numeric: [String: @Sendable (Double) -> Double] = [
        "log": { Foundation.log($0) }, "log2": { Foundation.log2($0) }, "log10": { Foundation.log10($0) },
        "log1p": { Foundation.log1p($0) }, "exp": { Foundation.exp($0) }, "sqrt": { $0.squareRoot() },
        "abs": { Swift.abs($0) }, "sin": { Foundation.sin($0) }, "cos": { Foundation.cos($0) }, "tan": { Foundation.tan($0) },
    ]

    /// Each function's parameters in R's order, and how many must be given.
    static let parameters: [String: (names: [String], required: Int)] = {
        var table: [String: (names: [String], required: Int)] = [
            "factor": (["x"], 1), "as.factor": (["x"], 1), "relevel": (["x", "ref"], 2), "as.numeric": (["x"], 1),
            "I": (["x"], 1), "offset": (["x"], 1), "scale": (["x", "center", "scale"], 1),
            "poly": (["x", "degree", "raw"], 1), "log": (["x", "base"], 1),
        ]
        for name in numeric.keys where table[name] == nil { table[name] = (["x"], 1) }
        return table
    }()

    /// The list users see when a function is not supported.
    static let supportedList = "factor(), as.factor(), relevel(), as.numeric(), I(), offset(), scale(), poly(), "
        + "log(), log2(), log10(), log1p(), exp(), sqrt(), abs(), sin(), cos(), tan()"

    /// The arguments of `call` by parameter name, as R matches them; errors name the call.
    static func arguments(_ name: String, _ arguments: [FormulaExpression], formula: String) throws -> [String: FormulaExpression] {
        let call = FormulaExpression.call(name, arguments)
        let context = "\(FormulaError.quote(formula)): '\(FormulaError.excerpt(call.deparsed))'"
        guard let signature = parameters[name] else {
            throw FormulaError("\(context): not supported: the function \(FormulaError.excerpt(name))() (alliance understands \(supportedList))")
        }
        var matched = [String: FormulaExpression]()
        var positional = [FormulaExpression]()
        for argument in arguments {
            if case .namedArgument(let key, let value) = argument {
                guard signature.names.contains(key) else {
                    throw FormulaError("\(context): \(name)() has no argument '\(FormulaError.excerpt(key))' (its arguments: \(signature.names.joined(separator: ", ")))")
                }
                guard matched[key] == nil else { throw FormulaError("\(context): argument '\(key)' is given twice") }
                matched[key] = value
            } else {
                positional.append(argument)
            }
        }
        var free = signature.names.filter { matched[$0] == nil }.makeIterator()
        for argument in positional {
            guard let key = free.next() else {
                let counts = signature.required == signature.names.count ? "\(signature.required)" : "\(signature.required) to \(signature.names.count)"
                throw FormulaError("\(context): \(name)() takes \(counts) argument\(signature.names.count > 1 ? "s" : "") (\(signature.names.joined(separator: ", "))), not \(arguments.count)")
            }
            matched[key] = argument
        }
        for key in signature.names.prefix(signature.required) where matched[key] == nil {
            throw FormulaError("\(context): \(name)() needs its argument '\(key)'")
        }
        return matched
    }

    /// Checks every call in `e` (and inside the arguments of calls that evaluate arithmetic),
    /// and the literal arguments: a whole degree, TRUE/FALSE flags, a string or number `ref`.
    static func validate(_ e: FormulaExpression, formula: String) throws {
        switch e {
        case .call(let name, let arguments):
            let matched = try Self.arguments(name, arguments, formula: formula)
            let context = "\(FormulaError.quote(formula)): '\(FormulaError.excerpt(e.deparsed))'"
            for flag in ["raw", "center", "scale"] where matched[flag] != nil && name != "log" {
                guard case .logical = matched[flag]! else {
                    throw FormulaError("\(context): \(flag) must be TRUE or FALSE")
                }
            }
            if name == "poly", let degree = matched["degree"] {
                guard case .number(let k) = degree, k >= 1, k == k.rounded(), k <= 20 else {
                    throw FormulaError("\(context): the degree of poly() must be a whole number from 1 to 20")
                }
            }
            if name == "relevel" {
                switch matched["ref"]! {
                case .string, .number: break
                default: throw FormulaError("\(context): relevel()'s ref must be a level in quotes, as in relevel(f, \"b\")")
                }
            }
            if name == "log", let base = matched["base"] {
                guard case .number(let b) = base, b > 0, b != 1 else {
                    throw FormulaError("\(context): the base of log() must be a positive number other than 1")
                }
            }
            try validate(matched["x"]!, formula: formula)
        case .binary(_, let a, let b):
            try validate(a, formula: formula)
            try validate(b, formula: formula)
        case .negation(let a), .parenthesized(let a):
            try validate(a, formula: formula)
        case .randomEffects(let a, let group, _):
            try validate(a, formula: formula)
            try validate(group, formula: formula)
        case .namedArgument(let key, _):
            throw FormulaError("\(FormulaError.quote(formula)): not supported: the named argument '\(FormulaError.excerpt(key)) = ...' outside a function call")
        case .string(let s):
            throw FormulaError("\(FormulaError.quote(formula)): not supported: the string \(FormulaError.excerpt(FormulaExpression.string(s).deparsed)) outside a function's arguments")
        case .variable, .number, .logical:
            break
        }
    }
}
