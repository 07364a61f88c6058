import Foundation
import Numerics

/// The blocked lower Cholesky factor L of the penalized normal equations at a given theta:
///
///     L L' = [ Lambda'Z'Z Lambda + I   Lambda'Z'[X y] ]
///            [ [X y]'Z Lambda          [X y]'[X y]    ]
///
/// with one block row and column per random-effects term (in lme4's order), and a last block
/// for [X y] (Bates et al. 2015, eq. 18; MixedModels.jl's `updateL!`). Block by block:
///
///     L_jj L_jj' = T_j' A_jj T_j + I - sum_{k<j} L_jk L_jk'
///     L_ij       = (T_i' A_ij T_j - sum_{k<j} L_ik L_jk') L_jj^-T          (i > j, i may be [X y])
///
/// (T_j acting on every level's block). Then, writing L_XX = [[R_X', 0], [c', r]]:
/// log|L_theta|^2 is twice the sum of the logs of the random-effects diagonal, log|R_X|^2 the
/// same over R_X', and r^2 is the penalized residual sum of squares at theta.
///
/// Structure is decided once, before any theta: the first term's diagonal block is block diagonal
/// (no fill-in); a later term's stays block diagonal when every earlier factor is nested in it
/// (patients within therapists), in which case the blocks between them stay sparse too. Otherwise
/// (crossed factors) the block fills in and is stored dense. So a therapist/patient/session model
/// costs O(patients) per evaluation, with no dense block at all.
final class BlockedCholeskyFactor {
    var a: CrossProducts
    let termCount: Int
    /// Columns of [X y].
    let p1: Int
    let k: [Int]
    let levels: [Int]
    var size: [Int] { zip(k, levels).map(*) }

    // The structure (see `Structure`), its parts unpacked for the loops below.
    let structure: Structure
    let diagonalIsBlocked: [Bool]
    let offPattern: [[BlockPattern?]]
    let aBlockInL: [[[Int]]]
    let sparseDowndates: [[[[(Int, Int, Int)]]]]
    let blocksByRow: [[(start: [Int], entries: [(column: Int32, block: Int32)])?]]

    // Storage, column-major, owned by this object.
    private var diagonal: [UnsafeMutableBufferPointer<Double>]
    private var offDiagonal: [[UnsafeMutableBufferPointer<Double>]]
    private var fixed: [UnsafeMutableBufferPointer<Double>]
    private var fixedFixed: UnsafeMutableBufferPointer<Double>

    /// The symbolic structure of L: which blocks are block diagonal, sparse or dense, and where
    /// each sparse update goes. It depends only on the grouping factors, so it is worked out once
    /// per model and shared by every workspace that factors the same model.
    struct Structure {
        /// Per term: whether L_jj is block diagonal (else dense).
        let diagonalIsBlocked: [Bool]
        /// For i > j: the pattern of sparse L_ij, or nil when L_ij is dense.
        let offPattern: [[BlockPattern?]]
        /// For sparse L_ij: where each block of A_ij sits in L_ij's pattern.
        let aBlockInL: [[[Int]]]
        /// For sparse L_ij and k < j: triples (block of L_ik, block of L_jk, block of L_ij).
        let sparseDowndates: [[[[(Int, Int, Int)]]]]
        /// For a dense L_jj and sparse scalar L_jk: L_jk's blocks grouped by their row level r, as
        /// (column level m, block), with `start[r]..<start[r + 1]` those of row r. The downdate
        /// L_jj -= L_jk L_jk' then runs target column by target column, so its writes stay in one
        /// column of the dense block instead of spreading over all of it.
        let blocksByRow: [[(start: [Int], entries: [(column: Int32, block: Int32)])?]]
    }

    /// A factor for `crossProducts`, working out its structure.
    convenience init(crossProducts a: CrossProducts) {
        self.init(crossProducts: a, structure: Self.structure(of: a))
    }

    /// Another workspace for the same model as `other`, sharing its structure (for factoring at
    /// several theta side by side).
    convenience init(sameStructureAs other: BlockedCholeskyFactor) {
        self.init(crossProducts: other.a, structure: other.structure)
    }

    /// A factor for other cross-products of the same design (another response), sharing `other`'s
    /// structure.
    convenience init(crossProducts a: CrossProducts, sameStructureAs other: BlockedCholeskyFactor) {
        self.init(crossProducts: a, structure: other.structure)
    }

