import Numerics

/// Data for a structural equation model: one row per unit (a patient), one column per observed
/// variable, NaN for a missing value.
public struct SEMData: Sendable {
    public let variables: [String]
    /// Row-major: `values[row * variables.count + column]`.
    public let values: [Double]
    public let rowCount: Int

    public init(variables: [String], values: [Double], rowCount: Int) {
        precondition(values.count == rowCount * variables.count)
        self.variables = variables
        self.values = values
        self.rowCount = rowCount
    }

    public func value(row: Int, column: Int) -> Double { values[row * variables.count + column] }
}

/// The rows of the data grouped by which variables they observe, with each group's sufficient
/// statistics: the full-information likelihood (FIML; Anderson 1957, Arbuckle 1996) of a normal
/// model is a sum over these groups, each needing one Cholesky factor of its block of Sigma.
///
/// A row with no observed value is dropped (it carries no information), as lavaan drops it.
struct MissingDataPattern: Sendable {
    /// The observed variables (column indices, increasing).
    let observed: [Int]
    /// The rows in the group.
    let rows: [Int]
    var count: Int { rows.count }
    /// The rows' mean of the observed variables.
    let mean: [Double]
    /// The rows' covariance about their own mean, divided by the count (p_o x p_o).
    let covariance: Numerics.Matrix
    /// The observed values about the group mean, one column per row (p_o x count, column-major),
    /// kept for groups of fewer rows than variables, where products with it are cheaper than with
    /// `covariance`.
    let centred: Numerics.Matrix?

    /// Groups the rows of `data` (those listed in `rows`, default all). Patterns come in the order
    /// of their first row.
    static func patterns(of data: SEMData, rows selected: [Int]? = nil) -> [MissingDataPattern] {
        let p = data.variables.count
        var groups = [[Bool]: Int]()
        var members = [[Int]]()
        var masks = [[Bool]]()
        for r in selected ?? Array(0..<data.rowCount) {
            let mask = (0..<p).map { !data.value(row: r, column: $0).isNaN }
            guard mask.contains(true) else { continue }
            if let g = groups[mask] {
                members[g].append(r)
            } else {
                groups[mask] = members.count
                members.append([r])
                masks.append(mask)
            }
        }
        return zip(masks, members).map { mask, rows in
            let observed = (0..<p).filter { mask[$0] }
            let k = observed.count, n = rows.count
            var mean = [Double](repeating: 0, count: k)
            for r in rows { for (j, v) in observed.enumerated() { mean[j] += data.value(row: r, column: v) } }
            for j in 0..<k { mean[j] /= Double(n) }
            var centred = Numerics.Matrix(rows: n, columns: k)
            for (i, r) in rows.enumerated() {
                for (j, v) in observed.enumerated() { centred.elements[i + j * n] = data.value(row: r, column: v) - mean[j] }
            }
            var cov = (try? BLAS.gram(centred)) ?? Numerics.Matrix(rows: k, columns: k)
            for e in cov.elements.indices { cov.elements[e] /= Double(n) }
            return MissingDataPattern(observed: observed, rows: rows, mean: mean, covariance: cov,
                                      centred: n < k ? centred.transposed : nil)
        }
    }

    /// The total number of rows.
    static func rowCount(_ patterns: [MissingDataPattern]) -> Int { patterns.reduce(0) { $0 + $1.count } }
}
