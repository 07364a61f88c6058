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
    var offDiagonalPattern: [[BlockPattern?]] { layout.patterns }
    let offDiagonalValues: [[[Double]]]
    /// A_Xj, (p + 1) x q_j.
    let fixed: [Matrix]
    /// A_XX, (p + 1) x (p + 1), both triangles.
    let fixedFixed: Matrix
    /// Where the blocks between factors are, which does not change when the rows' values do.
    let layout: Layout

    /// The blocks of Z_i'Z_j (i > j) that are present, and each observation's block: they depend
    /// only on the grouping factors, so they are worked out once per model.
    struct Layout: Sendable {
        let patterns: [[BlockPattern?]]
        /// `blockOf[i][j][r]`: observation r's block of A_ij.
        let blockOf: [[[Int]]]

        init(terms: [RandomEffectsTerm]) {
            var patterns = [[BlockPattern?]](repeating: [BlockPattern?](repeating: nil, count: terms.count), count: terms.count)
            var blockOf = [[[Int]]](repeating: [[Int]](repeating: [], count: terms.count), count: terms.count)
            for i in terms.indices {
                for j in 0..<i {
                    let (pattern, blocks) = CrossProducts.pattern(rowCodes: terms[i].groupCodes, rowLevels: terms[i].levelCount,
                                                                  columnCodes: terms[j].groupCodes, columnLevels: terms[j].levelCount)
                    patterns[i][j] = pattern
                    blockOf[i][j] = blocks
                }
            }
            self.patterns = patterns
            self.blockOf = blockOf
        }
    }

    /// The cross-products of the frame's data.
    init(frame: ModelFrame) throws {
        try self.init(frame: frame, layout: Layout(terms: frame.randomTerms))
    }

    /// The cross-products of the frame's data with a layout already worked out.
    init(frame: ModelFrame, layout: Layout) throws {
        let xy = Self.responseAndPredictors(frame)
        try self.init(terms: frame.randomTerms, z: frame.randomTerms.map(\.z), xy: xy, layout: layout)
    }

    /// The cross-products of *virtual rows*: row v is `rows[v]`'s place in every factor (its level
    /// and blocks) with values `z` (per term, row-major) and `xy`. Rows combined within one level
    /// of every factor (a group's rows, when the group is the innermost level) keep that level.
    init(frame: ModelFrame, layout: Layout, rows: [Int], z: [[Double]], xy: Matrix) throws {
        let terms = frame.randomTerms
        try self.init(terms: terms, codes: terms.map { t in rows.map { t.groupCodes[$0] } },
                      blocks: layout.blockOf.map { byJ in byJ.map { b in b.isEmpty ? [] : rows.map { b[$0] } } },
                      z: z, xy: xy, layout: layout)
    }

    /// sum_m c_m A_m, element by element, over cross-products of the same design.
    static func combination(_ parts: [(coefficient: Double, products: CrossProducts)]) -> CrossProducts {
        let first = parts[0].products
        func add(_ arrays: [[Double]]) -> [Double] {
            var out = [Double](repeating: 0, count: arrays[0].count)
            for (c, a) in zip(parts.map(\.coefficient), arrays) where c != 0 {
                out.withUnsafeMutableBufferPointer { o in a.withUnsafeBufferPointer { x in for e in 0..<x.count { o[e] += c * x[e] } } }
            }
            return out
        }
        let diagonal = first.diagonal.indices.map { j in add(parts.map { $0.products.diagonal[j] }) }
        let off = first.offDiagonalValues.indices.map { i in first.offDiagonalValues[i].indices.map { j in
            first.offDiagonalValues[i][j].isEmpty ? [] : add(parts.map { $0.products.offDiagonalValues[i][j] }) } }
        let fixed = first.fixed.indices.map { j in
            Matrix(rows: first.fixed[j].rows, columns: first.fixed[j].columns, columnMajor: add(parts.map { $0.products.fixed[j].elements })) }
        let fixedFixed = Matrix(rows: first.fixedFixed.rows, columns: first.fixedFixed.columns,
                                columnMajor: add(parts.map { $0.products.fixedFixed.elements }))
        return CrossProducts(k: first.k, levels: first.levels, diagonal: diagonal, offDiagonalValues: off, fixed: fixed,
                             fixedFixed: fixedFixed, layout: first.layout)
    }

    private init(k: [Int], levels: [Int], diagonal: [[Double]], offDiagonalValues: [[[Double]]], fixed: [Matrix],
                 fixedFixed: Matrix, layout: Layout) {
        self.k = k
        self.levels = levels
        self.diagonal = diagonal
        self.offDiagonalValues = offDiagonalValues
        self.fixed = fixed
        self.fixedFixed = fixedFixed
        self.layout = layout
    }

    /// The cross-products of the frame's data whitened by the residual correlation at `eta`:
    /// every column of Z, X and y multiplied by C^-1 (`ResidualCorrelation`).
    init(frame: ModelFrame, layout: Layout, correlation: ResidualCorrelation, eta: Double) throws {
        var xy = Self.responseAndPredictors(frame)
        let n = frame.observationCount
        let coefficients = correlation.kind == .cs ? nil : correlation.lagCoefficients(eta: eta)
        xy.elements.withUnsafeMutableBufferPointer { e in
            for c in 0..<xy.columns { correlation.whiten(e.baseAddress! + c * n, step: 1, eta: eta, coefficients: coefficients) }
        }
        let z = frame.randomTerms.map { term -> [Double] in
            var values = term.z
            values.withUnsafeMutableBufferPointer { v in
                for c in 0..<term.k { correlation.whiten(v.baseAddress! + c, step: term.k, eta: eta, coefficients: coefficients) }
            }
            return values
        }
        try self.init(terms: frame.randomTerms, z: z, xy: xy, layout: layout)
    }

    /// [X y], n x (p + 1).
    static func responseAndPredictors(_ frame: ModelFrame) -> Matrix {
        let n = frame.observationCount
        let p1 = frame.x.columns + 1
        var xy = Matrix(rows: n, columns: p1)
        xy.elements.replaceSubrange(0..<(n * (p1 - 1)), with: frame.x.elements)
        xy.elements.replaceSubrange((n * (p1 - 1))..<(n * p1), with: frame.y)
        return xy
    }

    /// The cross-products of rows whose random-effects values are `z` (per term, row-major, in
    /// the terms' levels) and whose [X y] is `xy`.
    private init(terms: [RandomEffectsTerm], z termZ: [[Double]], xy: Matrix, layout: Layout) throws {
        try self.init(terms: terms, codes: terms.map(\.groupCodes), blocks: layout.blockOf, z: termZ, xy: xy, layout: layout)
    }

    /// The cross-products of rows whose levels are `codes` (per term), blocks `blocks` (per pair of
    /// terms), random-effects values `z` and [X y] `xy`.
    private init(terms: [RandomEffectsTerm], codes: [[Int32]], blocks: [[[Int]]], z termZ: [[Double]], xy: Matrix,
                 layout: Layout) throws {
        let n = xy.rows
        let p1 = xy.columns
        k = terms.map(\.k)
        levels = terms.map(\.levelCount)
        self.layout = layout
        fixedFixed = try BLAS.gram(xy)

        var diagonal = [[Double]]()
        var fixed = [Matrix]()
        for (j, term) in terms.enumerated() {
            let kj = term.k
            var a = [Double](repeating: 0, count: term.levelCount * kj * kj)
            var ax = Matrix(rows: p1, columns: term.size)
            termZ[j].withUnsafeBufferPointer { zp in
                codes[j].withUnsafeBufferPointer { g in
                    let z = zp.baseAddress!
                    a.withUnsafeMutableBufferPointer { ap in
                        for s in 0..<kj {
                            for t in 0..<kj {
                                Self.addByRuns(n, slot: { Int(g[$0]) * kj * kj + t + s * kj },
                                               term: { z[$0 * kj + t] * z[$0 * kj + s] }, into: ap.baseAddress!)
                            }
                        }
                    }
                    // Level block (p1 x kj, column-major) of observation r's level: [X y]'z_r.
                    xy.elements.withUnsafeBufferPointer { xyp in
                        ax.elements.withUnsafeMutableBufferPointer { axp in
                            let x = xyp.baseAddress!
                            for s in 0..<kj {
                                for column in 0..<p1 {
                                    let xColumn = x + column * n
                                    Self.addByRuns(n, slot: { Int(g[$0]) * kj * p1 + s * p1 + column },
                                                   term: { xColumn[$0] * z[$0 * kj + s] }, into: axp.baseAddress!)
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
        var values = [[[Double]]](repeating: [[Double]](repeating: [], count: terms.count), count: terms.count)
        for i in terms.indices {
            for j in 0..<i {
                let pattern = layout.patterns[i][j]!
                let ki = terms[i].k, kj = terms[j].k
                var v = [Double](repeating: 0, count: pattern.blockCount * ki * kj)
                termZ[i].withUnsafeBufferPointer { zi in
                    termZ[j].withUnsafeBufferPointer { zj in
                        blocks[i][j].withUnsafeBufferPointer { block in
                            v.withUnsafeMutableBufferPointer { vp in
                                for s in 0..<kj {
                                    for t in 0..<ki {
                                        Self.addByRuns(n, slot: { block[$0] * ki * kj + t + s * ki },
                                                       term: { zi[$0 * ki + t] * zj[$0 * kj + s] }, into: vp.baseAddress!)
                                    }
                                }
                            }
                        }
                    }
                }
                values[i][j] = v
            }
        }
        offDiagonalValues = values
    }

    /// `out[slot(r)] += term(r)` for r in 0..<n, summing each run of rows with the same slot in
    /// a register before adding it to memory. Rows usually come grouped (sessions of a patient),
    /// and adding row by row into the same memory cell makes every addition wait for the
    /// previous store; summing runs first removes that wait.
    @inline(__always)
    private static func addByRuns(_ n: Int, slot: (Int) -> Int, term: (Int) -> Double, into out: UnsafeMutablePointer<Double>) {
        guard n > 0 else { return }
        var current = slot(0)
        var sum = 0.0
        for r in 0..<n {
            let next = slot(r)
            if next != current {
                out[current] += sum
                sum = 0
                current = next
            }
            sum += term(r)
        }
        out[current] += sum
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