    private static func structure(of a: CrossProducts) -> Structure {
        let levels = a.levels
        let m = a.k.count

        // Decide the structure of every block.
        var blocked = [Bool](repeating: true, count: m)
        var patterns = [[BlockPattern?]](repeating: [BlockPattern?](repeating: nil, count: m), count: m)
        var aInL = [[[Int]]](repeating: [[Int]](repeating: [], count: m), count: m)
        var downdates = [[[[(Int, Int, Int)]]]](repeating: [[[(Int, Int, Int)]]](repeating: [], count: m), count: m)
        for j in 0..<m {
            if j > 0 {
                blocked[j] = (0..<j).allSatisfy { kk in patterns[j][kk]?.isNested ?? false }
            }
            for i in (j + 1)..<max(j + 1, m) where blocked[j] {
                let aPattern = a.offDiagonalPattern[i][j]!
                // Every earlier factor's blocks must be sparse for L_ij to be.
                guard (0..<j).allSatisfy({ patterns[i][$0] != nil && patterns[j][$0] != nil }) else { continue }
                var keys = Set<Int64>()
                for c in 0..<aPattern.columnLevels {
                    for b in aPattern.columnStart[c]..<aPattern.columnStart[c + 1] {
                        keys.insert(Int64(c) * Int64(levels[i]) + Int64(aPattern.rows[b]))
                    }
                }
                for kk in 0..<j {
                    let pik = patterns[i][kk]!, pjk = patterns[j][kk]!
                    for mm in 0..<levels[kk] {
                        for bi in pik.columnStart[mm]..<pik.columnStart[mm + 1] {
                            for bj in pjk.columnStart[mm]..<pjk.columnStart[mm + 1] {
                                keys.insert(Int64(pjk.rows[bj]) * Int64(levels[i]) + Int64(pik.rows[bi]))
                            }
                        }
                    }
                }
                if Double(keys.count) > 0.3 * Double(levels[i]) * Double(levels[j]) { continue } // fills in: dense
                let pattern = BlockPattern(rowLevels: levels[i], columnLevels: levels[j], sortedUniqueKeys: keys.sorted())
                patterns[i][j] = pattern
                var map = [Int]()
                for c in 0..<aPattern.columnLevels {
                    for b in aPattern.columnStart[c]..<aPattern.columnStart[c + 1] {
                        map.append(pattern.index(row: aPattern.rows[b], column: c)!)
                    }
                }
                aInL[i][j] = map
                var lists = [[(Int, Int, Int)]]()
                for kk in 0..<j {
                    let pik = patterns[i][kk]!, pjk = patterns[j][kk]!
                    var list = [(Int, Int, Int)]()
                    for mm in 0..<levels[kk] {
                        for bi in pik.columnStart[mm]..<pik.columnStart[mm + 1] {
                            for bj in pjk.columnStart[mm]..<pjk.columnStart[mm + 1] {
                                list.append((bi, bj, pattern.index(row: pik.rows[bi], column: Int(pjk.rows[bj]))!))
                            }
                        }
                    }
                    lists.append(list)
                }
                downdates[i][j] = lists
            }
        }
        let byRow = (0..<m).map { j in
            (0..<m).map { kk -> (start: [Int], entries: [(column: Int32, block: Int32)])? in
                guard kk < j, !blocked[j], a.k[j] == 1, a.k[kk] == 1, let pattern = patterns[j][kk] else { return nil }
                var start = [Int](repeating: 0, count: a.levels[j] + 1)
                for b in 0..<pattern.blockCount { start[Int(pattern.rows[b]) + 1] += 1 }
                for r in 0..<a.levels[j] { start[r + 1] += start[r] }
                var fill = start
                var entries = [(column: Int32, block: Int32)](repeating: (0, 0), count: pattern.blockCount)
                for mm in 0..<a.levels[kk] {
                    for b in pattern.columnStart[mm]..<pattern.columnStart[mm + 1] {
                        let r = Int(pattern.rows[b])
                        entries[fill[r]] = (Int32(mm), Int32(b))
                        fill[r] += 1
                    }
                }
                return (start, entries)
            }
        }
        return Structure(diagonalIsBlocked: blocked, offPattern: patterns, aBlockInL: aInL,
                         sparseDowndates: downdates, blocksByRow: byRow)
    }

