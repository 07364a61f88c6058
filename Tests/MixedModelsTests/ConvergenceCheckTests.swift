import Testing
import Numerics
@testable import MixedModels

/// Which fits get lme4's derivative-based convergence checks (as lme4 since 2025: not singular
/// fits and not fits to more than 10,000 observations), and what the polish's verdict adds.
@Suite struct ConvergenceCheckTests {
    @Test func derivativesAtTheOptimumPassTheChecks() throws {
        // sleepstudy at the exact optimum: the gradient of the criterion is ~0 and its Hessian
        // positive definite, so lme4's checks pass (lme4 reports no warning for this fit).
        let sleep = try LinearMixedModel(formula: "Reaction ~ Days + (Days | Subject)", data: Fixtures.dataset("sleepstudy"))
        let theta = [0.966732893590541, 0.0151690675460488, 0.230909592018104]   // lme4 at the exact optimum
        let d = try DevianceDerivatives(model: sleep, theta: theta)
        #expect(d.profiledGradient.count == 3 && d.profiledHessian.rows == 3)
        #expect(d.profiledGradient.allSatisfy { abs($0) < 1e-4 })
        #expect(abs(d.objective - 1743.62827195995) < 1e-9 * 1743)
        let diagnostics = ConvergenceDiagnostics(theta: theta, lowerBounds: sleep.thetaLowerBounds,
                                                 gradient: d.profiledGradient, hessian: d.profiledHessian,
                                                 stopReason: .functionToleranceReached, polish: .verified(steps: 0),
                                                 observationCount: 180)
        #expect(diagnostics.converged && !diagnostics.singular)
    }

    @Test func checksAreSkippedForSingularAndLargeFits() {
        // A gradient of 0.1 fails lme4's check (tolerance 0.002) ...
        let gradient = [0.1], hessian = Matrix([[2.0]])
        let failing = ConvergenceDiagnostics(theta: [1], lowerBounds: [0], gradient: gradient, hessian: hessian,
                                             stopReason: .functionToleranceReached, observationCount: 180)
        #expect(failing.warnings == ["Model failed to converge with max|grad| = 0.0707107 (tol = 0.002, component 1)"])
        // ... but not in a singular fit (theta below 1e-4) or above 10,000 observations.
        let singular = ConvergenceDiagnostics(theta: [0], lowerBounds: [0], gradient: gradient, hessian: hessian,
                                              stopReason: .functionToleranceReached, observationCount: 180)
        #expect(singular.singular && singular.warnings.isEmpty)
        let large = ConvergenceDiagnostics(theta: [1], lowerBounds: [0], gradient: gradient, hessian: hessian,
                                           stopReason: .functionToleranceReached, observationCount: 73_421)
        #expect(large.warnings.isEmpty)
        // Where the checks are skipped, a polish that could not verify the optimum still says so.
        let unverified = ConvergenceDiagnostics(theta: [1], lowerBounds: [0], gradient: gradient, hessian: hessian,
                                                stopReason: .functionToleranceReached,
                                                polish: .unverified(steps: 8, reason: "the Newton steps did not settle in 8 steps"),
                                                observationCount: 73_421)
        #expect(unverified.warnings == ["the optimum could not be verified: the Newton steps did not settle in 8 steps"])
        #expect(!unverified.converged)
    }
}
