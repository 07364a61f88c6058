import Foundation
import Numerics

/// The contrast matrices of lmerTest's type III hypotheses (`get_contrasts_type3`, lmerTest 3.1), one
/// per fixed-effects term, so that `anova()` tables agree with lmerTest's to the digit:
///
/// 1. X_full: the intercept and, for each term, its columns with every factor coded by indicators
///    for all levels (R's `model.matrix(~ 0 + term)`);
/// 2. L = zapsmall((X^+ X_full)'), X^+ the pseudo-inverse of the model's X (`MASS::ginv`): row r
///    expresses column r of X_full in the model's coefficients;
/// 3. from the highest-order terms down, the columns of L for a term are replaced by their
///    residuals (zapped) from a least-squares fit on the columns of the terms that contain it
///    (a term contains another when it has all of its variables and more, and the same numeric
///    variables; lmerTest's `containment`);
/// 4. L is restricted to the rows of X's own columns; a term's hypothesis is the transpose of its
///    columns, without rows that are zero.
///
/// A model with one term, or with at most one column, gets lmerTest's type I contrasts instead
/// (`get_contrasts_type1`: rows of the Doolittle factor of X'X), as lmerTest does.
enum TypeThreeContrasts {
    /// (term label, L) per fixed-effects term in the model's order; L has p columns.
    static func contrasts(_ frame: ModelFrame) throws -> [(label: String, l: Matrix)] {
        let x = frame.x
        let p = x.columns, n = x.rows
        let terms = frame.fixedTerms
        let intercept = frame.formula.hasIntercept
        let termColumns = terms.indices.map { t in frame.fixedColumnTerms.indices.filter { frame.fixedColumnTerms[$0] == t } }
        if p <= 1 || terms.count <= 1 { return try typeOne(frame, termColumns: termColumns) }

        // X_full, with its column names.
        var fullNames = [String]()
        var fullValues = [Double]()
        if intercept {
            fullNames.append("(Intercept)")
            fullValues += [Double](repeating: 1, count: n)
        }
        for term in terms {
            let design = DesignColumns(terms: [term], intercept: false, variables: frame.fixedVariables, rowCount: n).build()
            fullNames += design.names
            fullValues += design.values
        }
        let full = Matrix(rows: n, columns: fullNames.count, columnMajor: fullValues)

        // L = (X^+ X_full)', m x p.
        let svd = try SingularValueDecomposition(x)
        let largest = svd.singularValues.first ?? 0
        let utFull = try BLAS.product(svd.u, .transpose, full, .none)                 // p x m
        var coefficients = Matrix(rows: p, columns: fullNames.count)                   // V S^-1 U' X_full
        for k in 0..<svd.singularValues.count where svd.singularValues[k] > Double.ulpOfOne.squareRoot() * largest {
            let s = svd.singularValues[k]
            for c in 0..<fullNames.count {
                let value = utFull[k, c] / s
                for j in 0..<p { coefficients[j, c] += svd.vt[k, j] * value }
            }
        }
        var l = zapsmall(coefficients.transposed)                                   // m x p

        // Containment, as lmerTest's term_contain: the variables a term codes by contrasts
        // (R's factors attribute = 1), and which of them are numeric.
        let design = DesignColumns(terms: terms, intercept: intercept, variables: frame.fixedVariables, rowCount: n)
        let variables = terms.map { term in Set(term.factors.filter { design.isContrastCoded($0, in: term) }) }
        let numerics = variables.map { set in Set(set.filter { if case .numeric = frame.fixedVariables[$0]! { return true } else { return false } }) }
        func contains(_ inner: Int, _ outer: Int) -> Bool {
            variables[inner].isSubset(of: variables[outer]) && !variables[outer].subtracting(variables[inner]).isEmpty
                && numerics[inner] == numerics[outer]
        }
        let order = terms.indices.sorted { (terms[$0].factors.count, -$0) > (terms[$1].factors.count, -$1) }
        for t in order {
            let containing = terms.indices.filter { $0 != t && contains(t, $0) }
            guard !containing.isEmpty, !termColumns[t].isEmpty else { continue }
            let basisColumns = containing.flatMap { termColumns[$0] }
            guard !basisColumns.isEmpty else { continue }
            var basis = Matrix(rows: l.rows, columns: basisColumns.count)
            for (k, c) in basisColumns.enumerated() { for r in 0..<l.rows { basis[r, k] = l[r, c] } }
            var block = Matrix(rows: l.rows, columns: termColumns[t].count)
            for (k, c) in termColumns[t].enumerated() { for r in 0..<l.rows { block[r, k] = l[r, c] } }
            let residual = zapsmall(try residuals(of: block, on: basis))
            for (k, c) in termColumns[t].enumerated() { for r in 0..<l.rows { l[r, c] = residual[r, k] } }
        }

        // The rows of X's columns, then each term's block transposed.
        let rows = frame.fixedEffectNames.map { name in fullNames.firstIndex(of: name) }
        var out = [(label: String, l: Matrix)]()
        for (t, term) in terms.enumerated() {
            var contrastRows = [[Double]]()
            for c in termColumns[t] {
                let row = rows.map { r in r.map { l[$0, c] } ?? 0 }
                if row.reduce(0, { $0 + abs($1) }) > 1e-8 { contrastRows.append(row) }
            }
            out.append((term.label, Matrix(contrastRows.isEmpty ? [] : contrastRows, columns: p)))
        }
        return out
    }

