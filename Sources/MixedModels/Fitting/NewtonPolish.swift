import Foundation
import Numerics

/// What the Newton polish concluded about the optimum.
enum PolishOutcome: Equatable, Sendable {
    /// No polish: a model without random effects, or estimates at a given theta.
    case notRun
    /// At the final theta the Hessian of the criterion (over the parameters not held at a bound)
    /// is positive definite and the Newton step is negligible: a verified local minimum.
    case verified(steps: Int)
    /// The polish stopped without that verification, for the reason given.
    case unverified(steps: Int, reason: String)

    var isVerified: Bool { if case .verified = self { return true } else { return false } }
}

/// Newton steps on the profiled criterion f(theta), from the point BOBYQA returns, so that every
/// fit ends at the exact optimum even where the criterion is too flat for BOBYQA's stopping rule
/// (random slopes of a factor's levels, correlations near +-1).
///
/// Each step works in the scale-free coordinates theta~ (`ThetaScaling`) with the gradient g and
/// Hessian H of `DevianceDerivatives` (numDeriv's Richardson scheme, the derivatives
/// Satterthwaite's df need at the optimum anyway). Parameters held at their bound (a standard
/// deviation at 0) stay there; for the others, with H = V diag(lambda) V',
///
///     step = -V diag(1 / max(|lambda_k|, 1e-8 max|lambda|)) V' g,
///
/// Newton's step where H is positive definite and a descent direction where it is not, at most
/// half the size of theta~ (at least 0.5), projected onto the bounds, and halved until the
/// criterion decreases (Nocedal & Wright 2006, ch. 3, modified Newton with backtracking [M]).
/// The polish stops, verified, when H is positive definite and the step is below 1e-6 relative
/// to theta~ or its predicted decrease g'H^-1 g / 2 is below 1e-13 of the criterion, or when no
/// step decreases the criterion but the predicted decrease is below 1e-10 of it (the rounding
/// floor, where the finite-difference gradient is mostly error); it stops unverified when no step
/// decreases the criterion otherwise, or after 8 steps [I: the tolerances
/// are this project's choice, set so that estimates agree with the exact optimum to the issue's
/// tolerances]. The last derivatives are those at the returned theta.
struct NewtonPolish {
    static let relativeStepTolerance = 1e-6
    static let relativeDecreaseTolerance = 1e-13
    static let roundingFloor = 1e-10
    static let maximumSteps = 8

    struct Result {
        var theta: [Double]
        var objective: Double
        var derivatives: DevianceDerivatives
        var outcome: PolishOutcome
        var evaluations: Int
    }

    static func run(_ model: LinearMixedModel, from start: [Double], value: Double) throws -> Result {
        let scaling = model.thetaScaling
        let lower = model.parameterLowerBounds, upper = model.parameterUpperBounds
        var theta = start, f = value, steps = 0, evaluations = 0
        while true {
            let derivatives = try DevianceDerivatives(model: model, theta: theta)
            func result(_ outcome: PolishOutcome) -> Result {
                Result(theta: theta, objective: f, derivatives: derivatives, outcome: outcome, evaluations: evaluations)
            }
            let x = scaling.scaled(theta)
            // Held: a standard deviation at 0, a correlation at the end of its range.
            let free = x.indices.filter { !(lower[$0] == 0 && x[$0] == 0) && !(upper[$0].isFinite && (x[$0] == upper[$0] || x[$0] == lower[$0])) }
            if free.isEmpty { return result(.verified(steps: steps)) }
            let g = free.map { derivatives.profiledGradient[$0] }
            var h = Matrix(rows: free.count, columns: free.count)
            for (a, i) in free.enumerated() { for (b, j) in free.enumerated() { h[a, b] = derivatives.profiledHessian[i, j] } }
            guard let eigen = try? SymmetricEigen(h), let largest = eigen.values.map(abs).max(), largest > 0 else {
                return result(.unverified(steps: steps, reason: "the Hessian of the criterion could not be decomposed"))
            }
            let positiveDefinite = eigen.values.first! > 0
            var step = [Double](repeating: 0, count: free.count)
            var predictedDecrease = 0.0
            for k in 0..<free.count {
                let v = eigen.vectors.column(k)
                let projection = zip(v, g).reduce(0) { $0 + $1.0 * $1.1 }
                let lambda = max(abs(eigen.values[k]), 1e-8 * largest)
                predictedDecrease += projection * projection / lambda / 2
                for (a, vk) in v.enumerated() { step[a] -= vk * projection / lambda }
            }
            let size = free.map { abs(x[$0]) }.max()!
            let stepSize = step.map(abs).max()!
            if positiveDefinite && (stepSize <= relativeStepTolerance * max(1, size)
                                    || predictedDecrease <= relativeDecreaseTolerance * max(1, abs(f))) {
                return result(.verified(steps: steps))
            }
            if steps == maximumSteps {
                return result(.unverified(steps: steps, reason: "the Newton steps did not settle in \(maximumSteps) steps"))
            }
            let radius = 0.5 * max(1, size)
            if stepSize > radius { step = step.map { $0 * radius / stepSize } }
            var accepted: (theta: [Double], value: Double)?
            var alpha = 1.0
            for _ in 0..<30 {
                var candidate = x
                for (a, i) in free.enumerated() {
                    candidate[i] = x[i] + alpha * step[a]
                    candidate[i] = min(max(candidate[i], lower[i]), upper[i])
                }
                let t = scaling.theta(candidate)
                let v = try model.objective(theta: t)
                evaluations += 1
                if v < f { accepted = (t, v); break }
                alpha /= 2
            }
            guard let (nextTheta, nextValue) = accepted else {
                // Within rounding of the minimum the finite-difference gradient is mostly error:
                // no step can decrease the criterion, and the decrease predicted is negligible.
                if positiveDefinite && predictedDecrease <= roundingFloor * max(1, abs(f)) {
                    return result(.verified(steps: steps))
                }
                return result(.unverified(steps: steps, reason: positiveDefinite
                    ? "no Newton step decreased the criterion"
                    : "the Hessian of the criterion is not positive definite"))
            }
            theta = nextTheta
            f = nextValue
            steps += 1
        }
    }
}
