import CLapack

/// Whether an operand enters a product as itself or as its transpose.
public enum Transpose: Sendable {
    case none, transpose

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Which side of the unknown a triangular matrix multiplies in `trsm`.
public enum Side: Sendable {
    /// Solve op(A) X = alpha B.
    case left
    /// Solve X op(A) = alpha B.
    case right
}

/// Thin wrappers over the level-2 and level-3 BLAS (through CBLAS, column-major).
///
/// Each checks shapes before calling BLAS and throws `LinearAlgebraError.dimensionMismatch` when
/// they do not fit; BLAS itself would read out of bounds.
public enum BLAS {
    /// General matrix product, `C <- alpha op(A) op(B) + beta C` (dgemm).
    public static func gemm(_ a: Matrix, _ transA: Transpose = .none,
                            _ b: Matrix, _ transB: Transpose = .none,
                            alpha: Double = 1, beta: Double = 0, into c: inout Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        let (m, ka) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard ka == kb, c.rows == m, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(
                "gemm: op(A) is \(m)x\(ka), op(B) is \(kb)x\(n), C is \(c.rows)x\(c.columns)")
        }
        if m == 0 || n == 0 { return }
        if ka == 0 { // an empty inner dimension: the product is zero
            for k in c.elements.indices { c.elements[k] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas,
                                Int32(m), Int32(n), Int32(ka), alpha,
                                pa.baseAddress, Int32(max(1, a.rows)),
                                pb.baseAddress, Int32(max(1, b.rows)), beta,
                                pc.baseAddress, Int32(max(1, c.rows)))
                }
            }
        }
    }

    /// The product `op(A) op(B)` as a new matrix.
    public static func product(_ a: Matrix, _ transA: Transpose = .none,
                               _ b: Matrix, _ transB: Transpose = .none) throws -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        try gemm(a, transA, b, transB, into: &c)
        return c
    }

    /// Matrix-vector product, `y <- alpha op(A) x + beta y` (dgemv).
    public static func gemv(_ a: Matrix, _ trans: Transpose = .none, _ x: [Double],
                            alpha: Double = 1, beta: Double = 0, into y: inout [Double]) throws {
        BLASThreading.applyDefaultPolicy()
        let (m, n) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard x.count == n, y.count == m else {
            throw LinearAlgebraError.dimensionMismatch(
                "gemv: op(A) is \(m)x\(n), x has \(x.count), y has \(y.count)")
        }
        if m == 0 { return }
        if n == 0 {
            for k in y.indices { y[k] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasColMajor, trans.cblas, Int32(a.rows), Int32(a.columns), alpha,
                                pa.baseAddress, Int32(max(1, a.rows)), px.baseAddress, 1, beta,
                                py.baseAddress, 1)
                }
            }
        }
    }

    /// The product `op(A) x` as a new vector.
    public static func product(_ a: Matrix, _ trans: Transpose = .none, _ x: [Double]) throws -> [Double] {
        var y = [Double](repeating: 0, count: trans == .none ? a.rows : a.columns)
        try gemv(a, trans, x, into: &y)
        return y
    }

    /// Symmetric rank-k update of one triangle of C (dsyrk):
    /// `C <- alpha A A' + beta C` (trans = .none) or `C <- alpha A'A + beta C` (trans = .transpose).
    /// Only the `triangle` of C is referenced and written.
    public static func syrk(_ a: Matrix, _ trans: Transpose, alpha: Double = 1, beta: Double = 0,
                            into c: inout Matrix, triangle: Triangle = .lower) throws {
        BLASThreading.applyDefaultPolicy()
        let (n, k) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard c.rows == n, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch("syrk: result is \(n)x\(n), C is \(c.rows)x\(c.columns)")
        }
        if n == 0 { return }
        a.elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasColMajor, triangle == .lower ? CblasLower : CblasUpper, trans.cblas,
                            Int32(n), Int32(k), alpha, pa.baseAddress, Int32(max(1, a.rows)), beta,
                            pc.baseAddress, Int32(n))
            }
        }
    }

    /// The Gram matrix `A'A`, both triangles filled.
    public static func gram(_ a: Matrix) throws -> Matrix {
        var c = Matrix(rows: a.columns, columns: a.columns)
        try syrk(a, .transpose, into: &c)
        c.symmetrize(from: .lower)
        return c
    }

    /// Triangular solve with several right-hand sides (dtrsm): overwrites B with the X that solves
    /// `op(T) X = alpha B` (side .left) or `X op(T) = alpha B` (side .right).
    /// Only the `triangle` of T is read. A zero on T's diagonal throws `.singular`.
    public static func trsm(_ t: Matrix, triangle: Triangle, transpose trans: Transpose = .none,
                            side: Side = .left, unitDiagonal: Bool = false, alpha: Double = 1,
                            _ b: inout Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        guard t.isSquare, t.rows == (side == .left ? b.rows : b.columns) else {
            throw LinearAlgebraError.dimensionMismatch(
                "trsm: T is \(t.rows)x\(t.columns), B is \(b.rows)x\(b.columns)")
        }
        try requireNonzeroDiagonal(t, unitDiagonal: unitDiagonal)
        if b.rows == 0 || b.columns == 0 { return }
        t.elements.withUnsafeBufferPointer { pt in
            b.elements.withUnsafeMutableBufferPointer { pb in
                cblas_dtrsm(CblasColMajor, side == .left ? CblasLeft : CblasRight,
                            triangle == .lower ? CblasLower : CblasUpper, trans.cblas,
                            unitDiagonal ? CblasUnit : CblasNonUnit,
                            Int32(b.rows), Int32(b.columns), alpha, pt.baseAddress, Int32(t.rows),
                            pb.baseAddress, Int32(b.rows))
            }
        }
    }

    /// Triangular solve with one right-hand side (dtrsv): overwrites x with the solution of
    /// `op(T) y = x`. A zero on T's diagonal throws `.singular`.
    public static func trsv(_ t: Matrix, triangle: Triangle, transpose trans: Transpose = .none,
                            unitDiagonal: Bool = false, _ x: inout [Double]) throws {
        BLASThreading.applyDefaultPolicy()
        guard t.isSquare, t.rows == x.count else {
            throw LinearAlgebraError.dimensionMismatch("trsv: T is \(t.rows)x\(t.columns), x has \(x.count)")
        }
        try requireNonzeroDiagonal(t, unitDiagonal: unitDiagonal)
        if x.isEmpty { return }
        t.elements.withUnsafeBufferPointer { pt in
            x.withUnsafeMutableBufferPointer { px in
                cblas_dtrsv(CblasColMajor, triangle == .lower ? CblasLower : CblasUpper, trans.cblas,
                            unitDiagonal ? CblasUnit : CblasNonUnit, Int32(t.rows),
                            pt.baseAddress, Int32(t.rows), px.baseAddress, 1)
            }
        }
    }

    private static func requireNonzeroDiagonal(_ t: Matrix, unitDiagonal: Bool) throws {
        if unitDiagonal { return }
        for i in 0..<t.rows where t.elements[i + i * t.rows] == 0 {
            throw LinearAlgebraError.singular(column: i + 1)
        }
    }
}
