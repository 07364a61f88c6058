import CLapack
import Foundation

/// The LU factorization `P A = L U` with partial pivoting (LAPACK dgetrf) of a square matrix, for
/// solving general linear systems (dgetrs) and for `log|det A|`.
public struct LUFactorization: Sendable {
    /// L (unit lower, below the diagonal) and U (on and above) packed as dgetrf leaves them.
    let packed: Matrix
    /// One-based pivot indices: row i was interchanged with row `pivots[i]`.
    let pivots: [Int32]

    /// - Throws: `.singular(column:)` when U has an exactly zero pivot.
    public init(_ a: Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        guard a.isSquare else {
            throw LinearAlgebraError.dimensionMismatch("LU of a \(a.rows)x\(a.columns) matrix")
        }
        try requireFinite(a, routine: "dgetrf")
        var lu = a
        var ipiv = [Int32](repeating: 0, count: a.rows)
        var m = Int32(a.rows), n = Int32(a.rows), lda = Int32(max(1, a.rows)), info: Int32 = 0
        if n > 0 {
            lu.elements.withUnsafeMutableBufferPointer { p in
                dgetrf_(&m, &n, p.baseAddress, &lda, &ipiv, &info)
            }
        }
        try checkLapackInfo(info, routine: "dgetrf") { .singular(column: $0) }
        packed = lu
        pivots = ipiv
    }

    public var order: Int { packed.rows }

    /// Solves `A X = B` (or `A' X = B`).
    public func solve(_ b: Matrix, _ trans: Transpose = .none) throws -> Matrix {
        guard b.rows == order else {
            throw LinearAlgebraError.dimensionMismatch("LU solve: A is \(order)x\(order), B has \(b.rows) rows")
        }
        try requireFinite(b, routine: "dgetrs")
        var x = b
        var t = lapackChar(trans == .none ? "N" : "T")
        var n = Int32(order), nrhs = Int32(b.columns), lda = Int32(max(1, order)), ldb = Int32(max(1, order))
        var info: Int32 = 0
        var ipiv = pivots
        if n > 0 && nrhs > 0 {
            packed.elements.withUnsafeBufferPointer { pa in
                x.elements.withUnsafeMutableBufferPointer { pb in
                    dgetrs_(&t, &n, &nrhs, pa.baseAddress, &lda, &ipiv, pb.baseAddress, &ldb, &info, 1)
                }
            }
        }
        try checkLapackInfo(info, routine: "dgetrs") { _ in .illegalArgument(routine: "dgetrs", position: 0) }
        return x
    }

    /// Solves `A x = b`.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(column: b)).elements
    }

    /// `log|det A|` and the sign of `det A`: `det A = sign * exp(logAbsDeterminant)`.
    public var logAbsDeterminant: (value: Double, sign: Double) {
        var logAbs = 0.0
        var sign = 1.0
        for i in 0..<order {
            let u = packed[i, i]
            logAbs += log(abs(u))
            if u < 0 { sign = -sign }
            if pivots[i] != Int32(i + 1) { sign = -sign }
        }
        return (logAbs, sign)
    }
}
