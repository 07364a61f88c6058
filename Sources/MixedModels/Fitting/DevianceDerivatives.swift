import Foundation
import Numerics

/// First and second derivatives of the deviance at theta, for the Newton polish, lme4's
/// convergence checks and Satterthwaite's df, all from one set of factorizations.
///
/// The deviance is written with sigma explicit, as lmerTest writes it,
///
///     D(theta, sigma) = log|L_theta|^2 + r^2(theta)/sigma^2 + n log(2 pi sigma^2)
///                       [REML: + log|R_X|^2 - p log(2 pi sigma^2)],
///
/// and differentiated by numDeriv's Richardson scheme (`NumericalDerivatives`) in the
/// scale-free coordinates x = (theta~, sigma / sigma-hat), theta~ as in `ThetaScaling` and
/// sigma-hat the estimate at theta, so x = (theta~, 1). Where theta~ = theta (intercepts) and no
/// element is near zero, the steps are lmerTest's; either way the result does not depend on the
/// units of the response or of a predictor.
///
/// The profiled criterion f(theta) = D(theta, sigma-hat(theta)) is what BOBYQA minimizes. Since
/// dD/dsigma = 0 at sigma-hat, its gradient is the theta part of D's gradient (the envelope
/// theorem), and its Hessian the Schur complement H_tt - H_ts H_ss^-1 H_st.
struct DevianceDerivatives {
    /// Where (lme4's theta) and the estimate of sigma there.
    let theta: [Double]
    let sigma: Double
    /// The profiled criterion at theta.
    let objective: Double
    /// The Hessian of D in x = (theta~, sigma / sigma-hat), (t + 1) x (t + 1).
    let hessian: Matrix
    /// The gradient and Hessian of the profiled criterion in theta~.
    let profiledGradient: [Double]
    let profiledHessian: Matrix

    init(model: LinearMixedModel, theta: [Double]) throws {
        let t = theta.count
        let scaling = model.thetaScaling
        let pool = model.factorPool
        let sigma = try model.residualStandardDeviation(theta: theta)
        let n = Double(model.n), p = Double(model.p)
        let reml = model.method == .reml
        let deviance: ([[Double]]) throws -> [Double] = { points in
            let pieces = try pool.pieces(points.map { scaling.theta(Array($0[0..<t])) }, covariance: false)
            return zip(points, pieces).map { x, piece in
                let sigma2 = (x[t] * sigma) * (x[t] * sigma)
                var d = piece.logDeterminantRandom + piece.penalizedResidualSumOfSquares / sigma2 + n * log(2 * Double.pi * sigma2)
                if reml { d += piece.logDeterminantFixed - p * log(2 * Double.pi * sigma2) }
                return d
            }
        }
        let x = scaling.scaled(theta) + [1]
        let (value, gradient, hessian) = try NumericalDerivatives.richardsonGradientAndHessian(deviance, at: x)
        guard value.isFinite, gradient.allSatisfy(\.isFinite), hessian.isFinite else {
            throw MixedModelError.nonFinite("the derivatives of the deviance at theta = \(theta)")
        }
        self.theta = theta
        self.sigma = sigma
        self.objective = value
        self.hessian = hessian
        profiledGradient = Array(gradient[0..<t])
        var profiled = Matrix(rows: t, columns: t)
        let hss = hessian[t, t]
        for i in 0..<t {
            for j in 0..<t {
                profiled[i, j] = hss > 0 ? hessian[i, j] - hessian[i, t] * hessian[t, j] / hss : hessian[i, j]
            }
        }
        profiledHessian = profiled
    }
}
