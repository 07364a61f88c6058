import Testing
@testable import MixedModels

/// The profiled criterion at fixed theta needs no optimizer, so it can be checked exactly.
@Suite struct ObjectiveTests {
    @Test func dyestuffREMLCriterionAtFixedTheta() throws {
        // lme4's tests/testthat/test-lmer.R: as.function(fm1)(1) and (0) for Yield ~ 1 + (1|Batch).
        let model = try LinearMixedModel(formula: "Yield ~ 1 + (1 | Batch)", data: Fixtures.dataset("dyestuff"))
        #expect(abs(try model.objective(theta: [1]) - 319.792389042002) < 1e-9)
        #expect(abs(try model.objective(theta: [0]) - 326.023232155879) < 1e-9)
    }

    @Test func dyestuffMLDevianceAtFixedTheta() throws {
        // MixedModels.jl test/pls.jl: the ML objective at theta = 0.713 is 327.34216280954615.
        let model = try LinearMixedModel(formula: "Yield ~ 1 + (1 | Batch)", data: Fixtures.dataset("dyestuff"), method: .ml)
        #expect(abs(try model.objective(theta: [0.713]) - 327.34216280954615) < 1e-9)
    }
}