    private init(crossProducts a: CrossProducts, structure: Structure) {
        self.a = a
        self.structure = structure
        termCount = a.k.count
        k = a.k
        levels = a.levels
        p1 = a.fixedFixed.rows
        let m = termCount
        let blocked = structure.diagonalIsBlocked
        let patterns = structure.offPattern
        diagonalIsBlocked = blocked
        offPattern = patterns
        aBlockInL = structure.aBlockInL
        sparseDowndates = structure.sparseDowndates
        blocksByRow = structure.blocksByRow

        // Allocate.
        let allocate = Self.allocate
        let sizes = zip(a.k, a.levels).map(*)
        diagonal = (0..<m).map { j in allocate(blocked[j] ? a.levels[j] * a.k[j] * a.k[j] : sizes[j] * sizes[j]) }
        offDiagonal = (0..<m).map { i in
            (0..<m).map { j in
                guard j < i else { return allocate(0) }
                if let pattern = patterns[i][j] { return allocate(pattern.blockCount * a.k[i] * a.k[j]) }
                return allocate(sizes[i] * sizes[j])
            }
        }
        let columns = a.fixedFixed.rows
        fixed = (0..<m).map { j in allocate(columns * sizes[j]) }
        fixedFixed = allocate(columns * columns)
    }

    /// The order of the largest dense diagonal block (0 when every diagonal block is block
    /// diagonal). Only a large dense block gives BLAS enough work to profit from several threads.
    var largestDenseBlock: Int {
        (0..<termCount).filter { !diagonalIsBlocked[$0] }.map { size[$0] }.max() ?? 0
    }

