import Foundation
import Numerics

/// lme4's convergence checks (`checkConv`, lme4 1.1-31 defaults), with its wording, so that a
/// warning means here what it means there, plus the verdict of alliance's Newton polish.
///
/// - Singular fit: some standard-deviation element of theta~ (theta in the scale-free
///   coordinates of `ThetaScaling`, the same as theta for intercepts) is below 1e-4 ("boundary
///   (singular) fit"), lme4's `isSingular` rule. lme4 applies it to theta itself, so that
///   multiplying a predictor by 1,000 can make its fit "singular"; theta~ does not change when a
///   predictor is rescaled [I]. Then the derivative checks are skipped, as in lme4.
/// - Gradient: with g and H the gradient and Hessian of the criterion (`DevianceDerivatives`, in
///   the scale-free coordinates of `ThetaScaling`, where lme4 uses central differences in theta)
///   and H = R'R, the scaled gradient is R^-1 g; the check fails when
///   max_i min(|(R^-1 g)_i|, |g_i|) > 0.002.
/// - Hessian: negative eigenvalues (< -1e-6), eigenvalues near zero, a very large eigenvalue
///   (> 1e6) or a large eigenvalue ratio (< 1e-6).
///   As lme4 does since 2025, the gradient and Hessian checks are skipped above 10,000
///   observations, where their fixed tolerances gave false alarms.
/// - The optimizer hit its evaluation limit, or stopped on round-off (lme4's nloptwrap codes 5
///   and -4): lme4 keeps such a fit with a warning. alliance keeps it too and polishes it; when
///   the polish verifies the optimum the stop is reported as a message, otherwise as lme4's
///   warning.
/// - The polish could not verify the optimum (and no check above says why): a warning with its
///   reason.
struct ConvergenceDiagnostics {
    var singular = false
    var warnings = [String]()
    var messages = [String]()

    /// `theta` is theta~, in the scale-free coordinates.
    /// `correlationBoundary` says why a residual correlation is on its boundary (at +-1), which,
    /// like a singular fit, is reported and skips the derivative checks.
    init(theta: [Double], lowerBounds: [Double], gradient: [Double], hessian: Matrix,
         stopReason: OptimizerStopReason, polish: PolishOutcome = .notRun, observationCount: Int = 0,
         correlationBoundary: String? = nil) {
        let verified = polish.isVerified
        switch stopReason {
        case .evaluationLimitReached:
            let text = "convergence code 5 from nloptwrap: NLOPT_MAXEVAL_REACHED: Optimization stopped because maxeval (above) was reached."
            if verified { messages.append("BOBYQA stopped at its evaluation limit (lme4: \(text)); Newton steps from its best point reached a verified optimum") } else { warnings.append(text) }
        case .roundoffLimited:
            let text = "convergence code -4 from nloptwrap: NLOPT_ROUNDOFF_LIMITED: Roundoff errors led to a breakdown of the optimization algorithm. In this case, the returned minimum may still be useful."
            if verified { messages.append("BOBYQA stopped on round-off (lme4: \(text)); Newton steps from its best point reached a verified optimum") } else { warnings.append(text) }
        default:
            break
        }
        singular = theta.indices.contains { lowerBounds[$0] == 0 && theta[$0] < 1e-4 }
        if singular {
            messages.append("boundary (singular) fit: see help('isSingular')")
        }
        defer {
            if case .unverified(_, let reason) = polish, warnings.isEmpty {
                warnings.append("the optimum could not be verified: \(reason)")
            }
        }
        if let correlationBoundary { messages.append("boundary fit: \(correlationBoundary)") }
        if singular || correlationBoundary != nil || observationCount > LinearMixedModel.convergenceCheckObservationLimit
            || gradient.isEmpty { return }
        if !gradient.allSatisfy(\.isFinite) {
            warnings.append("Gradient contains NAs")
            return
        }
        // Scaled gradient R^-1 g with H = R'R (R upper): solve with R = L'.
        if let cholesky = try? Cholesky(hessian) {
            var scaled = gradient
            if (try? BLAS.trsv(cholesky.factor, triangle: .lower, transpose: .transpose, &scaled)) != nil {
                let minimal = zip(scaled, gradient).map { min(abs($0), abs($1)) }
                if let worst = minimal.max(), worst > 0.002 {
                    let component = minimal.firstIndex(of: worst)! + 1
                    warnings.append("Model failed to converge with max|grad| = \(Self.g(worst)) (tol = 0.002, component \(component))")
                }
            } else {
                warnings.append("unable to evaluate scaled gradient")
            }
        } else {
            warnings.append("unable to evaluate scaled gradient")
        }
        // Hessian.
        guard let eigen = try? SymmetricEigen(hessian) else {
            warnings.append("Problem with Hessian check (infinite or missing values?)")
            return
        }
        let tolerance = 1e-6
        let negative = eigen.values.filter { $0 < -tolerance }.count
        if negative > 0 {
            warnings.append("Model failed to converge: degenerate  Hessian with \(negative) negative eigenvalues")
        } else if eigen.values.contains(where: { abs($0) < tolerance }) || (try? Cholesky(hessian)) == nil {
            warnings.append(" Hessian is numerically singular: parameters are not uniquely determined")
        } else {
            let largest = eigen.values.last!, smallest = eigen.values.first!
            if largest * tolerance > 1 {
                warnings.append("Model is nearly unidentifiable: very large eigenvalue - Rescale variables?")
            }
            if smallest / largest < tolerance {
                warnings.append("Model is nearly unidentifiable: large eigenvalue ratio - Rescale variables?")
            }
        }
    }

    /// R's `%g` formatting (six significant digits).
    static func g(_ x: Double) -> String { String(format: "%g", x) }

    var converged: Bool { warnings.isEmpty }
}
