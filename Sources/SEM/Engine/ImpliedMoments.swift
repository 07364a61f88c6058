import Numerics

/// The moments a RAM model implies at one value of its parameters, and the intermediate matrices
/// the derivatives reuse:
///
///     B = (I - A)^-1,   C = B S B'  (the covariance of all m variables),   v = B M  (their means),
///     Sigma = F C F',   mu = F v,
///
/// with F the filter that keeps the p observed variables (the first p rows).
struct ImpliedMoments {
    /// The parameters' matrices.
    let a: Numerics.Matrix, s: Numerics.Matrix, m: [Double]
    /// `(I - A)^-1`, m x m.
    let b: Numerics.Matrix
    /// `F B`, the first p rows of B (p x m).
    let fb: Numerics.Matrix
    /// `B S B'`, m x m.
    let c: Numerics.Matrix
    /// `F C`, the first p rows of C (p x m).
    let fc: Numerics.Matrix
    /// `B M`, the means of all variables.
    let allMeans: [Double]
    /// The implied covariance (p x p) and mean (p) of the observed variables.
    let sigma: Numerics.Matrix
    let mu: [Double]

    /// Throws `LinearAlgebraError.singular` when `I - A` is singular (a path model whose loops
    /// multiply to exactly one).
    init(model: RAMModel, theta: [Double]) throws {
        let (a, s, m) = model.matrices(at: theta)
        self.a = a
        self.s = s
        self.m = m
        let n = model.variableCount, p = model.observedCount
        var iMinusA = Numerics.Matrix.identity(n)
        for k in 0..<(n * n) { iMinusA.elements[k] -= a.elements[k] }
        b = try LUFactorization(iMinusA).solve(Numerics.Matrix.identity(n))
        let bsb = try BLAS.product(try BLAS.product(b, .none, s, .none), .none, b, .transpose)
        c = bsb
        fb = Self.firstRows(b, p)
        fc = Self.firstRows(bsb, p)
        var sig = Numerics.Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0..<p { sig.elements[i + j * p] = bsb.elements[i + j * n] } }
        sigma = sig
        allMeans = try BLAS.product(b, .none, m)
        mu = Array(allMeans[0..<p])
    }

    private static func firstRows(_ x: Numerics.Matrix, _ p: Int) -> Numerics.Matrix {
        var out = Numerics.Matrix(rows: p, columns: x.columns)
        for j in 0..<x.columns { for i in 0..<p { out.elements[i + j * p] = x.elements[i + j * x.rows] } }
        return out
    }
}
