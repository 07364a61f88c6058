import CLapack

/// BLAS and LAPACK on caller-owned storage, for inner loops that run thousands of times and must
/// not allocate (the blocked Cholesky factor of a mixed model is refactored at every evaluation of
/// the objective). Matrices are column-major at `pointer` with leading dimension `ld`.
///
/// These are the same routines as the `Matrix` wrappers, minus the copying and shape checks; the
/// caller guarantees the shapes. Failures of the factorization are still typed errors.
public enum DenseKernels {
    /// In-place Cholesky of the lower triangle of the n x n matrix at `a` (dpotrf 'L').
    /// - Throws: `.notPositiveDefinite(column:)`.
    public static func choleskyLower(_ n: Int, _ a: UnsafeMutablePointer<Double>, ld: Int) throws {
        BLASThreading.applyDefaultPolicy()
        if n == 0 { return }
        var uplo = lapackChar("L")
        var nn = Int32(n), lda = Int32(ld), info: Int32 = 0
        dpotrf_(&uplo, &nn, a, &lda, &info, 1)
        try checkLapackInfo(info, routine: "dpotrf") { .notPositiveDefinite(column: $0) }
    }

    /// `B <- B L^-T` for lower-triangular n x n L and m x n B (dtrsm right, lower, transposed).
    public static func solveRightLowerTransposed(m: Int, n: Int, l: UnsafePointer<Double>, ldl: Int,
                                                 _ b: UnsafeMutablePointer<Double>, ldb: Int) {
        BLASThreading.applyDefaultPolicy()
        if m == 0 || n == 0 { return }
        cblas_dtrsm(CblasColMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit,
                    Int32(m), Int32(n), 1, l, Int32(ldl), b, Int32(ldb))
    }

    /// `x <- L^-T x` for lower-triangular n x n L (dtrsv, transposed): back substitution with L'.
    public static func solveLowerTransposed(n: Int, l: UnsafePointer<Double>, ldl: Int,
                                            _ x: UnsafeMutablePointer<Double>) {
        BLASThreading.applyDefaultPolicy()
        if n == 0 { return }
        cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(n), l, Int32(ldl), x, 1)
    }

    /// `C <- alpha A A' + beta C` on the lower triangle, A n x k (dsyrk).
    public static func rankUpdateLower(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                                       beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLASThreading.applyDefaultPolicy()
        if n == 0 || k == 0 { return }
        cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, Int32(n), Int32(k), alpha, a, Int32(lda),
                    beta, c, Int32(ldc))
    }

    /// `C <- alpha op(A) op(B) + beta C`, C m x n (dgemm).
    public static func multiply(m: Int, n: Int, k: Int, alpha: Double,
                                a: UnsafePointer<Double>, lda: Int, transposeA: Bool,
                                b: UnsafePointer<Double>, ldb: Int, transposeB: Bool,
                                beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLASThreading.applyDefaultPolicy()
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta != 1 { for j in 0..<n { for i in 0..<m { c[i + j * ldc] *= beta } } }
            return
        }
        cblas_dgemm(CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