    private static func allocate(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
        let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, count))
        buffer.initialize(repeating: 0)
        return buffer
    }

    deinit {
        diagonal.forEach { $0.deallocate() }
        offDiagonal.forEach { $0.forEach { $0.deallocate() } }
        fixed.forEach { $0.deallocate() }
        fixedFixed.deallocate()
    }

    /// The relative covariance factors T_j (k_j x k_j, lower, column-major) for theta.
    func relativeCovarianceFactors(_ theta: [Double]) -> [[Double]] {
        var offset = 0
        return k.map { kj in
            var t = [Double](repeating: 0, count: kj * kj)
            for c in 0..<kj {
                for r in c..<kj {
                    t[r + c * kj] = theta[offset]
                    offset += 1
                }
            }
            return t
        }
    }

    /// Refactors L for `theta`.
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` when a block is not positive definite
    ///   (in the last block: [X y] is singular given the random effects, e.g. a perfect fit).
    func update(theta: [Double]) throws {
        let t = relativeCovarianceFactors(theta)
        for j in 0..<termCount {
            try updateDiagonal(j, t)
            for i in (j + 1)..<max(j + 1, termCount) { updateOffDiagonal(i, j, t) }
            updateFixed(j, t)
        }
        try updateFixedFixed()
    }

    private func updateDiagonal(_ j: Int, _ t: [[Double]]) throws {
        let kj = k[j], q = size[j]
        let d = diagonal[j].baseAddress!
        t[j].withUnsafeBufferPointer { tj in
            a.diagonal[j].withUnsafeBufferPointer { ajj in
                if diagonalIsBlocked[j] {
                    for c in 0..<levels[j] {
                        let block = d + c * kj * kj
                        SmallBlocks.congruence(kj, t: tj.baseAddress!, a: ajj.baseAddress! + c * kj * kj, out: block)
                        for s in 0..<kj { block[s + s * kj] += 1 }
                    }
                } else {
                    // Only the lower triangle is ever read (dpotrf 'L', triangular solves).
                    for c in 0..<q { (d + c * q + c).update(repeating: 0, count: q - c) }
                    var scratch = [Double](repeating: 0, count: kj * kj)
                    for c in 0..<levels[j] {
                        scratch.withUnsafeMutableBufferPointer { s in
                            SmallBlocks.congruence(kj, t: tj.baseAddress!, a: ajj.baseAddress! + c * kj * kj, out: s.baseAddress!)
                        }
                        for s in 0..<kj {
                            for r in 0..<kj { d[(c * kj + r) + (c * kj + s) * q] = scratch[r + s * kj] }
                            d[(c * kj + s) * (q + 1)] += 1
                        }
                    }
                }
            }
        }
        // Downdate by the blocks to the left.
        for kk in 0..<j {
            let l = offDiagonal[j][kk].baseAddress!
            let kk_ = k[kk]
            if let pattern = offPattern[j][kk] {
                let blockSize = kj * kk_
                if diagonalIsBlocked[j] {
                    for b in 0..<pattern.blockCount {
                        let c = Int(pattern.rows[b])
                        SmallBlocks.subtractProduct(m: kj, n: kj, k: kk_, a: l + b * blockSize, b: l + b * blockSize,
                                                    c: d + c * kj * kj, ldc: kj)
                    }
                } else if let byRow = blocksByRow[j][kk] {
                    // Scalar blocks, by target column r2: d[r1, r2] -= l[b1] l[b2] for every block
                    // b2 in row r2 and every b1 at or below it in the same column m of L_jk.
                    pattern.rows.withUnsafeBufferPointer { rows in
                        pattern.columnStart.withUnsafeBufferPointer { columnStart in
                            for r2 in 0..<levels[j] {
                                let target = d + r2 * q
                                for e in byRow.start[r2]..<byRow.start[r2 + 1] {
                                    let (mm, b2) = byRow.entries[e]
                                    let v2 = l[Int(b2)]
                                    for b1 in Int(b2)..<columnStart[Int(mm) + 1] {
                                        target[Int(rows[b1])] -= l[b1] * v2
                                    }
                                }
                            }
                        }
                    }
                } else {
                    for mm in 0..<levels[kk] {
                        let lo = pattern.columnStart[mm], hi = pattern.columnStart[mm + 1]
                        for b1 in lo..<hi {
                            let r1 = Int(pattern.rows[b1])
                            for b2 in lo...b1 {
                                let r2 = Int(pattern.rows[b2])
                                SmallBlocks.subtractProduct(m: kj, n: kj, k: kk_, a: l + b1 * blockSize, b: l + b2 * blockSize,
                                                            c: d + r1 * kj + r2 * kj * q, ldc: q)
                            }
                        }
                    }
                }
            } else {
                DenseKernels.rankUpdateLower(n: q, k: size[kk], alpha: -1, a: l, lda: q, beta: 1, d, ldc: q)
            }
        }
        // Factor.
        if diagonalIsBlocked[j] {
            for c in 0..<levels[j] { try SmallBlocks.cholesky(kj, d + c * kj * kj) }
        } else {
            try DenseKernels.choleskyLower(q, d, ld: q)
        }
    }

    private func updateOffDiagonal(_ i: Int, _ j: Int, _ t: [[Double]]) {
        let ki = k[i], kj = k[j], qi = size[i], qj = size[j]
        let l = offDiagonal[i][j].baseAddress!
        let aPattern = a.offDiagonalPattern[i][j]!
        let blockSize = ki * kj
        // Scaled A_ij.
        offDiagonal[i][j].update(repeating: 0)
        var scratch = [Double](repeating: 0, count: blockSize)
        t[i].withUnsafeBufferPointer { ti in
            t[j].withUnsafeBufferPointer { tj in
                a.offDiagonalValues[i][j].withUnsafeBufferPointer { av in
                    var b = 0
                    for c in 0..<aPattern.columnLevels {
                        for ab in aPattern.columnStart[c]..<aPattern.columnStart[c + 1] {
                            if offPattern[i][j] != nil {
                                SmallBlocks.scale(ki, kj, ti: ti.baseAddress!, b: av.baseAddress! + b * blockSize,
                                                  tj: tj.baseAddress!, out: l + aBlockInL[i][j][b] * blockSize)
                            } else {
                                scratch.withUnsafeMutableBufferPointer { s in
                                    SmallBlocks.scale(ki, kj, ti: ti.baseAddress!, b: av.baseAddress! + b * blockSize,
                                                      tj: tj.baseAddress!, out: s.baseAddress!)
                                }
                                let r = Int(aPattern.rows[ab])
                                for s in 0..<kj { for u in 0..<ki { l[(r * ki + u) + (c * kj + s) * qi] = scratch[u + s * ki] } }
                            }
                            b += 1
                        }
                    }
                }
            }
        }
        // Downdate by earlier factors.
        for kk in 0..<j {
            let kk_ = k[kk]
            let lik = offDiagonal[i][kk].baseAddress!, ljk = offDiagonal[j][kk].baseAddress!
            if offPattern[i][j] != nil {
                for (bi, bj, bij) in sparseDowndates[i][j][kk] {
                    SmallBlocks.subtractProduct(m: ki, n: kj, k: kk_, a: lik + bi * ki * kk_, b: ljk + bj * kj * kk_,
                                                c: l + bij * blockSize, ldc: ki)
                }
                continue
            }
            switch (offPattern[i][kk], offPattern[j][kk]) {
            case (nil, nil):
                DenseKernels.multiply(m: qi, n: qj, k: size[kk], alpha: -1, a: lik, lda: qi, transposeA: false,
                                      b: ljk, ldb: qj, transposeB: true, beta: 1, l, ldc: qi)
            case (let pik?, nil):
                // One small product per block of L_ik; a BLAS call per block would cost more
                // in call overhead than in arithmetic when the blocks are 1 x 1 or 2 x 2.
                let small = ki <= 2 && kk_ <= 2
                for mm in 0..<levels[kk] {
                    for bi in pik.columnStart[mm]..<pik.columnStart[mm + 1] {
                        let r = Int(pik.rows[bi])
                        if small {
                            SmallBlocks.subtractProduct(m: ki, n: qj, k: kk_, a: lik + bi * ki * kk_, b: ljk + mm * kk_ * qj,
                                                        c: l + r * ki, ldc: qi)
                        } else {
                            DenseKernels.multiply(m: ki, n: qj, k: kk_, alpha: -1, a: lik + bi * ki * kk_, lda: ki, transposeA: false,
                                                  b: ljk + mm * kk_ * qj, ldb: qj, transposeB: true, beta: 1, l + r * ki, ldc: qi)
                        }
                    }
                }
            case (nil, let pjk?):
                // As above, one axpy-like update per block of L_jk (e.g. 73,421 of them for
                // InstEval's dept x d block, where one BLAS call each dominated the evaluation).
                let small = kj <= 2 && kk_ <= 2
                for mm in 0..<levels[kk] {
                    for bj in pjk.columnStart[mm]..<pjk.columnStart[mm + 1] {
                        let c = Int(pjk.rows[bj])
                        if small {
                            SmallBlocks.subtractProduct(m: qi, n: kj, k: kk_, a: lik + mm * kk_ * qi, b: ljk + bj * kj * kk_,
                                                        c: l + c * kj * qi, ldc: qi)
                        } else {
                            DenseKernels.multiply(m: qi, n: kj, k: kk_, alpha: -1, a: lik + mm * kk_ * qi, lda: qi, transposeA: false,
                                                  b: ljk + bj * kj * kk_, ldb: kj, transposeB: true, beta: 1, l + c * kj * qi, ldc: qi)
                        }
                    }
                }
            case (let pik?, let pjk?):
                for mm in 0..<levels[kk] {
                    for bi in pik.columnStart[mm]..<pik.columnStart[mm + 1] {
                        let r = Int(pik.rows[bi])
                        for bj in pjk.columnStart[mm]..<pjk.columnStart[mm + 1] {
                            let c = Int(pjk.rows[bj])
                            SmallBlocks.subtractProduct(m: ki, n: kj, k: kk_, a: lik + bi * ki * kk_, b: ljk + bj * kj * kk_,
                                                        c: l + r * ki + c * kj * qi, ldc: qi)
                        }
                    }
                }
            }
        }
        // Times L_jj^-T.
        let d = diagonal[j].baseAddress!
        if let pattern = offPattern[i][j] {
            for c in 0..<levels[j] {
                for b in pattern.columnStart[c]..<pattern.columnStart[c + 1] {
                    SmallBlocks.solveRightTransposed(m: ki, k: kj, l: d + c * kj * kj, b: l + b * blockSize, ldb: ki)
                }
            }
        } else if diagonalIsBlocked[j] {
            for c in 0..<levels[j] {
                SmallBlocks.solveRightTransposed(m: qi, k: kj, l: d + c * kj * kj, b: l + c * kj * qi, ldb: qi)
            }
        } else {
            DenseKernels.solveRightLowerTransposed(m: qi, n: qj, l: d, ldl: qj, l, ldb: qi)
        }
    }

    private func updateFixed(_ j: Int, _ t: [[Double]]) {
        let kj = k[j], qj = size[j]
        let l = fixed[j].baseAddress!
        let d = diagonal[j].baseAddress!
        // With nothing to the left (the leading, largest term) and a block-diagonal L_jj, each
        // level is scaled and solved in one pass over memory.
        let fused = j == 0 && diagonalIsBlocked[j]
        // A_Xj times T_j, level by level.
        t[j].withUnsafeBufferPointer { tj in
            a.fixed[j].elements.withUnsafeBufferPointer { ax in
                for c in 0..<levels[j] {
                    let out = l + c * kj * p1
                    let source = ax.baseAddress! + c * kj * p1
                    if kj == 1 {
                        let t0 = tj[0]
                        for r in 0..<p1 { out[r] = source[r] * t0 }
                    } else if kj == 2 {
                        // [a0 a1] T with T = [[t0, 0], [t1, t3]]: (a0 t0 + a1 t1, a1 t3).
                        let t0 = tj[0], t1 = tj[1], t3 = tj[3]
                        for r in 0..<p1 {
                            let a0 = source[r], a1 = source[r + p1]
                            out[r] = a0 * t0 + a1 * t1
                            out[r + p1] = a1 * t3
                        }
                    } else {
                        for s in 0..<kj {
                            for r in 0..<p1 {
                                var sum = 0.0
                                for u in s..<kj { sum += source[r + u * p1] * tj[u + s * kj] }
                                out[r + s * p1] = sum
                            }
                        }
                    }
                    if fused { SmallBlocks.solveRightTransposed(m: p1, k: kj, l: d + c * kj * kj, b: out, ldb: p1) }
                }
            }
        }
        if fused { return }
        // Downdate by earlier terms, streaming through their columns in order (the earlier
        // term is the larger one; reading it sequentially keeps the cache warm).
        for kk in 0..<j {
            let kk_ = k[kk]
            let lxk = fixed[kk].baseAddress!, ljk = offDiagonal[j][kk].baseAddress!
            if let pattern = offPattern[j][kk] {
                for mm in 0..<levels[kk] {
                    for b in pattern.columnStart[mm]..<pattern.columnStart[mm + 1] {
                        let c = Int(pattern.rows[b])
                        SmallBlocks.subtractProduct(m: p1, n: kj, k: kk_, a: lxk + mm * kk_ * p1, b: ljk + b * kj * kk_,
                                                    c: l + c * kj * p1, ldc: p1)
                    }
                }
            } else {
                DenseKernels.multiply(m: p1, n: qj, k: size[kk], alpha: -1, a: lxk, lda: p1, transposeA: false,
                                      b: ljk, ldb: qj, transposeB: true, beta: 1, l, ldc: p1)
            }
        }
        if diagonalIsBlocked[j] {
            for c in 0..<levels[j] {
                SmallBlocks.solveRightTransposed(m: p1, k: kj, l: d + c * kj * kj, b: l + c * kj * p1, ldb: p1)
            }
        } else {
            DenseKernels.solveRightLowerTransposed(m: p1, n: qj, l: d, ldl: qj, l, ldb: p1)
        }
    }

    private func updateFixedFixed() throws {
        let l = fixedFixed.baseAddress!
        a.fixedFixed.elements.withUnsafeBufferPointer { axx in
            for e in 0..<(p1 * p1) { l[e] = axx[e] }
        }
        for j in 0..<termCount {
            DenseKernels.rankUpdateLower(n: p1, k: size[j], alpha: -1, a: fixed[j].baseAddress!, lda: p1,
                                         beta: 1, l, ldc: p1)
        }
        do {
            try DenseKernels.choleskyLower(p1, l, ld: p1)
        } catch LinearAlgebraError.notPositiveDefinite(let column) where column == p1 {
            // Only the y row failed: the residual sum of squares is zero (an exact fit).
            throw MixedModelError.exactFit
        } catch LinearAlgebraError.notPositiveDefinite {
            throw MixedModelError.fixedEffectsNotIdentifiable
        }
    }

    // MARK: Quantities at the current theta

    /// log |L_theta|^2: twice the sum of logs of the random-effects diagonal. The diagonal is
    /// multiplied in runs and the log taken only when the running product leaves [1e-100, 1e100],
    /// so a factor with 200,000 levels costs a few logs instead of 200,000.
    var logDeterminantRandom: Double {
        var sum = 0.0
        var product = 1.0
        @inline(__always) func take(_ x: Double) {
            product *= x
            if product > 1e100 || product < 1e-100 { sum += log(product); product = 1 }
        }
        for j in 0..<termCount {
            let d = diagonal[j].baseAddress!
            if diagonalIsBlocked[j] {
                let kj = k[j]
                for c in 0..<levels[j] { for s in 0..<kj { take(d[c * kj * kj + s * (kj + 1)]) } }
            } else {
                let q = size[j]
                for s in 0..<q { take(d[s * (q + 1)]) }
            }
        }
        return 2 * (sum + log(product))
    }

    /// log |R_X|^2.
    var logDeterminantFixed: Double {
        var sum = 0.0
        for s in 0..<(p1 - 1) { sum += log(fixedFixed[s * (p1 + 1)]) }
        return 2 * sum
    }

    /// The penalized residual sum of squares r^2(theta).
    var penalizedResidualSumOfSquares: Double {
        let r = fixedFixed[(p1 - 1) * (p1 + 1)]
        return r * r
    }

    /// R_X' (p x p, lower triangular), column-major.
    var fixedFactor: Matrix {
        let p = p1 - 1
        var m = Matrix(rows: p, columns: p)
        for c in 0..<p { for r in c..<p { m[r, c] = fixedFixed[r + c * p1] } }
        return m
    }

    /// The fixed-effects estimates: R_X beta = c, with c' the first p entries of the last row.
    var fixedEffects: [Double] {
        let p = p1 - 1
        var beta = (0..<p).map { fixedFixed[(p1 - 1) + $0 * p1] }
        beta.withUnsafeMutableBufferPointer { b in
            DenseKernels.solveLowerTransposed(n: p, l: UnsafePointer(fixedFixed.baseAddress!), ldl: p1, b.baseAddress!)
        }
        return beta
    }

    /// The spherical conditional modes u (per term, level-major), by back substitution through L':
    /// L_jj' u_j = l_yj - L_Xj' beta - sum_{i > j} L_ij' u_i, from the last term to the first.
    func sphericalModes(beta: [Double]) -> [[Double]] {
        var u = [[Double]](repeating: [], count: termCount)
        let p = p1 - 1
        for j in stride(from: termCount - 1, through: 0, by: -1) {
            let kj = k[j], qj = size[j]
            let lx = fixed[j].baseAddress!
            var rhs = [Double](repeating: 0, count: qj)
            for col in 0..<qj {
                var v = lx[p + col * p1]
                for r in 0..<p { v -= lx[r + col * p1] * beta[r] }
                rhs[col] = v
            }
            for i in (j + 1)..<max(j + 1, termCount) {
                let ki = k[i], qi = size[i]
                let l = offDiagonal[i][j].baseAddress!
                if let pattern = offPattern[i][j] {
                    for c in 0..<levels[j] {
                        for b in pattern.columnStart[c]..<pattern.columnStart[c + 1] {
                            let r = Int(pattern.rows[b])
                            for s in 0..<kj {
                                var sum = 0.0
                                for w in 0..<ki { sum += l[b * ki * kj + w + s * ki] * u[i][r * ki + w] }
                                rhs[c * kj + s] -= sum
                            }
                        }
                    }
                } else {
                    for col in 0..<qj {
                        var sum = 0.0
                        for r in 0..<qi { sum += l[r + col * qi] * u[i][r] }
                        rhs[col] -= sum
                    }
                }
            }
            let d = diagonal[j].baseAddress!
            rhs.withUnsafeMutableBufferPointer { x in
                if diagonalIsBlocked[j] {
                    for c in 0..<levels[j] { SmallBlocks.solveTransposed(kj, l: d + c * kj * kj, x: x.baseAddress! + c * kj) }
                } else {
                    DenseKernels.solveLowerTransposed(n: qj, l: d, ldl: qj, x.baseAddress!)
                }
            }
            u[j] = rhs
        }
        return u
    }
}