    /// lmerTest's type I contrasts: rows of t(L) from the Doolittle decomposition of X'X.
    static func typeOne(_ frame: ModelFrame, termColumns: [[Int]]) throws -> [(label: String, l: Matrix)] {
        let x = frame.x
        let p = x.columns
        let intercept = frame.formula.hasIntercept
        if p == 0 { return frame.fixedTerms.map { ($0.label, Matrix(rows: 0, columns: 0)) } }
        if p == 1 && intercept { return frame.fixedTerms.map { ($0.label, Matrix(rows: 0, columns: 1)) } }
        var lt = Matrix.identity(p)
        if p > 1 {
            let gram = try BLAS.product(x, .transpose, x, .none)
            lt = doolittleLower(gram).transposed
        }
        return frame.fixedTerms.indices.map { t in
            (frame.fixedTerms[t].label, Matrix(termColumns[t].map { lt.row($0) }, columns: p))
        }
    }

    /// The unit lower-triangular L of lmerTest's `doolittle(x, eps = 1e-6)` (entries below 1e-6 in
    /// absolute value set to 0, as there).
    static func doolittleLower(_ a: Matrix) -> Matrix {
        let n = a.rows
        var l = Matrix.identity(n), u = Matrix(rows: n, columns: n)
        let eps = 1e-6
        for i in 0..<n {
            for j in 0..<n {
                u[i, j] = a[i, j]
                for k in 0..<i { u[i, j] -= l[i, k] * u[k, j] }
            }
            for j in (i + 1)..<max(i + 1, n) {
                l[j, i] = a[j, i]
                for k in 0..<i { l[j, i] -= l[j, k] * u[k, i] }
                l[j, i] = abs(u[i, i]) < eps ? 0 : l[j, i] / u[i, i]
            }
        }
        for e in l.elements.indices where abs(l.elements[e]) < eps { l.elements[e] = 0 }
        return l
    }

    /// Least-squares residuals of the columns of `y` on the columns of `x` (R's `lm.fit` residuals:
    /// the part of y orthogonal to the column space of x, whatever x's rank).
    static func residuals(of y: Matrix, on x: Matrix) throws -> Matrix {
        let svd = try SingularValueDecomposition(x)
        let largest = svd.singularValues.first ?? 0
        var out = y
        for k in 0..<svd.singularValues.count where svd.singularValues[k] > 1e-7 * largest {
            for c in 0..<y.columns {
                var dot = 0.0
                for r in 0..<y.rows { dot += svd.u[r, k] * y[r, c] }
                for r in 0..<y.rows { out[r, c] -= svd.u[r, k] * dot }
            }
        }
        return out
    }

    /// R 4.2's `zapsmall(x)` with `digits = 7`: every element rounded to 7 - log10(max |x|)
    /// decimals, that number rounded to the nearest integer as R's `round()` takes it (at least 0).
    static func zapsmall(_ m: Matrix) -> Matrix {
        let largest = m.elements.reduce(0) { max($0, abs($1)) }
        let digits = largest > 0 ? max(0, Int((7 - log10(largest) + 0.5).rounded(.down))) : 7
        let scale = pow(10.0, Double(digits))
        var out = m
        out.elements = m.elements.map { ($0 * scale).rounded(.toNearestOrEven) / scale }
        return out
    }
}

extension Matrix {
    /// A matrix from rows (`columns` given so that zero rows make a 0 x columns matrix).
    init(_ rows: [[Double]], columns: Int) {
        var m = Matrix(rows: rows.count, columns: columns)
        for (i, row) in rows.enumerated() { for (j, v) in row.enumerated() { m[i, j] = v } }
        self = m
    }
}
