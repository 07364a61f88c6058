import Testing
@testable import MixedModels

/// Which fits get lme4's derivative-based convergence checks: as lme4 since 2025, not singular
/// fits and not fits to more than 10,000 observations.
@Suite struct ConvergenceCheckTests {
    @Test func derivativesOnlyWhereTheChecksApply() throws {
        // sleepstudy: 180 observations, not singular: a 3 x 3 Hessian and a gradient near zero at
        // the optimum (lme4 reports no convergence warning for this fit).
        let sleep = try LinearMixedModel(formula: "Reaction ~ Days + (Days | Subject)", data: Fixtures.dataset("sleepstudy"))
        let theta = [0.9667417739674, 0.01516905889604, 0.2309099532078]   // lme4's optimum
        let d = try sleep.convergenceDerivatives(at: theta, value: try sleep.objective(theta: theta))
        #expect(d.gradient.count == 3 && d.hessian.rows == 3)
        #expect(d.gradient.allSatisfy { abs($0) < 0.002 })
        // Dyestuff2 at its (singular) optimum theta = 0: no derivatives.
        let dye2 = try LinearMixedModel(formula: "Yield ~ 1 + (1 | Batch)", data: Fixtures.dataset("dyestuff2"))
        #expect(try dye2.convergenceDerivatives(at: [0], value: try dye2.objective(theta: [0])).gradient.isEmpty)
        // InstEval: 73,421 observations, above lme4's check.conv.nobsmax = 1e4.
        let inst = try LinearMixedModel(formula: "y ~ 1 + factor(service) + (1 | s) + (1 | d) + (1 | dept)",
                                        data: Fixtures.dataset("insteval"), method: .ml)
        #expect(inst.n > LinearMixedModel.convergenceCheckObservationLimit)
        let instTheta = [0.2764582841272, 0.4373552792086, 0.0666834917133]
        #expect(try inst.convergenceDerivatives(at: instTheta, value: 0).gradient.isEmpty)
    }
}
