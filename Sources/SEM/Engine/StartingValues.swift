import Numerics

/// Where the optimizer starts: values from the data, chosen so that the implied covariance matrix
/// is positive definite (lavaan's "simple" start, with the observed exogenous block taken from the
/// data instead of zeros, which puts most of a panel model's parameters at their estimates
/// already):
///
/// - regressions 0, free loadings 1;
/// - means and intercepts of observed variables: their sample means (available values); latent 0;
/// - variances of exogenous observed variables: sample variances; covariances among them: the
///   pairwise-complete sample covariances, shrunk towards 0 until the block is positive definite;
/// - residual variances of endogenous observed variables: half the sample variance; variances of
///   latent variables: half the mean sample variance of the variables they load on with 1 (or
///   lavaan's 0.05 when there are none); all other covariances 0;
/// - a label shared by several cells starts at the mean of their starts.
enum StartingValues {
    static func values(model: RAMModel, data: SEMData, rows: [Int]) -> [Double] {
        let p = model.observedCount
        var sums = [Double](repeating: 0, count: p), counts = [Double](repeating: 0, count: p)
        for r in rows { for j in 0..<p { let x = data.value(row: r, column: j); if !x.isNaN { sums[j] += x; counts[j] += 1 } } }
        let means = (0..<p).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }

        var endogenous = [Bool](repeating: false, count: model.variableCount)
        var loadingsOfLatent = [Int: [Int]]()
        for s in model.specification.statements.indices {
            let cell = model.statementCell[s]
            guard cell.matrix == .a else { continue }
            endogenous[cell.row] = true
            if cell.column >= p, model.specification.statements[s].fixedValue == 1 { loadingsOfLatent[cell.column, default: []].append(cell.row) }
        }
        let exogenousObserved = (0..<p).filter { !endogenous[$0] }
        let covariance = pairwiseCovariance(data: data, rows: rows)
        let exogenousBlock = positiveDefinite(covariance, variables: exogenousObserved, p: p)

        func start(_ cell: RAMModel.Cell) -> Double {
            switch cell.matrix {
            case .m:
                return cell.row < p ? means[cell.row] : 0
            case .a:
                return 0
            case .s:
                let (i, j) = (cell.row, cell.column)
                if i < p, j < p, !endogenous[i], !endogenous[j] { return exogenousBlock[i + j * p] }
                guard i == j else { return 0 }
                if i < p { return 0.5 * covariance[i + i * p] }
                let indicators = loadingsOfLatent[i] ?? []
                let v = indicators.filter { $0 < p }.map { covariance[$0 + $0 * p] }
                return v.isEmpty ? 0.05 : 0.5 * v.reduce(0, +) / Double(v.count)
            }
        }
        return model.parameters.map { parameter in
            var sum = 0.0
            for (cell, statement) in zip(parameter.cells, parameter.statements) {
                // A free loading starts at 1, a free regression at 0.
                sum += model.specification.statements[statement].op == .loading ? 1 : start(cell)
            }
            return sum / Double(parameter.cells.count)
        }
    }

    /// The covariance of each pair of variables over the rows observing both (divisor: their count).
    static func pairwiseCovariance(data: SEMData, rows: [Int]) -> [Double] {
        let p = data.variables.count
        var out = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in i..<p {
                var s = 0.0, n = 0.0, mi = 0.0, mj = 0.0
                for r in rows {
                    let x = data.value(row: r, column: i), y = data.value(row: r, column: j)
                    if x.isNaN || y.isNaN { continue }
                    mi += x; mj += y; n += 1
                }
                guard n > 1 else { continue }
                mi /= n; mj /= n
                for r in rows {
                    let x = data.value(row: r, column: i), y = data.value(row: r, column: j)
                    if x.isNaN || y.isNaN { continue }
                    s += (x - mi) * (y - mj)
                }
                out[i + j * p] = s / n
                out[j + i * p] = s / n
            }
        }
        return out
    }

    /// The block of `covariance` over `variables` with its off-diagonal shrunk by 0.8^k for the
    /// smallest k that makes it positive definite (k = 30 leaves it practically diagonal).
    private static func positiveDefinite(_ covariance: [Double], variables: [Int], p: Int) -> [Double] {
        let k = variables.count
        var out = [Double](repeating: 0, count: p * p)
        guard k > 0 else { return out }
        var factor = 1.0
        for _ in 0..<30 {
            var block = Numerics.Matrix(rows: k, columns: k)
            for (b, j) in variables.enumerated() { for (a, i) in variables.enumerated() {
                block.elements[a + b * k] = covariance[i + j * p] * (a == b ? 1 : factor)
            } }
            if (try? Cholesky(block)) != nil { break }
            factor *= 0.8
        }
        for i in variables { for j in variables { out[i + j * p] = covariance[i + j * p] * (i == j ? 1 : factor) } }
        return out
    }
}
