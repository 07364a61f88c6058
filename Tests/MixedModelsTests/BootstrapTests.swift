import Foundation
import Testing
@testable import MixedModels

/// The parametric bootstrap (MixedModels.jl's `parametricbootstrap`, `shortestcovint`): the interval
/// rules on known values, reproducibility from the seed whatever the threads, and the bootstrap
/// distribution against the model's own standard errors.
@Suite struct BootstrapTests {
    @Test func intervalRulesOnKnownValues() {
        let sorted = (1...20).map(Double.init)           // 1, 2, ..., 20
        // ceil(0.95 * 20) = 19 values: the first window of the narrowest width.
        #expect(ParametricBootstrap.shortestCoverageInterval(sorted, level: 0.95) == (1, 19))
        let skewed = [0, 0.1, 0.2, 0.3, 0.4, 5, 9, 10, 20, 40]
        // ceil(0.5 * 10) = 5 values: [0, 0.4] is the narrowest.
        #expect(ParametricBootstrap.shortestCoverageInterval(skewed, level: 0.5) == (0, 0.4))
    }

    @Test func sameSeedSameReplicatesWhateverTheThreads() throws {
        let model = try LinearMixedModel(formula: "Reaction ~ Days + (Days | Subject)", data: Fixtures.dataset("sleepstudy"))
        let fit = try model.fit(satterthwaite: false)
        let one = try ParametricBootstrap(model: model, fit: fit, replicates: 40, seed: 7, threads: 1)
        let two = try ParametricBootstrap(model: model, fit: fit, replicates: 40, seed: 7, threads: 2)
        #expect(one.values == two.values)
        let other = try ParametricBootstrap(model: model, fit: fit, replicates: 40, seed: 8, threads: 2)
        #expect(one.values != other.values)
        #expect(one.parameters.map(\.name) == ["sd_(Intercept)|Subject", "cor_Days.(Intercept)|Subject", "sd_Days|Subject", "sigma", "(Intercept)", "Days"])
    }

    /// With 1,000 replicates the bootstrap SE of a fixed effect estimates the model's SE within a few
    /// percent (its Monte Carlo error is about 1/sqrt(2 * 1000) = 2.2%), and the replicates are centred
    /// on the estimate; for sigma, the bootstrap SE is near the asymptotic sigma / sqrt(2 (n - p)).
    @Test func bootstrapDistributionMatchesTheModel() throws {
        let model = try LinearMixedModel(formula: "Reaction ~ Days + (Days | Subject)", data: Fixtures.dataset("sleepstudy"), method: .ml)
        let fit = try model.fit(satterthwaite: false)
        let boot = try ParametricBootstrap(model: model, fit: fit, replicates: 1_000, seed: 2026)
        #expect(boot.failedReplicates == 0)
        for (name, se) in [("(Intercept)", fit.fixedEffects[0].standardError), ("Days", fit.fixedEffects[1].standardError)] {
            let p = try #require(boot.parameters.first { $0.name == name })
            #expect(abs(p.standardError / se - 1) < 0.1, "\(name): bootstrap SE \(p.standardError), model \(se)")
            let mean = boot.values.map { $0[boot.parameters.firstIndex { $0.name == name }!] }.reduce(0, +) / Double(boot.values.count)
            #expect(abs(mean - p.estimate) < 4 * se / Double(boot.values.count).squareRoot())
            #expect(p.shortest.lower < p.estimate && p.estimate < p.shortest.upper)
            #expect(p.percentile.lower < p.estimate && p.estimate < p.percentile.upper)
        }
        let sigma = try #require(boot.parameters.first { $0.name == "sigma" })
        #expect(abs(sigma.standardError / (fit.sigma / (2.0 * 178).squareRoot()) - 1) < 0.15)
    }

    @Test func correlatedResidualsAreSimulatedAndRefitted() throws {
        let model = try LinearMixedModel(formula: "Reaction ~ Days + (1 | Subject)", data: Fixtures.dataset("sleepstudy"),
                                         residuals: "ar1(Days | Subject)")
        let fit = try model.fit(satterthwaite: false)
        let boot = try ParametricBootstrap(model: model, fit: fit, replicates: 200, seed: 3)
        let phi = try #require(boot.parameters.first { $0.name == "phi" })
        #expect(abs(phi.estimate - 0.6531334755) < 1e-6)
        // REML's phi-hat is close to unbiased here; the replicates centre near the estimate and the
        // spread is near the Wald SE behind nlme's interval (0.43 to 0.80 on the atanh scale).
        let index = boot.parameters.firstIndex { $0.name == "phi" }!
        let mean = boot.values.map { $0[index] }.reduce(0, +) / Double(boot.values.count)
        #expect(abs(mean - phi.estimate) < 0.1)
        #expect(phi.standardError > 0.05 && phi.standardError < 0.15)
    }
}
