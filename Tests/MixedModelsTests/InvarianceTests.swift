import Foundation
import Testing
import Numerics
import Tabular
@testable import MixedModels

/// Properties that must hold whatever the reference: a fit does not depend on the order of the
/// rows or the names of the levels, and rescaling the response rescales the estimates.
@Suite struct InvarianceTests {
    let formula = "Reaction ~ Days + (Days | Subject)"

    func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    func sleepstudy(transform: (_ reaction: Double, _ days: Double, _ subject: String) -> (Double, Double, String),
                    order: [Int]? = nil) throws -> DataTable {
        let original = try Fixtures.dataset("sleepstudy")
        guard case .numeric(let reaction) = original["Reaction"]!, case .numeric(let days) = original["Days"]! else {
            throw FormulaError("unexpected sleepstudy columns")
        }
        var text = "Reaction,Days,Subject\n"
        for r in order ?? Array(0..<original.rowCount) {
            let (y, d, s) = transform(reaction[r], days[r], original["Subject"]!.text(at: r)!)
            text += "\(y),\(d),\(s)\n"
        }
        return try DelimitedTextReader().read(text: text, source: "sleepstudy-variant.csv")
    }

    @Test func rescalingTheResponseRescalesEstimates() throws {
        // y -> 10 y: beta, SE and sigma scale by 10; theta (relative), t and df do not change;
        // the REML criterion shifts by 2 (n - p) log 10, since r^2 scales by 100.
        let base = try LinearMixedModel(formula: formula, data: sleepstudy { ($0, $1, $2) }).fit()
        let scaled = try LinearMixedModel(formula: formula, data: sleepstudy { (10 * $0, $1, $2) }).fit()
        #expect(abs(scaled.objective - base.objective - 2 * 178 * log(10)) < 1e-7 * base.objective)
        for (a, b) in zip(scaled.theta, base.theta) { #expect(abs(a - b) < 1e-5) }
        for (a, b) in zip(scaled.fixedEffects, base.fixedEffects) {
            #expect(relativeDifference(a.estimate, 10 * b.estimate) < 1e-6)
            #expect(relativeDifference(a.standardError, 10 * b.standardError) < 1e-5)
            #expect(relativeDifference(a.degreesOfFreedom, b.degreesOfFreedom) < 1e-4)
        }
        #expect(relativeDifference(scaled.sigma, 10 * base.sigma) < 1e-6)
    }

    /// Issue #15, item 8 (fuzz finding D11: with the response times 1e-8, lmerTest's and formerly
    /// alliance's df fell from 17 to 0.32 and p rose to 0.21 for t = 36.8): df and p do not depend
    /// on the units of the response or of a predictor, from 1e-12 to 1e12. Estimates and SEs scale
    /// as they must (times c for the response, divided by c for a slope whose predictor is
    /// multiplied by c).
    @Test(arguments: [1e-12, 1e-6, 1e6, 1e12])
    func inferenceDoesNotDependOnUnits(_ c: Double) throws {
        let base = try LinearMixedModel(formula: formula, data: sleepstudy { ($0, $1, $2) }).fit()
        for rescaleResponse in [true, false] {
            let data = try sleepstudy { rescaleResponse ? (c * $0, $1, $2) : ($0, c * $1, $2) }
            let fit = try LinearMixedModel(formula: formula, data: data).fit()
            #expect(fit.converged == base.converged && fit.singular == base.singular && fit.optimumVerified)
            // The near-boundary flag compares variances in the data's units, as issue #11 defines
            // it: Days times 1e6 makes the slope variance 1e-12 times smaller, and flagged.
            #expect(fit.isNearBoundary == (!rescaleResponse && c > 1), "c = \(c): \(fit.nearBoundary)")
            for (k, (a, b)) in zip(fit.fixedEffects, base.fixedEffects).enumerated() {
                let factor = rescaleResponse ? c : (k == 1 ? 1 / c : 1)
                #expect(relativeDifference(a.estimate, factor * b.estimate) < 1e-6, "c = \(c): \(a.term) estimate")
                #expect(relativeDifference(a.standardError, factor * b.standardError) < 1e-5, "c = \(c): \(a.term) SE")
                #expect(relativeDifference(a.degreesOfFreedom, b.degreesOfFreedom) < 1e-5, "c = \(c): \(a.term) df \(a.degreesOfFreedom) vs \(b.degreesOfFreedom)")
                #expect(relativeDifference(a.p, b.p) < 1e-4, "c = \(c): \(a.term) p \(a.p) vs \(b.p)")
            }
        }
    }

    /// Where the numbers really fail, the fit fails with the reason (exit 1), never a silent p:
    /// values whose squares leave double precision, and (fuzz finding D15) a predictor with one
    /// value of -2147483649 among 0..9, whose slope only one subject informs (lme4 fails too:
    /// "Downdated VtV is not positive definite ... consider rescaling").
    @Test func failuresNameTheirReason() throws {
        #expect(throws: MixedModelError.extremeScale(variable: "the response 'Reaction'", largest: 466.3535 * 1e-300)) {
            _ = try LinearMixedModel(formula: formula, data: sleepstudy { ($0 * 1e-300, $1, $2) })
        }
        let outlier = try sleepstudy { y, days, subject in (y, subject == "330" && days == 8 ? -2147483649 : days, subject) }
        do {
            _ = try LinearMixedModel(formula: formula, data: outlier).fit()
            Issue.record("the fit with an outlier of -2147483649 should fail")
        } catch let error as MixedModelError {
            guard case .degenerateDegreesOfFreedom(let term, let df, _) = error else { Issue.record("\(error)"); return }
            #expect(term == "Days" && df < 1e-3)
            #expect(error.description.contains("consider rescaling"))
        }
    }

