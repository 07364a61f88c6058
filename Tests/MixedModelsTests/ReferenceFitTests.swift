import Foundation
import Testing
@testable import MixedModels

/// Every model of lme4-reference.json (lme4 1.1-31 + lmerTest 3.1-3), with the tolerances of the
/// project's accuracy target: objective within 1e-6 relative (or lower than lme4's), fixed effects
/// and standard errors within 1e-5 relative, variance components within 1e-4 relative,
/// Satterthwaite df within 1e-3 relative, p-values within 1e-4 absolute, the singular flag equal.
///
/// Where our optimizer ends *below* lme4's objective, lme4 stopped short of the optimum, and its
/// estimates carry that error: for sleepstudy's ML fit lme4's SE of the intercept differs from
/// MixedModels.jl's by 2.6e-5 relative, and for InstEval lme4 stops 1.4e-6 above the optimum
/// that MixedModels.jl and alliance both reach (237721.76877450), which moves the intercept's SE
/// by 1.2e-4. Then (1) the estimates are checked at lme4's theta, which tests every formula with
/// the tolerances above; (2) our objective is checked against MixedModels.jl's optimum where its
/// test suite publishes one (an independent optimizer); (3) the estimates at our optimum are
/// checked within 20 times the tolerances, a sanity bound that a wrong optimum would break.
@Suite struct ReferenceFitTests {
    /// Reference key -> (dataset, formula as alliance writes it, fixed-term renames to lme4's names).
    static let cases: [(key: String, dataset: String, formula: String?, rename: [String: String])] = [
        ("sleepstudy_reml", "sleepstudy", nil, [:]),
        ("sleepstudy_ml", "sleepstudy", nil, [:]),
        ("sleepstudy_uncorr", "sleepstudy", nil, [:]),
        ("dyestuff_reml", "dyestuff", nil, [:]),
        ("dyestuff_ml", "dyestuff", nil, [:]),
        ("dyestuff2_singular", "dyestuff2", nil, [:]),
        ("penicillin_crossed", "penicillin", nil, [:]),
        ("pastes_nested", "pastes", nil, [:]),
        ("pastes_nested_ml", "pastes", nil, [:]),
        ("cake_factors", "cake", nil, [:]),
    ]

    /// Optima published in MixedModels.jl's test/pls.jl (ML fits), per the project's research notes.
    static let mixedModelsJlObjective: [String: Double] = [
        "sleepstudy_ml": 1751.9393444636682,
        "dyestuff_ml": 327.32705988112673,
        "pastes_nested_ml": 247.9944658624955,
        "insteval_crossed": 237721.76877450474,
    ]

    static func relativeDifference(_ a: Double, _ b: Double) -> Double {
        abs(a - b) / max(abs(b), 1e-300)
    }

    @Test(arguments: cases.map(\.key))
    func agreesWithLme4(_ key: String) throws {
        let c = Self.cases.first { $0.key == key }!
        try Self.compare(key: key, dataset: c.dataset, formula: c.formula, rename: c.rename)
    }

    /// InstEval: 73,421 ratings, three crossed factors (a dense 1,128 x 1,128 block). lme4's
    /// `service` is a factor; the CSV holds 0/1, so the formula says factor(service).
    @Test func instEvalCrossed() throws {
        try Self.compare(key: "insteval_crossed", dataset: "insteval",
                         formula: "y ~ 1 + factor(service) + (1 | s) + (1 | d) + (1 | dept)",
                         rename: ["factor(service)1": "service1"])
    }

    static func compare(key: String, dataset: String, formula: String?, rename: [String: String]) throws {
        let reference = Fixtures.reference[key]!
        let model = try LinearMixedModel(formula: formula ?? reference.formula, data: Fixtures.dataset(dataset),
                                         method: reference.reml ? .reml : .ml)
        let optimized = try model.fit()
        #expect(optimized.objective < reference.objective || relativeDifference(optimized.objective, reference.objective) < 1e-6,
                "\(key): objective \(optimized.objective) vs lme4 \(reference.objective)")
        if let independent = mixedModelsJlObjective[key] {
            #expect(relativeDifference(optimized.objective, independent) < 1e-9,
                    "\(key): objective \(optimized.objective) vs MixedModels.jl \(independent)")
        }
        if optimized.objective < reference.objective {
            try compareEstimates(key: key, fit: optimized, reference: reference, rename: rename, looseness: 20)
            try compareEstimates(key: key + " at lme4's theta", fit: model.evaluate(theta: reference.theta),
                                 reference: reference, rename: rename, looseness: 1)
        } else {
            try compareEstimates(key: key, fit: optimized, reference: reference, rename: rename, looseness: 1)
        }
    }

    static func compareEstimates(key: String, fit: LinearMixedModelFit, reference: ReferenceFit,
                                 rename: [String: String], looseness: Double) throws {
        #expect(fit.observationCount == reference.nobs)
        #expect(fit.singular == reference.singular, "\(key): singular")
        #expect(relativeDifference(fit.aic - fit.objective, reference.aic - reference.objective) < 1e-9)
        #expect(relativeDifference(fit.bic - fit.objective, reference.bic - reference.objective) < 1e-9)
        // Fixed effects.
        #expect(fit.fixedEffects.count == reference.fixed.count)
        for (mine, theirs) in zip(fit.fixedEffects, reference.fixed) {
            #expect((rename[mine.term] ?? mine.term) == theirs.term)
            #expect(relativeDifference(mine.estimate, theirs.estimate) < 1e-5 * looseness || abs(mine.estimate - theirs.estimate) < 1e-9,
                    "\(key) \(theirs.term): estimate \(mine.estimate) vs \(theirs.estimate)")
            #expect(relativeDifference(mine.standardError, theirs.se) < 1e-5 * looseness,
                    "\(key) \(theirs.term): SE \(mine.standardError) vs \(theirs.se)")
            #expect(relativeDifference(mine.degreesOfFreedom, theirs.df) < 1e-3 * looseness,
                    "\(key) \(theirs.term): df \(mine.degreesOfFreedom) vs \(theirs.df)")
            #expect(abs(mine.p - theirs.p) < 1e-4 * looseness, "\(key) \(theirs.term): p \(mine.p) vs \(theirs.p)")
        }
        // Variance components, in as.data.frame(VarCorr()) order.
        #expect(fit.varianceComponents.count == reference.random.count)
        for (mine, theirs) in zip(fit.varianceComponents, reference.random) {
            #expect(mine.group == theirs.group && mine.var1 == theirs.var1 && mine.var2 == theirs.var2,
                    "\(key): component \(mine.group)/\(mine.var1 ?? "-")/\(mine.var2 ?? "-") vs \(theirs.group)/\(theirs.var1 ?? "-")/\(theirs.var2 ?? "-")")
            if theirs.vcov == 0 {
                #expect(abs(mine.variance) < 1e-8, "\(key): \(theirs.group) variance \(mine.variance) vs 0")
            } else {
                #expect(relativeDifference(mine.variance, theirs.vcov) < 1e-4 * looseness,
                        "\(key): \(theirs.group) \(theirs.var1 ?? "") vcov \(mine.variance) vs \(theirs.vcov)")
            }
        }
    }
}
