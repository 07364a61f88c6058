import Numerics

/// Builds model-matrix columns for a list of terms the way R's `model.matrix` does with
/// treatment contrasts.
///
/// A numeric atom gives one column. A factor in a term T is coded by *contrasts* (one indicator
/// per level except the first, the reference) when the term T without that factor is also in the
/// model (the intercept standing for the empty term), and by *indicators* for every level
/// otherwise. So `y ~ f` has contrasts, `y ~ 0 + f` a column per level, and `y ~ x:f` without `x`
/// one slope per level. An interaction's columns are products of its atoms' columns, the first
/// atom varying fastest; names join the parts with `:` (`recipeB:temperature`).
struct DesignColumns {
    let terms: [FormulaTerm]
    let intercept: Bool
    let variables: [FormulaExpression: ModelVariable]
    let rowCount: Int

    /// How many columns `build()` makes, without making them.
    var columnCount: Int {
        let termSets = Set(terms.map { Set($0.factors) })
        var count = intercept ? 1 : 0
        for term in terms {
            var product = 1
            for atom in term.factors {
                let width: Int
                switch variables[atom]! {
                case .numeric: width = 1
                case .matrix(let columns, _): width = columns.count
                case .factor(_, let levels):
                    width = usesContrasts(atom, in: term, termSets: termSets) ? levels.count - 1 : levels.count
                }
                product = product.multipliedReportingOverflow(by: width).overflow ? Int.max : product * width
            }
            count = count.addingReportingOverflow(product).overflow ? Int.max : count + product
        }
        return count
    }

    /// Column names and values (column-major, `rowCount` rows), and each column's term (an index
    /// into `terms`, -1 for the intercept: R's `assign` attribute, less one).
    func build() -> (names: [String], values: [Double], assign: [Int]) {
        var names = [String]()
        var assign = [Int]()
        var values = [Double]()
        values.reserveCapacity(rowCount * (terms.count + 1))
        if intercept {
            names.append("(Intercept)")
            assign.append(-1)
            values.append(contentsOf: repeatElement(1.0, count: rowCount))
        }
        let termSets = Set(terms.map { Set($0.factors) })
        for (t, term) in terms.enumerated() {
            // Each atom's columns: (name suffix, value per row).
            var parts = [[(name: String, column: [Double])]]()
            for atom in term.factors {
                parts.append(atomColumns(atom, in: term, termSets: termSets))
            }
            // Cartesian product, first atom fastest (a one-atom term is its atom's columns).
            var combined = parts.first ?? []
            for part in parts.dropFirst() {
                var next = [(name: String, column: [Double])]()
                for outer in part {
                    for inner in combined {
                        let name = inner.name + ":" + outer.name
                        var column = inner.column
                        for r in 0..<rowCount { column[r] *= outer.column[r] }
                        next.append((name, column))
                    }
                }
                combined = next
            }
            for c in combined {
                names.append(c.name)
                assign.append(t)
                values.append(contentsOf: c.column)
            }
        }
        return (names, values, assign)
    }

    /// R's `factors` attribute of `terms()` for `atom` in `term`: coded by contrasts (1) or by
    /// indicators for every level (2), the same rule whatever the atom's type.
    func isContrastCoded(_ atom: FormulaExpression, in term: FormulaTerm) -> Bool {
        usesContrasts(atom, in: term, termSets: Set(terms.map { Set($0.factors) }))
    }

    /// R's rule: a factor in a term is coded by contrasts when the term without it is in the model
    /// (the intercept standing for the empty term), by indicators otherwise.
    private func usesContrasts(_ atom: FormulaExpression, in term: FormulaTerm, termSets: Set<Set<FormulaExpression>>) -> Bool {
        var without = Set(term.factors)
        without.remove(atom)
        return without.isEmpty ? intercept : termSets.contains(without)
    }

    private func atomColumns(_ atom: FormulaExpression, in term: FormulaTerm,
                             termSets: Set<Set<FormulaExpression>>) -> [(name: String, column: [Double])] {
        let label = atom.deparsed
        switch variables[atom]! {
        case .numeric(let v):
            return [(label, v)]
        case .matrix(let columns, let suffixes):
            return zip(columns, suffixes).map { (label + $1, $0) }
        case .factor(let codes, let levels):
            let contrasts = usesContrasts(atom, in: term, termSets: termSets)
            let used = contrasts ? Array(levels.indices.dropFirst()) : Array(levels.indices)
            return used.map { level in
                (label + levels[level], codes.map { $0 == Int32(level) ? 1.0 : 0.0 })
            }
        }
    }
}

/// Finds the columns of a design matrix that are linear combinations of earlier columns, the
/// ones lme4 drops ("fixed-effect model matrix is rank deficient so dropping k columns").
///
/// The rank comes from LAPACK's pivoted QR (`dgeqp3`, tolerance 1e-7 relative to the largest
/// diagonal of R). When the matrix is rank deficient, the columns to drop are chosen as R's
/// `qr()` (LINPACK `dqrdc2`, used by lme4) chooses them: going left to right, a column is dropped
/// when its part orthogonal to the kept columns has norm below 1e-7 times its own norm. That keeps
/// the earlier of two collinear columns, as lme4 does.
enum RankDeficiency {
    static func dependentColumns(_ x: Matrix) throws -> [Int] {
        guard x.columns > 0, x.rows > 0 else { return [] }
        let qr = try PivotedQR(x)
        if qr.rank() == x.columns { return [] }
        var kept = [Int]()
        var basis = Matrix(rows: x.rows, columns: 0)   // orthonormal columns spanning the kept ones
        var dropped = [Int]()
        for j in 0..<x.columns {
            var v = Array(x.column(j))
            let norm0 = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm0 == 0 { dropped.append(j); continue }
            // Classical Gram-Schmidt, twice (CGS2), is as stable as Householder for this purpose.
            for _ in 0..<2 where basis.columns > 0 {
                let coefficients = try BLAS.product(basis, .transpose, v)
                try BLAS.gemv(basis, .none, coefficients, alpha: -1, beta: 1, into: &v)
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm < 1e-7 * norm0 {
                dropped.append(j)
            } else {
                kept.append(j)
                basis = Matrix(rows: x.rows, columns: basis.columns + 1,
                               columnMajor: basis.elements + v.map { $0 / norm })
            }
        }
        return dropped
    }
}
