import Foundation
import Numerics

/// An F test of `L beta = rhs`, one row of lmerTest's `contestMD()` and `anova()` tables:
/// `Sum Sq`, `Mean Sq`, `NumDF`, `DenDF`, `F value`, `Pr(>F)`.
///
/// With Satterthwaite's method (lmerTest's `contestMD`): with L V L' = P diag(d) P' (V = Var(beta-hat))
/// and the q eigenvalues d_m above sqrt(machine epsilon) d_1, F = sum_m ((P'L)_m beta - ...)^2 / d_m / q;
/// each row m of P'L has Satterthwaite df nu_m, and the denominator df are 2E / (E - q) with
/// E = sum nu_m / (nu_m - 2) (2 if some nu_m <= 2; their mean if all are equal within 1e-8). For one
/// row it is the square of the t test. With Kenward-Roger's method: pbkrtest's `KRmodcomp`
/// (`KenwardRoger.test`), F = lambda F_U with F_U the Wald statistic on Phi_A over q.
/// `Mean Sq` = F_U sigma^2 (the unscaled F), `Sum Sq` = q `Mean Sq`, as lmerTest computes them.
public struct FTest: Sendable, Encodable {
    /// The term (ANOVA) or hypothesis.
    public let label: String
    public let sumOfSquares: Double
    public let meanSquare: Double
    public let numeratorDegreesOfFreedom: Int
    public let denominatorDegreesOfFreedom: Double
    public let f: Double
    public let p: Double
    public let method: DegreesOfFreedomMethod

    enum CodingKeys: String, CodingKey {
        case label = "term", sumOfSquares = "sum_sq", meanSquare = "mean_sq", numeratorDegreesOfFreedom = "num_df"
        case denominatorDegreesOfFreedom = "den_df", f = "F", p, method = "df_method"
    }
}

extension LinearMixedModelFit {
    /// The F test of `hypothesis` with this fit's df method.
    public func test(_ hypothesis: LinearHypothesis) throws -> FTest {
        try test(l: hypothesis.l, rhs: hypothesis.rhs, label: hypothesis.text)
    }

    /// The F test of L beta = rhs (L with full row rank), labelled `label`.
    func test(l: Matrix, rhs: [Double], label: String) throws -> FTest {
        let beta = fixedEffects.map(\.estimate)
        let q0 = l.rows
        switch inference {
        case .kenwardRoger(let kr):
            let result = try kr.test(l, beta: beta, rhs: rhs)
            let meanSquare = result.unscaledF * sigma * sigma
            return try Self.row(label: label, meanSquare: meanSquare, q: result.numeratorDegreesOfFreedom,
                                ddf: result.denominatorDegreesOfFreedom, f: result.f, method: .kenwardRoger)
        case .satterthwaite(let approximation):
            let lvl = try BLAS.product(try BLAS.product(l, .none, covariance, .none), .none, l, .transpose)
            let eigen = try SymmetricEigen(lvl)
            // Decreasing, as R's eigen().
            let order = eigen.values.indices.sorted { eigen.values[$0] > eigen.values[$1] }
            let d = order.map { eigen.values[$0] }
            let tolerance = max(Double.ulpOfOne.squareRoot() * (d.first ?? 0), 0)
            let q = d.filter { $0 > tolerance }.count
            guard q > 0 else { throw HypothesisError("hypothesis '\(label)': L V L' is zero, nothing to test") }
            let pp = l.columns
            if q0 == 1 {
                // contest1D: the t test squared.
                let row = Array(l.row(0))
                let estimate = zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 } - rhs[0]
                let variance = Satterthwaite.quadraticForm(row, covariance)
                let df = try approximation.degreesOfFreedom(contrast: row, covariance: covariance)
                let f = estimate * estimate / variance
                return try Self.row(label: label, meanSquare: f * sigma * sigma, q: 1, ddf: df, f: f, method: .satterthwaite)
            }
            // beta shifted by a solution of L b = rhs (lmerTest: MASS::ginv(L) rhs).
            var shifted = beta
            if rhs.contains(where: { $0 != 0 }) {
                let svd = try SingularValueDecomposition(l)
                // ginv(L) rhs = V S^-1 U' rhs.
                let largest = svd.singularValues.max() ?? 0
                for (k, s) in svd.singularValues.enumerated() where s > 1e-10 * largest {
                    var ur = 0.0
                    for i in 0..<l.rows { ur += svd.u[i, k] * rhs[i] }
                    for j in 0..<pp { shifted[j] -= svd.vt[k, j] * ur / s }
                }
            }
            var f = 0.0
            var nu = [Double]()
            for m in 0..<q {
                let vector = eigen.vectors.column(order[m])
                var ptl = [Double](repeating: 0, count: pp)
                for j in 0..<pp { for i in 0..<l.rows { ptl[j] += vector[vector.startIndex + i] * l[i, j] } }
                let projection = zip(ptl, shifted).reduce(0) { $0 + $1.0 * $1.1 }
                f += projection * projection / d[m]
                nu.append(try approximation.degreesOfFreedom(contrast: ptl, covariance: covariance))
            }
            f /= Double(q)
            let ddf = Self.combinedDegreesOfFreedom(nu)
            return try Self.row(label: label, meanSquare: f * sigma * sigma, q: q, ddf: ddf, f: f, method: .satterthwaite)
        case .none:
            throw HypothesisError("F tests need df (fit with Satterthwaite's or Kenward-Roger's method)")
        }
    }

    /// lmerTest's `get_Fstat_ddf`.
    static func combinedDegreesOfFreedom(_ nu: [Double]) -> Double {
        if nu.count == 1 { return nu[0] }
        if zip(nu, nu.dropFirst()).allSatisfy({ abs($0 - $1) < 1e-8 }) { return nu.reduce(0, +) / Double(nu.count) }
        if nu.contains(where: { $0 <= 2 }) { return 2 }
        let e = nu.reduce(0) { $0 + $1 / ($1 - 2) }
        return 2 * e / (e - Double(nu.count))
    }

    static func row(label: String, meanSquare: Double, q: Int, ddf: Double, f: Double, method: DegreesOfFreedomMethod) throws -> FTest {
        guard f.isFinite, ddf.isFinite, ddf > 0 else {
            throw MixedModelError.nonFinite("the F test of '\(label)'")
        }
        let p = try FDistribution(numeratorDegreesOfFreedom: Double(q), denominatorDegreesOfFreedom: ddf).upperTail(f)
        return FTest(label: label, sumOfSquares: meanSquare * Double(q), meanSquare: meanSquare,
                     numeratorDegreesOfFreedom: q, denominatorDegreesOfFreedom: ddf, f: f, p: p, method: method)
    }
}
