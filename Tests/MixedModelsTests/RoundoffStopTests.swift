import Testing
import Numerics
@testable import MixedModels

/// NLopt's BOBYQA can stop with NLOPT_ROUNDOFF_LIMITED. lme4 keeps such a fit and warns
/// ("convergence code -4 from nloptwrap"); alliance keeps it too, polishes it with Newton steps,
/// and reports the stop as a message when the polish verifies the optimum, as lme4's warning
/// otherwise.
///
/// (This test used to pin a simulated power-study table on which BOBYQA stopped on round-off;
/// with BOBYQA in scale-free coordinates that table no longer does. BOBYQA stops on round-off
/// for certain when its tolerances are zero: it shrinks its trust region until rounding errors
/// break the quadratic model, which exercises the same path on real data.)
@Suite struct RoundoffStopTests {
    @Test(arguments: ["sleepstudy_reml", "pastes_nested_ml", "penicillin_crossed"])
    func fitIsKeptPolishedAndExact(_ name: String) throws {
        let reference = ExactReference.all.first { $0.name == name }!
        let model = try LinearMixedModel(formula: reference.formula, data: Fixtures.table(reference.dataset),
                                         method: reference.reml ? .reml : .ml)
        model.optimizer.absoluteParameterTolerance = 0
        model.optimizer.absoluteFunctionTolerance = 0
        let fit = try model.fit()
        #expect(fit.optimizerStopReason == .roundoffLimited)
        #expect(fit.converged && fit.warnings.isEmpty)
        #expect(fit.messages.contains { $0.hasPrefix("BOBYQA stopped on round-off (lme4: convergence code -4 from nloptwrap") })
        for problem in reference.differences(from: fit).problems { Issue.record("\(name): \(problem)") }
    }

    @Test func unverifiedStopKeepsLme4sWarning() {
        let unverified = ConvergenceDiagnostics(theta: [1], lowerBounds: [0], gradient: [], hessian: Matrix(rows: 0, columns: 0),
                                                stopReason: .roundoffLimited,
                                                polish: .unverified(steps: 2, reason: "no Newton step decreased the criterion"))
        #expect(unverified.warnings == ["convergence code -4 from nloptwrap: NLOPT_ROUNDOFF_LIMITED: Roundoff errors led to a breakdown of the optimization algorithm. In this case, the returned minimum may still be useful."])
        #expect(!unverified.converged)
    }
}
