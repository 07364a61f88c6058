import Foundation
import CLapack

/// The Cholesky factorization `A = L L'` of a symmetric positive definite matrix (LAPACK dpotrf),
/// with L lower triangular and positive on its diagonal.
///
/// Uses: solving `A x = b` by two triangular solves (dpotrs), the inverse `A^-1 = L^-T L^-1`
/// (dpotri), and `log|A| = 2 * sum(log L_ii)`, which never overflows the way `|A|` itself can.
public struct Cholesky: Sendable {
    /// The lower-triangular factor L (zeros above the diagonal).
    public let factor: Matrix

    /// Factors `a`, reading only its lower triangle.
    /// - Throws: `.notPositiveDefinite(column:)` naming the first leading minor that is not positive
    ///   definite; `.nonFiniteInput` if `a` holds NaN or infinity; `.dimensionMismatch` if not square.
    public init(_ a: Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        guard a.isSquare else {
            throw LinearAlgebraError.dimensionMismatch("Cholesky of a \(a.rows)x\(a.columns) matrix")
        }
        try requireFinite(a, routine: "dpotrf")
        var l = a
        var uplo = lapackChar("L")
        var n = Int32(a.rows), lda = Int32(max(1, a.rows)), info: Int32 = 0
        if n > 0 {
            let order = a.rows
            l.elements.withUnsafeMutableBufferPointer { p in
                dpotrf_(&uplo, &n, p.baseAddress, &lda, &info, 1)
                // dpotrf leaves the upper triangle as it was; clear it so the factor is L alone.
                for j in 1..<max(1, order) { for i in 0..<j { p[i + j * order] = 0 } }
            }
        }
        try checkLapackInfo(info, routine: "dpotrf") { .notPositiveDefinite(column: $0) }
        self.factor = l
    }

    /// The order of the factored matrix.
    public var order: Int { factor.rows }

    /// `log|A| = 2 * sum(log L_ii)`.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<factor.rows { s += log(factor.elements[i + i * factor.rows]) }
        return 2 * s
    }

    /// Solves `A X = B` (dpotrs).
    public func solve(_ b: Matrix) throws -> Matrix {
        guard b.rows == order else {
            throw LinearAlgebraError.dimensionMismatch("Cholesky solve: A is \(order)x\(order), B has \(b.rows) rows")
        }
        try requireFinite(b, routine: "dpotrs")
        var x = b
        var uplo = lapackChar("L")
        var n = Int32(order), nrhs = Int32(b.columns), lda = Int32(max(1, order)), ldb = Int32(max(1, order))
        var info: Int32 = 0
        if n > 0 && nrhs > 0 {
            factor.elements.withUnsafeBufferPointer { pa in
                x.elements.withUnsafeMutableBufferPointer { pb in
                    dpotrs_(&uplo, &n, &nrhs, pa.baseAddress, &lda, pb.baseAddress, &ldb, &info, 1)
                }
            }
        }
        try checkLapackInfo(info, routine: "dpotrs") { _ in .illegalArgument(routine: "dpotrs", position: 0) }
        return x
    }

    /// Solves `A x = b` for one right-hand side.
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(column: b)).elements
    }

    /// `A^-1`, both triangles filled (dpotri).
    public func inverse() throws -> Matrix {
        var a = factor
        var uplo = lapackChar("L")
        var n = Int32(order), lda = Int32(max(1, order)), info: Int32 = 0
        if n > 0 {
            a.elements.withUnsafeMutableBufferPointer { p in
                dpotri_(&uplo, &n, p.baseAddress, &lda, &info, 1)
            }
        }
        try checkLapackInfo(info, routine: "dpotri") { .singular(column: $0) }
        a.symmetrize(from: .lower)
        return a
    }
}
