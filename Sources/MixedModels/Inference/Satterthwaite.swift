import Foundation
import Numerics

/// Satterthwaite's approximation to the denominator degrees of freedom of t and F tests on the
/// fixed effects, as lmerTest computes it (Kuznetsova, Brockhoff & Christensen 2017), in
/// scale-free coordinates.
///
/// The variance parameters are x = (theta~, sigma / sigma-hat) (`DevianceDerivatives`: lmerTest
/// uses (theta, sigma) itself, so its df change when the response or a predictor is rescaled;
/// for exact derivatives the two agree, since df is invariant under such a reparameterization).
/// Their asymptotic covariance is A = 2 H^+, H the Hessian of the deviance D(theta, sigma) in x
/// (numDeriv's Richardson scheme, d = 0.1; H^+ the pseudo-inverse over eigenvalues above 1e-8).
/// With C(x) = sigma^2 (R_X'R_X)^-1 = Var(beta-hat) and a contrast l,
///
///     v = l'C l,   g_i = l' (dC/dx_i) l   (numDeriv Jacobian, d = 1e-4),
///     df = 2 v^2 / (g' A g).
struct Satterthwaite {
    /// A = 2 H^+, the covariance of the variance parameters.
    let varianceParameterCovariance: Matrix
    /// dC/dx_i, one p x p matrix per variance parameter.
    let jacobian: [Matrix]
    /// lmerTest's warnings about the Hessian.
    let warnings: [String]

    /// `held`: parameters (indices into theta, eta) held at their estimate, as known: a residual
    /// correlation on the boundary of its range, where the deviance has no minimum in it.
    init(model: LinearMixedModel, derivatives: DevianceDerivatives, held: [Int] = []) throws {
        let theta = derivatives.theta, sigma = derivatives.sigma
        let nTheta = theta.count
        let pool = model.factorPool
        let scaling = model.thetaScaling
        let covariance: ([[Double]]) throws -> [[Double]] = { points in
            let pieces = try pool.pieces(points.map { scaling.theta(Array($0[0..<nTheta])) }, covariance: true)
            return zip(points, pieces).map { x, piece in
                let sigma2 = (x[nTheta] * sigma) * (x[nTheta] * sigma)
                return piece.unscaledCovariance!.elements.map { $0 * sigma2 }
            }
        }
        let x = scaling.scaled(theta) + [1]
        let kept = (0..<(nTheta + 1)).filter { !held.contains($0) }
        var hessian = Matrix(rows: kept.count, columns: kept.count)
        for (a, i) in kept.enumerated() { for (b, j) in kept.enumerated() { hessian[a, b] = derivatives.hessian[i, j] } }
        let eigen = try SymmetricEigen(hessian)
        let tolerance = 1e-8
        var warnings = [String]()
        let negative = eigen.values.filter { $0 < -tolerance }
        let zero = eigen.values.filter { $0 > -tolerance && $0 < tolerance }
        func list(_ values: [Double]) -> String { values.map { String(format: "%.1e", $0) }.joined(separator: " ") }
        if !negative.isEmpty {
            warnings.append("Model failed to converge with \(negative.count) negative eigenvalue\(negative.count > 1 ? "s" : ""): \(list(negative))")
        }
        if !zero.isEmpty {
            warnings.append("Model may not have converged with \(zero.count) eigenvalue\(zero.count > 1 ? "s" : "") close to zero: \(list(zero))")
        }
        var a = eigen.pseudoInverse(tolerance: tolerance)
        a.elements = a.elements.map { 2 * $0 }
        varianceParameterCovariance = a
        let pp = model.p
        let jacobianMatrix = try NumericalDerivatives.richardsonJacobian(covariance, at: x)
        guard jacobianMatrix.isFinite else { throw MixedModelError.nonFinite("the Jacobian of Var(beta) (Satterthwaite)") }
        jacobian = kept.map { i in
            Matrix(rows: pp, columns: pp, columnMajor: Array(jacobianMatrix.column(i)))
        }
        self.warnings = warnings
    }

    /// The degrees of freedom for the contrast `l` given Var(beta-hat) = `covariance`.
    func degreesOfFreedom(contrast l: [Double], covariance: Matrix) throws -> Double {
        // df = 2 v^2 / (g'Ag) = 2 / (h'Ah) with h = g / v, which neither overflows nor
        // underflows when the response is on an extreme scale (v = 1e-300 and v^2 = 0).
        let v = Self.quadraticForm(l, covariance)
        let h = jacobian.map { Self.quadraticForm(l, $0) / v }
        return 2 / Self.quadraticForm(h, varianceParameterCovariance)
    }

    static func quadraticForm(_ x: [Double], _ a: Matrix) -> Double {
        var sum = 0.0
        for j in 0..<a.columns { for i in 0..<a.rows { sum += x[i] * a[i, j] * x[j] } }
        return sum
    }
}

/// Var(beta-hat) / sigma^2 = (R_X'R_X)^-1 from the lower factor R_X'.
enum FixedEffectsCovariance {
    static func unscaled(_ lower: Matrix) throws -> Matrix {
        var inverse = Matrix.identity(lower.rows)
        try BLAS.trsm(lower, triangle: .lower, &inverse)          // (R_X')^-1
        return try BLAS.product(inverse, .transpose, inverse, .none) // R_X^-1 R_X^-T
    }
}
