import CLapack
import Foundation

/// The thin singular value decomposition `A = U diag(s) V'` (LAPACK dgesdd, divide and conquer):
/// singular values in descending order, U with min(m, n) orthonormal columns, V' with min(m, n)
/// orthonormal rows.
public struct SingularValueDecomposition: Sendable {
    public let u: Matrix
    /// Singular values, descending.
    public let singularValues: [Double]
    /// V transposed.
    public let vt: Matrix

    public init(_ a: Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        try requireFinite(a, routine: "dgesdd")
        let k = min(a.rows, a.columns)
        var uu = Matrix(rows: a.rows, columns: k)
        var vv = Matrix(rows: k, columns: a.columns)
        var s = [Double](repeating: 0, count: k)
        if k == 0 { u = uu; singularValues = s; vt = vv; return }
        var work = a
        var jobz = lapackChar("S")
        var m = Int32(a.rows), n = Int32(a.columns), lda = Int32(a.rows)
        var ldu = Int32(a.rows), ldvt = Int32(k), info: Int32 = 0
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var lwork: Int32 = -1
        var query = 0.0
        work.elements.withUnsafeMutableBufferPointer { pa in
            uu.elements.withUnsafeMutableBufferPointer { pu in
                vv.elements.withUnsafeMutableBufferPointer { pv in
                    dgesdd_(&jobz, &m, &n, pa.baseAddress, &lda, &s, pu.baseAddress, &ldu, pv.baseAddress,
                            &ldvt, &query, &lwork, &iwork, &info, 1)
                }
            }
        }
        try checkLapackInfo(info, routine: "dgesdd") { .didNotConverge(routine: "dgesdd", info: $0) }
        lwork = Int32(query)
        var buffer = [Double](repeating: 0, count: Int(lwork))
        work.elements.withUnsafeMutableBufferPointer { pa in
            uu.elements.withUnsafeMutableBufferPointer { pu in
                vv.elements.withUnsafeMutableBufferPointer { pv in
                    dgesdd_(&jobz, &m, &n, pa.baseAddress, &lda, &s, pu.baseAddress, &ldu, pv.baseAddress,
                            &ldvt, &buffer, &lwork, &iwork, &info, 1)
                }
            }
        }
        try checkLapackInfo(info, routine: "dgesdd") { .didNotConverge(routine: "dgesdd", info: $0) }
        u = uu
        singularValues = s
        vt = vv
    }

    /// The 2-norm condition number `s_max / s_min` (infinite when the smallest is zero).
    public var conditionNumber: Double {
        guard let first = singularValues.first, let last = singularValues.last else { return 0 }
        return last == 0 ? .infinity : first / last
    }
}
