import CLapack

extension DenseKernels {
    /// `A^-1` in place from the Cholesky factor L of A in the lower triangle of the n x n matrix at
    /// `a` (dpotri 'L'); only the lower triangle of the inverse is written.
    /// - Throws: `.singular(column:)` when L has a zero on its diagonal.
    public static func inverseFromCholeskyLower(_ n: Int, _ a: UnsafeMutablePointer<Double>, ld: Int) throws {
        BLASThreading.applyDefaultPolicy()
        if n == 0 { return }
        var uplo = lapackChar("L")
        var nn = Int32(n), lda = Int32(ld), info: Int32 = 0
        dpotri_(&uplo, &nn, a, &lda, &info, 1)
        try checkLapackInfo(info, routine: "dpotri") { .singular(column: $0) }
    }

    /// `C <- alpha A B + beta C` for symmetric m x m A stored in its lower triangle, B and C m x n
    /// (dsymm, left side).
    public static func symmetricMultiply(m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
                                         b: UnsafePointer<Double>, ldb: Int, beta: Double,
                                         _ c: UnsafeMutablePointer<Double>, ldc: Int) {
        BLASThreading.applyDefaultPolicy()
        if m == 0 || n == 0 { return }
        cblas_dsymm(CblasColMajor, CblasLeft, CblasLower, Int32(m), Int32(n), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
}
