import Testing
@testable import MixedModels

/// Issue #11, item 4: fits whose df and p are unstable say so. Models of the exact-optimum
/// battery where lme4's own components put the fit near the boundary, and one where the optimum
/// is a ridge.
@Suite struct FitFlagTests {
    func fit(_ name: String) throws -> LinearMixedModelFit {
        let reference = ExactReference.all.first { $0.name == name }!
        return try LinearMixedModel(formula: reference.formula, data: Fixtures.table(reference.dataset),
                                    method: reference.reml ? .reml : .ml).fit()
    }

    @Test func correlationNearMinusOneIsFlagged() throws {
        // Early, cog ~ age + trt + (age | id): the optimum is so flat that lmerTest's df for the
        // intercept moves from 135.37 to 135.40 when theta changes in its 15th digit.
        let flat = try fit("early_flat")
        #expect(flat.nearBoundary == ["the correlation of (Intercept) and age (id) is -1.000, within 0.02 of -1"])
        #expect(flat.warnings.contains { $0.hasPrefix("near the boundary (the correlation of (Intercept) and age (id) is -1.000") })
        #expect(flat.converged && flat.optimumVerified && !flat.singular)
    }

    @Test func singularFitsAreFlaggedAndSaySo() throws {
        // cog ~ age * trt + (age | id): the slope's parameter is 0 at the optimum (lme4 with its
        // defaults stopped at 3.2e-4 and called the fit non-singular).
        let singular = try fit("early_singular")
        #expect(singular.singular && singular.theta[2] == 0)
        #expect(singular.nearBoundary.contains { $0.hasPrefix("the correlation of (Intercept) and age (id) is -1.000") })
        #expect(singular.messages.contains("boundary (singular) fit: see help('isSingular')"))
        let dyestuff2 = try fit("dyestuff2_singular")
        #expect(dyestuff2.nearBoundary == ["the variance of (Intercept) (Batch) is 0, under 1e-4 of the residual variance"])
    }

    @Test func aRidgeIsNotCalledConverged() throws {
        // (Machine || Worker) is (1 | Worker) + (0 + Machine | Worker): a ridge of equal criteria.
        let ridge = try fit("machines_double_bar")
        #expect(!ridge.converged)
        #expect(ridge.warnings.contains(" Hessian is numerically singular: parameters are not uniquely determined"))
    }

    @Test func ordinaryFitsAreNotFlagged() throws {
        for name in ["sleepstudy_reml", "machines_factor_slopes", "orthodont", "oxboys_poly"] {
            let f = try fit(name)
            #expect(f.converged && f.optimumVerified && !f.isNearBoundary && f.warnings.isEmpty, "\(name): \(f.warnings)")
        }
    }
}
