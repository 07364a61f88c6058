import Numerics

/// The cross-products of the model matrices that every evaluation of the objective reuses,
/// formed once per model (lme4 and MixedModels.jl call them A):
///
///     A_jj = Z_j'Z_j   (block diagonal: one k_j x k_j block per level of factor j)
///     A_ij = Z_i'Z_j   (i after j: blocked sparse, a block wherever levels co-occur)
///     A_Xj = [X y]'Z_j (dense, (p + 1) x q_j)
///     A_XX = [X y]'[X y]
///
/// Appending y to X as a last column means the Cholesky factor's last diagonal element is the
/// square root of the penalized residual sum of squares (MixedModels.jl's device).
struct CrossProducts {
    /// Per term: columns per level and number of levels.
    let k: [Int]
    let levels: [Int]
    /// A_jj, `levels[j] * k[j]^2` values, level by level.
    let diagonal: [[Double]]
    /// A_ij for i > j: pattern and blocks (k_i x k_j each), indexed `[i][j]`.
    let offDiagonalPattern: [[BlockPattern?]]
    let offDiagonalValues: [[[Double]]]
    /// A_Xj, (p + 1) x q_j.
    let fixed: [Matrix]
    /// A_XX, (p + 1) x (p + 1), both triangles.
    let fixedFixed: Matrix

    init(frame: ModelFrame) throws {
        let terms = frame.randomTerms
        let n = frame.observationCount
        let p1 = frame.x.columns + 1
        k = terms.map(\.k)
        levels = terms.map(\.levelCount)

        // [X y], n x (p + 1).
        var xy = Matrix(rows: n, columns: p1)
        xy.elements.replaceSubrange(0..<(n * (p1 - 1)), with: frame.x.elements)
        xy.elements.replaceSubrange((n * (p1 - 1))..<(n * p1), with: frame.y)
        fixedFixed = try BLAS.gram(xy)

        var diagonal = [[Double]]()
        var fixed = [Matrix]()
        for term in terms {
            let kj = term.k
            var a = [Double](repeating: 0, count: term.levelCount * kj * kj)
            var ax = Matrix(rows: p1, columns: term.size)
            term.z.withUnsafeBufferPointer { z in
                term.groupCodes.withUnsafeBufferPointer { g in
                    a.withUnsafeMutableBufferPointer { a in
                        for r in 0..<n {
                            let base = Int(g[r]) * kj * kj
                            for s in 0..<kj {
                                let zs = z[r * kj + s]
                                for t in 0..<kj { a[base + t + s * kj] += z[r * kj + t] * zs }
                            }
                        }
                    }
                    // Row by row, so that each observation adds to its level's block (p1 x kj,
                    // contiguous) in one place.
                    xy.elements.withUnsafeBufferPointer { xyp in
                        ax.elements.withUnsafeMutableBufferPointer { axp in
                            let x = xyp.baseAddress!, a = axp.baseAddress!
                            for r in 0..<n {
                                let block = a + Int(g[r]) * kj * p1
                                for s in 0..<kj {
                                    let zs = z[r * kj + s]
                                    let out = block + s * p1
                                    for column in 0..<p1 { out[column] += x[r + column * n] * zs }
                                }
                            }
                        }
                    }
                }
            }
            diagonal.append(a)
            fixed.append(ax)
        }
        self.diagonal = diagonal
        self.fixed = fixed

        // Off-diagonal blocks between factors.
        var patterns = [[BlockPattern?]](repeating: [BlockPattern?](repeating: nil, count: terms.count), count: terms.count)
        var values = [[[Double]]](repeating: [[Double]](repeating: [], count: terms.count), count: terms.count)
        for i in terms.indices {
            for j in 0..<i {
                let (pattern, blockOf) = Self.pattern(rowCodes: terms[i].groupCodes, rowLevels: terms[i].levelCount,
                                                      columnCodes: terms[j].groupCodes, columnLevels: terms[j].levelCount)
                let ki = terms[i].k, kj = terms[j].k
                var v = [Double](repeating: 0, count: pattern.blockCount * ki * kj)
                let zi = terms[i].z, zj = terms[j].z
                for r in 0..<n {
                    let base = blockOf[r] * ki * kj
                    for s in 0..<kj {
                        let zs = zj[r * kj + s]
                        for t in 0..<ki { v[base + t + s * ki] += zi[r * ki + t] * zs }
                    }
                }
                patterns[i][j] = pattern
                values[i][j] = v
            }
        }
        offDiagonalPattern = patterns
        offDiagonalValues = values
    }

    /// The block pattern of co-occurring levels, and each observation's block index.
    static func pattern(rowCodes: [Int32], rowLevels: Int, columnCodes: [Int32], columnLevels: Int)
        -> (BlockPattern, [Int])
    {
        let n = rowCodes.count
        // Nested fast path: each column level meets a single row level.
        var owner = [Int32](repeating: -1, count: columnLevels)
        var nested = true
        for r in 0..<n {
            let c = Int(columnCodes[r])
            if owner[c] < 0 { owner[c] = rowCodes[r] } else if owner[c] != rowCodes[r] { nested = false; break }
        }
        var keys: [Int64]
        if nested {
            keys = (0..<columnLevels).compactMap { c in
                owner[c] < 0 ? nil : Int64(c) * Int64(rowLevels) + Int64(owner[c])
            }
        } else {
            var all = [Int64](repeating: 0, count: n)
            for r in 0..<n { all[r] = Int64(columnCodes[r]) * Int64(rowLevels) + Int64(rowCodes[r]) }
            keys = Array(Set(all)).sorted()
        }
        let pattern = BlockPattern(rowLevels: rowLevels, columnLevels: columnLevels, sortedUniqueKeys: keys)
        var blockOf = [Int](repeating: 0, count: n)
        for r in 0..<n { blockOf[r] = pattern.index(row: rowCodes[r], column: Int(columnCodes[r]))! }
        return (pattern, blockOf)
    }
}
