import CLapack

/// Draws from a multivariate normal distribution given in canonical form, by its precision matrix
/// P and linear term b: x ~ N(P^-1 b, P^-1).
///
/// This is the form every Gibbs step of a linear-Gaussian model produces: a log density quadratic
/// in x, -x'Px/2 + b'x + const. With the Cholesky factor P = L L' (LAPACK dpotrf),
///
///     w = L^-1 b,   z ~ N(0, I),   x = L^-T (w + z),
///
/// so that E x = L^-T L^-1 b = P^-1 b and Var x = L^-T L^-1 = P^-1 (two triangular solves, BLAS
/// dtrsv). Nothing is allocated: the routines work in the caller's storage, so a sampler can call
/// them for every patient of every iteration.
///
/// Orders up to `unrolledOrder` are factored by the same column-by-column Cholesky algorithm
/// written out in Swift: on matrices of order 1 to 4 the calls into OpenBLAS cost more than the
/// arithmetic (measured 2026-12-01 on the 2-core VM, a whole draw of order 2 with its two normal
/// variates: 0.17 us in Swift, 0.27 us through dpotrf and dtrsv), and a sampler makes one such
/// draw per patient per iteration. Larger orders go to LAPACK.
public enum CanonicalNormal {
    /// The largest order factored in Swift; larger orders call LAPACK.
    public static let unrolledOrder = 4

    /// Replaces `precision` (n x n, column-major, lower triangle read) by its Cholesky factor L
    /// (lower triangle; the upper triangle is left as it was) and `linear` (b) by a draw of
    /// N(P^-1 b, P^-1), using n standard normal draws from `stream`.
    /// - Throws: `LinearAlgebraError.notPositiveDefinite` (P is not positive definite) or
    ///   `.nonFiniteInput`; `linear` is then unspecified.
    public static func draw(precision: UnsafeMutablePointer<Double>, linear: UnsafeMutablePointer<Double>,
                            order n: Int, stream: RandomStream) throws {
        try factor(precision, order: n)
        forwardSolve(precision, linear, order: n)
        for i in 0..<n { linear[i] += stream.normal() }
        backSolve(precision, linear, order: n)
    }

    /// Replaces `precision` by its Cholesky factor and `linear` by the mean P^-1 b (no draw).
    public static func mean(precision: UnsafeMutablePointer<Double>, linear: UnsafeMutablePointer<Double>,
                            order n: Int) throws {
        try factor(precision, order: n)
        forwardSolve(precision, linear, order: n)
        backSolve(precision, linear, order: n)
    }

    /// The Cholesky factor in place (lower triangle).
    static func factor(_ a: UnsafeMutablePointer<Double>, order n: Int) throws {
        for j in 0..<n { for i in j..<n where !a[i + j * n].isFinite { throw LinearAlgebraError.nonFiniteInput(routine: "dpotrf") } }
        if n <= unrolledOrder {
            for j in 0..<n {
                var d = a[j + j * n]
                for k in 0..<j { d -= a[j + k * n] * a[j + k * n] }
                guard d > 0 else { throw LinearAlgebraError.notPositiveDefinite(column: j + 1) }
                let l = d.squareRoot()
                a[j + j * n] = l
                for i in (j + 1)..<max(j + 1, n) {
                    var s = a[i + j * n]
                    for k in 0..<j { s -= a[i + k * n] * a[j + k * n] }
                    a[i + j * n] = s / l
                }
            }
            return
        }
        BLASThreading.applyDefaultPolicy()
        var uplo = lapackChar("L")
        var order = Int32(n), lda = Int32(n), info: Int32 = 0
        dpotrf_(&uplo, &order, a, &lda, &info, 1)
        try checkLapackInfo(info, routine: "dpotrf") { .notPositiveDefinite(column: $0) }
    }

    /// x <- L^-1 x.
    static func forwardSolve(_ l: UnsafeMutablePointer<Double>, _ x: UnsafeMutablePointer<Double>, order n: Int) {
        if n <= unrolledOrder {
            for i in 0..<n {
                var s = x[i]
                for k in 0..<i { s -= l[i + k * n] * x[k] }
                x[i] = s / l[i + i * n]
            }
            return
        }
        cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), l, Int32(n), x, 1)
    }

    /// x <- L^-T x.
    static func backSolve(_ l: UnsafeMutablePointer<Double>, _ x: UnsafeMutablePointer<Double>, order n: Int) {
        if n <= unrolledOrder {
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i]
                for k in (i + 1)..<max(i + 1, n) { s -= l[k + i * n] * x[k] }
                x[i] = s / l[i + i * n]
            }
            return
        }
        cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(n), l, Int32(n), x, 1)
    }
}
