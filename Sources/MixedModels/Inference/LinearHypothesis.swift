import Foundation
import Numerics
import Tabular

/// A linear hypothesis about the fixed effects, `L beta = rhs`, written as a chain of equal
/// linear expressions in the coefficients' names (as lme4 prints them):
///
///     x1 = x2 = 0              x1 = 0 and x2 = 0 (each side equals the next)
///     recipeB = recipeC        recipeB - recipeC = 0
///     2 * session - alliance = 1
///
/// When the last side is a number c, every other side equals c (one row each: `x1 = x2 = 0` is
/// x1 = 0 and x2 = 0, as lmerTest's contrast rows would be written); otherwise each `=` gives one
/// row, the side on its left minus the side on its right. A name is
/// matched as the longest coefficient name at that point (so `factor(nitro)0.2` and
/// `session:alliance` need no quoting); a name may also be written in backquotes. The rows must be
/// linearly independent.
public struct LinearHypothesis: Sendable, Equatable, CustomStringConvertible {
    /// The text as written.
    public let text: String
    /// q x p, one row per equation, over the coefficients in the model's order.
    public let l: Matrix
    public let rhs: [Double]

    public var description: String { text }

    public init(_ text: String, coefficients names: [String]) throws {
        self.text = text
        func fail(_ message: String) -> HypothesisError {
            HypothesisError("hypothesis '\(FormulaError.excerpt(text))': \(message)")
        }
        let chars = Array(text)
        let byLength = names.enumerated().sorted { $0.element.count > $1.element.count }
        var i = 0
        func skipSpaces() { while i < chars.count && chars[i].isWhitespace { i += 1 } }
        func matchName() -> Int? {
            if i < chars.count && chars[i] == "`" {
                guard let close = chars[(i + 1)...].firstIndex(of: "`") else { return nil }
                let name = String(chars[(i + 1)..<close])
                guard let k = names.firstIndex(of: name) else { return nil }
                i = close + 1
                return k
            }
            for (k, name) in byLength {
                let candidate = Array(name)
                if i + candidate.count <= chars.count && Array(chars[i..<(i + candidate.count)]) == candidate {
                    i += candidate.count
                    return k
                }
            }
            return nil
        }
        func matchNumber() -> Double? {
            var j = i
            while j < chars.count && (chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E"
                                      || ((chars[j] == "-" || chars[j] == "+") && j > i && (chars[j - 1] == "e" || chars[j - 1] == "E"))) { j += 1 }
            guard j > i, let value = Double(String(chars[i..<j])), value.isFinite else { return nil }
            i = j
            return value
        }
        func unexpected() -> HypothesisError {
            let rest = String(chars[i...]).trimmingCharacters(in: .whitespaces)
            let list = names.prefix(30).joined(separator: ", ") + (names.count > 30 ? ", ..." : "")
            return fail("'\(FormulaError.excerpt(rest))' is not a coefficient or number (coefficients: \(list))")
        }
        // One side: a sum of [number *] name, name [* number] and numbers.
        func side() throws -> (coefficients: [Double], constant: Double) {
            var coefficients = [Double](repeating: 0, count: names.count), constant = 0.0
            var first = true
            while true {
                skipSpaces()
                var sign = 1.0
                if i < chars.count && (chars[i] == "+" || chars[i] == "-") {
                    sign = chars[i] == "-" ? -1 : 1
                    i += 1
                    skipSpaces()
                } else if !first {
                    break
                }
                guard i < chars.count, chars[i] != "=" else { throw fail("a side of '=' is empty") }
                if let k = matchName() {
                    skipSpaces()
                    var factor = 1.0
                    if i < chars.count && chars[i] == "*" {
                        i += 1; skipSpaces()
                        guard let number = matchNumber() else { throw unexpected() }
                        factor = number
                    }
                    coefficients[k] += sign * factor
                } else if let number = matchNumber() {
                    skipSpaces()
                    if i < chars.count && chars[i] == "*" {
                        i += 1; skipSpaces()
                        guard let k = matchName() else { throw unexpected() }
                        coefficients[k] += sign * number
                    } else {
                        constant += sign * number
                    }
                } else {
                    throw unexpected()
                }
                first = false
                skipSpaces()
                if i >= chars.count || chars[i] == "=" { break }
                if chars[i] != "+" && chars[i] != "-" { throw unexpected() }
            }
            return (coefficients, constant)
        }
        var sides = [(coefficients: [Double], constant: Double)]()
        while true {
            sides.append(try side())
            skipSpaces()
            if i >= chars.count { break }
            guard chars[i] == "=" else { throw unexpected() }
            i += 1
        }
        guard sides.count >= 2 else { throw fail("expected '=', as in 'x1 = x2 = 0'") }
        let q = sides.count - 1, p = names.count
        var l = Matrix(rows: q, columns: p)
        var rhs = [Double](repeating: 0, count: q)
        let lastIsNumber = sides.last!.coefficients.allSatisfy { $0 == 0 }
        for k in 0..<q {
            let other = lastIsNumber ? sides[q] : sides[k + 1]
            for j in 0..<p { l[k, j] = sides[k].coefficients[j] - other.coefficients[j] }
            rhs[k] = other.constant - sides[k].constant
            if (0..<p).allSatisfy({ l[k, $0] == 0 }) {
                throw fail("equation \(k + 1) compares no coefficients")
            }
        }
        if q > 1 {
            let svd = try SingularValueDecomposition(l.transposed)
            let largest = svd.singularValues.max() ?? 0
            if svd.singularValues.filter({ $0 > 1e-10 * largest }).count < q {
                throw fail("the \(q) equations are not linearly independent (one follows from the others)")
            }
        }
        self.l = l
        self.rhs = rhs
    }
}

/// A hypothesis that does not parse or does not fit the model.
public struct HypothesisError: InputError, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
