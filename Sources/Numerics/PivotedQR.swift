import CLapack
import Foundation

/// QR factorization with column pivoting, `A P = Q R` (LAPACK dgeqp3), used to find the numerical
/// rank of a design matrix and which of its columns are linearly dependent on earlier ones.
///
/// Column pivoting moves the column of largest remaining norm to the front at each step, so
/// `|R_11| >= |R_22| >= ...`. The rank is the number of diagonal elements with
/// `|R_kk| > tolerance * |R_11|`; the default tolerance `1e-7` is lme4's for dropping
/// rank-deficient fixed-effect columns (`lmerControl(check.rankX)` uses a pivoted QR with tol 1e-7).
public struct PivotedQR: Sendable {
    /// The factored matrix's rows and columns.
    public let rows: Int
    public let columns: Int
    /// dgeqp3's packed output: R on and above the diagonal, Householder vectors below it.
    let packed: Matrix
    /// The Householder scalars.
    let tau: [Double]
    /// `permutation[k]` is the (zero-based) original column that ended up in position k.
    public let permutation: [Int]

    public init(_ a: Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        try requireFinite(a, routine: "dgeqp3")
        rows = a.rows
        columns = a.columns
        var work = a
        var jpvt = [Int32](repeating: 0, count: a.columns) // 0: every column is free to move
        var tau = [Double](repeating: 0, count: min(a.rows, a.columns))
        var m = Int32(a.rows), n = Int32(a.columns), lda = Int32(max(1, a.rows)), info: Int32 = 0
        if m > 0 && n > 0 {
            // Workspace query, then the factorization.
            var query = 0.0
            var lwork: Int32 = -1
            work.elements.withUnsafeMutableBufferPointer { pa in
                dgeqp3_(&m, &n, pa.baseAddress, &lda, &jpvt, &tau, &query, &lwork, &info)
            }
            try checkLapackInfo(info, routine: "dgeqp3") { _ in .illegalArgument(routine: "dgeqp3", position: 0) }
            lwork = Int32(query)
            var buffer = [Double](repeating: 0, count: Int(lwork))
            work.elements.withUnsafeMutableBufferPointer { pa in
                dgeqp3_(&m, &n, pa.baseAddress, &lda, &jpvt, &tau, &buffer, &lwork, &info)
            }
            try checkLapackInfo(info, routine: "dgeqp3") { _ in .illegalArgument(routine: "dgeqp3", position: 0) }
        } else {
            for k in 0..<a.columns { jpvt[k] = Int32(k + 1) }
        }
        packed = work
        self.tau = tau
        permutation = jpvt.map { Int($0) - 1 }
    }

    /// The upper-triangular factor R (min(rows, columns) x columns).
    public var r: Matrix {
        let k = min(rows, columns)
        var out = Matrix(rows: k, columns: columns)
        for j in 0..<columns {
            for i in 0...min(j, k - 1) where k > 0 { out[i, j] = packed[i, j] }
        }
        return out
    }

    /// The first min(rows, columns) columns of the orthogonal factor Q (dorgqr).
    public func q() throws -> Matrix {
        let k = min(rows, columns)
        var qm = Matrix(rows: rows, columns: k)
        for j in 0..<k { for i in 0..<rows { qm[i, j] = packed[i, j] } }
        if k == 0 { return qm }
        var m = Int32(rows), n = Int32(k), kk = Int32(k), lda = Int32(max(1, rows)), info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        var t = tau
        qm.elements.withUnsafeMutableBufferPointer { pa in
            dorgqr_(&m, &n, &kk, pa.baseAddress, &lda, &t, &query, &lwork, &info)
        }
        try checkLapackInfo(info, routine: "dorgqr") { _ in .illegalArgument(routine: "dorgqr", position: 0) }
        lwork = Int32(query)
        var buffer = [Double](repeating: 0, count: Int(lwork))
        qm.elements.withUnsafeMutableBufferPointer { pa in
            dorgqr_(&m, &n, &kk, pa.baseAddress, &lda, &t, &buffer, &lwork, &info)
        }
        try checkLapackInfo(info, routine: "dorgqr") { _ in .illegalArgument(routine: "dorgqr", position: 0) }
        return qm
    }

    /// The numerical rank: the number of `|R_kk| > tolerance * |R_11|`.
    public func rank(tolerance: Double = 1e-7) -> Int {
        let k = min(rows, columns)
        guard k > 0 else { return 0 }
        let first = abs(packed[0, 0])
        if first == 0 { return 0 }
        var r = 0
        while r < k && abs(packed[r, r]) > tolerance * first { r += 1 }
        return r
    }

    /// The original columns that are (numerically) linear combinations of the kept ones, in
    /// increasing order: the columns pivoted beyond the rank.
    public func dependentColumns(tolerance: Double = 1e-7) -> [Int] {
        Array(permutation[rank(tolerance: tolerance)...]).sorted()
    }
}
