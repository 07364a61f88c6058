import CLapack
import Foundation

/// The eigendecomposition `A = V diag(w) V'` of a symmetric matrix (LAPACK dsyevr, the relatively
/// robust representations algorithm), with eigenvalues in ascending order and orthonormal
/// eigenvectors in the columns of V.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, ascending.
    public let values: [Double]
    /// Eigenvectors, one per column, in the order of `values`.
    public let vectors: Matrix

    /// Decomposes `a`, reading only its lower triangle.
    public init(_ a: Matrix) throws {
        BLASThreading.applyDefaultPolicy()
        guard a.isSquare else {
            throw LinearAlgebraError.dimensionMismatch("eigendecomposition of a \(a.rows)x\(a.columns) matrix")
        }
        try requireFinite(a, routine: "dsyevr")
        let order = a.rows
        var w = [Double](repeating: 0, count: order)
        var z = Matrix(rows: order, columns: order)
        if order == 0 { values = w; vectors = z; return }
        var work = a
        var jobz = lapackChar("V"), range = lapackChar("A"), uplo = lapackChar("L")
        var n = Int32(order), lda = Int32(order), ldz = Int32(order)
        var vl = 0.0, vu = 0.0, il: Int32 = 0, iu: Int32 = 0, abstol = 0.0
        var m: Int32 = 0, info: Int32 = 0
        var isuppz = [Int32](repeating: 0, count: 2 * order)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var queryWork = 0.0
        var queryIWork: Int32 = 0
        work.elements.withUnsafeMutableBufferPointer { pa in
            z.elements.withUnsafeMutableBufferPointer { pz in
                dsyevr_(&jobz, &range, &uplo, &n, pa.baseAddress, &lda, &vl, &vu, &il, &iu, &abstol, &m,
                        &w, pz.baseAddress, &ldz, &isuppz, &queryWork, &lwork, &queryIWork, &liwork,
                        &info, 1, 1, 1)
            }
        }
        try checkLapackInfo(info, routine: "dsyevr") { .didNotConverge(routine: "dsyevr", info: $0) }
        lwork = Int32(queryWork)
        liwork = queryIWork
        var buffer = [Double](repeating: 0, count: Int(lwork))
        var ibuffer = [Int32](repeating: 0, count: Int(liwork))
        work.elements.withUnsafeMutableBufferPointer { pa in
            z.elements.withUnsafeMutableBufferPointer { pz in
                dsyevr_(&jobz, &range, &uplo, &n, pa.baseAddress, &lda, &vl, &vu, &il, &iu, &abstol, &m,
                        &w, pz.baseAddress, &ldz, &isuppz, &buffer, &lwork, &ibuffer, &liwork,
                        &info, 1, 1, 1)
            }
        }
        try checkLapackInfo(info, routine: "dsyevr") { .didNotConverge(routine: "dsyevr", info: $0) }
        values = w
        vectors = z
    }

    /// The Moore-Penrose pseudo-inverse `V diag(1/w_k) V'`, keeping only eigenvalues above
    /// `tolerance` (absolute); the others are treated as zero.
    public func pseudoInverse(tolerance: Double) -> Matrix {
        let n = values.count
        var out = Matrix(rows: n, columns: n)
        for k in 0..<n where values[k] > tolerance {
            let inv = 1 / values[k]
            for j in 0..<n {
                let vjk = vectors[j, k] * inv
                for i in 0..<n { out.elements[i + j * n] += vectors[i, k] * vjk }
            }
        }
        return out
    }
}