    @Test func rowOrderDoesNotMatter() throws {
        var order = Array(0..<180)
        RandomStream(seed: 11).shuffle(&order)
        let base = try LinearMixedModel(formula: formula, data: sleepstudy { ($0, $1, $2) }).fit()
        let shuffled = try LinearMixedModel(formula: formula, data: sleepstudy(transform: { ($0, $1, $2) }, order: order)).fit()
        #expect(relativeDifference(shuffled.objective, base.objective) < 1e-10)
        for (a, b) in zip(shuffled.fixedEffects, base.fixedEffects) {
            #expect(relativeDifference(a.estimate, b.estimate) < 1e-6)
            #expect(relativeDifference(a.standardError, b.standardError) < 1e-5)
        }
    }

    @Test func levelNamesDoNotMatter() throws {
        // Subjects renamed so that their sorted order is reversed.
        let base = try LinearMixedModel(formula: formula, data: sleepstudy { ($0, $1, $2) }).fit()
        let renamed = try LinearMixedModel(formula: formula, data: sleepstudy { ($0, $1, "s\(1000 - Int($2)!)") }).fit()
        #expect(relativeDifference(renamed.objective, base.objective) < 1e-10)
        for (a, b) in zip(renamed.varianceComponents, base.varianceComponents) {
            #expect(relativeDifference(a.variance, b.variance) < 1e-4)
        }
        // The conditional modes follow their subjects: subject 308 is "s692".
        let i308 = base.conditionalModes[0].levels.firstIndex(of: "308")!
        let j308 = renamed.conditionalModes[0].levels.firstIndex(of: "s692")!
        #expect(abs(base.conditionalModes[0].values[2 * i308] - renamed.conditionalModes[0].values[2 * j308]) < 1e-3)
    }

    @Test func fittedValuesAddUp() throws {
        // fitted = X beta + Z b and residual = y - fitted, for every row.
        let data = try sleepstudy { ($0, $1, $2) }
        let fit = try LinearMixedModel(formula: formula, data: data).fit()
        guard case .numeric(let y) = data["Reaction"]! else { return }
        for r in 0..<180 { #expect(abs(fit.fitted[r] + fit.residuals[r] - y[r]) < 1e-9) }
        // lme4 1.1-31: fitted(fm1)[1:2] = 253.6636558, 273.3299175; ranef for subject 308 =
        // (2.25855095, 9.198975766).
        #expect(abs(fit.fitted[0] - 253.6636558) < 1e-4)
        #expect(abs(fit.fitted[1] - 273.3299175) < 1e-4)
        let i308 = fit.conditionalModes[0].levels.firstIndex(of: "308")!
        #expect(abs(fit.conditionalModes[0].values[2 * i308] - 2.25855095) < 1e-4)
        #expect(abs(fit.conditionalModes[0].values[2 * i308 + 1] - 9.198975766) < 1e-4)
    }

    @Test func likelihoodRatioTestMatchesMixedModelsJl() throws {
        // MixedModels.jl test/pls.jl: (1 | batch & cask) against (1 | batch/cask), both ML,
        // p = 0.5233767965780878.
        let pastes = try Fixtures.dataset("pastes")
        let smaller = try LinearMixedModel(formula: "strength ~ 1 + (1 | batch:cask)", data: pastes)
        let larger = try LinearMixedModel(formula: "strength ~ 1 + (1 | batch/cask)", data: pastes)
        let test = try LikelihoodRatioTest.compare([larger, smaller])
        #expect(test.refittedWithML)
        #expect(test.rows.map(\.parameters) == [3, 4])
        #expect(test.rows[1].degreesOfFreedom == 1)
        #expect(abs(test.rows[1].p! - 0.5233767965780878) < 1e-6)
        #expect(abs(test.rows[1].deviance - 247.9944658624955) < 1e-6)
    }
}

