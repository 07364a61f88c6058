import Numerics

/// Arithmetic on the tiny dense blocks of a blocked Cholesky factor: k x k with k the number of
/// random effects per level of a term (1 for an intercept, 2 for intercept and slope). Calling
/// BLAS for a 1 x 1 or 2 x 2 block costs more than the arithmetic, so these loops are written out,
/// as MixedModels.jl does for its smallest blocks; column-major, leading dimension = rows.
enum SmallBlocks {
    /// `out <- T' A T` for a symmetric k x k A and lower-triangular T (both column-major).
    @inline(__always)
    static func congruence(_ k: Int, t: UnsafePointer<Double>, a: UnsafePointer<Double>,
                           out: UnsafeMutablePointer<Double>) {
        if k == 1 { out[0] = t[0] * a[0] * t[0]; return }
        if k == 2 {
            // T = [[t0, 0], [t1, t3]], A symmetric [[a0, a1], [a1, a3]].
            let t0 = t[0], t1 = t[1], t3 = t[3], a0 = a[0], a1 = a[1], a3 = a[3]
            let w0 = a0 * t0 + a1 * t1, w1 = a1 * t0 + a3 * t1   // A T, first column
            let v1 = a3 * t3                                      // A T, second column, second row (first row a1 t3)
            out[0] = t0 * w0 + t1 * w1
            out[1] = t3 * w1
            out[2] = out[1]
            out[3] = t3 * v1
            _ = v1
            return
        }
        for j in 0..<k {
            for i in 0..<k {
                // (T'AT)_ij = sum_r sum_s T_ri A_rs T_sj, with T_ri = 0 for r < i.
                var sum = 0.0
                for r in i..<k {
                    var inner = 0.0
                    for s in j..<k { inner += a[r + s * k] * t[s + j * k] }
                    sum += t[r + i * k] * inner
                }
                out[i + j * k] = sum
            }
        }
    }

    /// `out <- Ti' B Tj` for a ki x kj block B and lower-triangular Ti (ki x ki), Tj (kj x kj).
    @inline(__always)
    static func scale(_ ki: Int, _ kj: Int, ti: UnsafePointer<Double>, b: UnsafePointer<Double>,
                      tj: UnsafePointer<Double>, out: UnsafeMutablePointer<Double>) {
        if ki == 1 && kj == 1 { out[0] = ti[0] * b[0] * tj[0]; return }
        if ki == 1 && kj == 2 {
            // t [b0 b1] Tj with Tj = [[t0, 0], [t1, t3]].
            let s = ti[0]
            out[0] = s * (b[0] * tj[0] + b[1] * tj[1])
            out[1] = s * b[1] * tj[3]
            return
        }
        for j in 0..<kj {
            for i in 0..<ki {
                var sum = 0.0
                for r in i..<ki {
                    var inner = 0.0
                    for s in j..<kj { inner += b[r + s * ki] * tj[s + j * kj] }
                    sum += ti[r + i * ki] * inner
                }
                out[i + j * ki] = sum
            }
        }
    }

    /// `c <- c - A B'` for A (m x k), B (n x k), C (m x n); all with leading dimension = rows
    /// except C, whose leading dimension is `ldc`.
    @inline(__always)
    static func subtractProduct(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                c: UnsafeMutablePointer<Double>, ldc: Int) {
        if m == 1 && n == 1 && k == 1 { c[0] -= a[0] * b[0]; return }
        if m == 1 && n == 1 {
            var sum = 0.0
            for r in 0..<k { sum += a[r] * b[r] }
            c[0] -= sum
            return
        }
        if n == 1 && k == 1 {
            let b0 = b[0]
            for i in 0..<m { c[i] -= a[i] * b0 }
            return
        }
        if n == 1 && k == 2 {
            let b0 = b[0], b1 = b[1]
            for i in 0..<m { c[i] -= a[i] * b0 + a[i + m] * b1 }
            return
        }
        for j in 0..<n {
            for i in 0..<m {
                var sum = 0.0
                for r in 0..<k { sum += a[i + r * m] * b[j + r * n] }
                c[i + j * ldc] -= sum
            }
        }
    }

    /// In-place Cholesky of a k x k block (lower triangle); k = 1 and 2 by formula.
    @inline(__always)
    static func cholesky(_ k: Int, _ a: UnsafeMutablePointer<Double>) throws {
        switch k {
        case 1:
            guard a[0] > 0 else { throw LinearAlgebraError.notPositiveDefinite(column: 1) }
            a[0] = a[0].squareRoot()
        case 2:
            guard a[0] > 0 else { throw LinearAlgebraError.notPositiveDefinite(column: 1) }
            let l11 = a[0].squareRoot()
            let l21 = a[1] / l11
            let d = a[3] - l21 * l21
            guard d > 0 else { throw LinearAlgebraError.notPositiveDefinite(column: 2) }
            a[0] = l11; a[1] = l21; a[2] = 0; a[3] = d.squareRoot()
        default:
            try DenseKernels.choleskyLower(k, a, ld: k)
            for j in 1..<k { for i in 0..<j { a[i + j * k] = 0 } }
        }
    }

    /// `B <- B L^-T` for an m x k block B (leading dimension `ldb`) and lower-triangular k x k L:
    /// forward substitution along B's columns.
    @inline(__always)
    static func solveRightTransposed(m: Int, k: Int, l: UnsafePointer<Double>,
                                     b: UnsafeMutablePointer<Double>, ldb: Int) {
        if k == 1 {
            let inv = 1 / l[0]
            for i in 0..<m { b[i] *= inv }
            return
        }
        if k == 2 {
            let inv0 = 1 / l[0], l1 = l[1], inv3 = 1 / l[3]
            for i in 0..<m {
                let x0 = b[i] * inv0
                b[i] = x0
                b[i + ldb] = (b[i + ldb] - x0 * l1) * inv3
            }
            return
        }
        // Column j of X = B L^-T satisfies sum_{s<=j} X[:, s] L[j, s] = B[:, j].
        for j in 0..<k {
            for s in 0..<j {
                let ljs = l[j + s * k]
                if ljs != 0 { for i in 0..<m { b[i + j * ldb] -= b[i + s * ldb] * ljs } }
            }
            let inv = 1 / l[j + j * k]
            for i in 0..<m { b[i + j * ldb] *= inv }
        }
    }

    /// `x <- L^-T x` for lower-triangular k x k L and a k-vector x (back substitution).
    @inline(__always)
    static func solveTransposed(_ k: Int, l: UnsafePointer<Double>, x: UnsafeMutablePointer<Double>) {
        if k == 1 { x[0] /= l[0]; return }
        for i in stride(from: k - 1, through: 0, by: -1) {
            var sum = x[i]
            for r in (i + 1)..<k { sum -= l[r + i * k] * x[r] }
            x[i] = sum / l[i + i * k]
        }
    }
}
