import CGSL

/// The inverse Wishart distribution IW(Psi, nu) of a p x p covariance matrix Sigma, with density
/// proportional to |Sigma|^(-(nu + p + 1)/2) exp(-tr(Psi Sigma^-1)/2): Sigma^-1 is Wishart with
/// nu degrees of freedom and scale Psi^-1, and E Sigma = Psi / (nu - p - 1) for nu > p + 1.
///
/// It is the conjugate posterior of a normal covariance matrix: with prior IW(Psi0, nu0) and N
/// centred vectors u_i, the posterior is IW(Psi0 + sum u_i u_i', nu0 + N). Mplus's default prior
/// IW(0, -p-1) is improper (flat over positive definite matrices); the posterior is proper when
/// sum u_i u_i' is positive definite and N - p - 1 > p - 1.
public enum InverseWishart {
    /// A draw of IW(`scale`, `degreesOfFreedom`): W ~ Wishart(nu, Psi^-1) by GSL's Bartlett
    /// decomposition (`gsl_ran_wishart`), then Sigma = W^-1 (LAPACK).
    /// - Throws: `DistributionError.invalidParameter` when nu <= p - 1; `LinearAlgebraError` when
    ///   `scale` is not positive definite.
    public static func draw(scale: Matrix, degreesOfFreedom nu: Double, stream: RandomStream) throws -> Matrix {
        _ = gslErrorHandlerOff
        let p = scale.rows
        guard scale.isSquare, p > 0 else { throw LinearAlgebraError.dimensionMismatch("inverse Wishart scale is \(scale.rows)x\(scale.columns)") }
        guard nu > Double(p - 1), nu.isFinite else {
            throw DistributionError.invalidParameter("inverse Wishart degrees of freedom \(nu) with a \(p)x\(p) scale (need more than \(p - 1))")
        }
        // V = Psi^-1 and its lower Cholesky factor L.
        let v = try Cholesky(scale).inverse()
        let l = try Cholesky(v).factor
        // GSL's matrices are row-major: the row-major array of L is the column-major array of L'.
        var lRowMajor = l.transposed.elements
        var w = [Double](repeating: 0, count: p * p), work = [Double](repeating: 0, count: p * p)
        let status: Int32 = lRowMajor.withUnsafeMutableBufferPointer { pl in
            w.withUnsafeMutableBufferPointer { pw in
                work.withUnsafeMutableBufferPointer { pk in
                    var lView = gsl_matrix_view_array(pl.baseAddress, p, p)
                    var wView = gsl_matrix_view_array(pw.baseAddress, p, p)
                    var kView = gsl_matrix_view_array(pk.baseAddress, p, p)
                    return gsl_ran_wishart(stream.generator, nu, &lView.matrix, &wView.matrix, &kView.matrix)
                }
            }
        }
        guard status == 0 else { throw DistributionError.invalidParameter("gsl_ran_wishart failed (status \(status))") }
        // W is symmetric, so its row-major and column-major arrays agree.
        return try Cholesky(Matrix(rows: p, columns: p, columnMajor: w)).inverse()
    }
}
