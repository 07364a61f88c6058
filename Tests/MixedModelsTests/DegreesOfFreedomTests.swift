import Foundation
import Testing
import Numerics
@testable import MixedModels

/// Kenward-Roger t tests (pbkrtest's adjusted covariance and df, as lmerTest's summary(ddf =
/// "Kenward-Roger") prints them), lmerTest's type III ANOVA tables with Satterthwaite's and
/// Kenward-Roger's method, and F tests of hypotheses (lmerTest's contestMD), against
/// Reference/ddf-references.json (scripts/ddf-references.R, lme4 at the exact optimum). Issue #13's
/// tolerance: 1e-4 relative (SEs, df, F; p-values 1e-4 absolute or relative to p).
@Suite struct DegreesOfFreedomTests {
    static let tolerance = 1e-4

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = DegreesOfFreedomTests.tolerance) -> Bool {
        abs(a - b) <= tolerance * max(abs(b), 1e-300)
    }

    static func closeP(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-4 * max(b, 1e-12) || abs(a - b) < 1e-10
    }

    @Test(arguments: DdfReference.all.map(\.name))
    func kenwardRogerAgreesWithPbkrtest(_ name: String) throws {
        let reference = DdfReference.all.first { $0.name == name }!
        let model = try LinearMixedModel(formula: reference.formula, data: Fixtures.table(reference.dataset))
        let fit = try model.fit(degreesOfFreedom: .kenwardRoger)
        #expect(abs(fit.objective - reference.objective) <= 1e-8 * abs(reference.objective))
        #expect(fit.fixedEffects.map(\.term) == reference.kenwardRoger.map(\.term))
        for (mine, theirs) in zip(fit.fixedEffects, reference.kenwardRoger) {
            #expect(Self.close(mine.standardError, theirs.se), "\(name) \(theirs.term): SE \(mine.standardError) vs \(theirs.se)")
            #expect(Self.close(mine.degreesOfFreedom, theirs.df), "\(name) \(theirs.term): df \(mine.degreesOfFreedom) vs \(theirs.df)")
            #expect(Self.closeP(mine.p, theirs.p), "\(name) \(theirs.term): p \(mine.p) vs \(theirs.p)")
        }
        let adjusted = try #require(fit.adjustedCovariance)
        for (a, b) in zip(adjusted.elements, reference.adjustedCovariance) {
            #expect(abs(a - b) <= Self.tolerance * reference.adjustedCovariance.map(abs).max()!, "\(name): Phi_A \(a) vs \(b)")
        }
        try compareAnova(AnalysisOfVariance(model: model, fit: fit), reference.anovaKenwardRoger, name)
        for t in reference.tests {
            let mine = try fit.test(LinearHypothesis(t.hypothesis, coefficients: fit.fixedEffects.map(\.term)))
            compare(mine, t.kenwardRoger, "\(name) '\(t.hypothesis)' (KR)")
        }
    }

    @Test(arguments: DdfReference.all.map(\.name))
    func satterthwaiteTablesAgreeWithLmerTest(_ name: String) throws {
        let reference = DdfReference.all.first { $0.name == name }!
        let model = try LinearMixedModel(formula: reference.formula, data: Fixtures.table(reference.dataset))
        let fit = try model.fit()
        for (mine, theirs) in zip(fit.fixedEffects, reference.satterthwaite) {
            #expect(Self.close(mine.degreesOfFreedom, theirs.df), "\(name) \(theirs.term): df \(mine.degreesOfFreedom) vs \(theirs.df)")
        }
        try compareAnova(AnalysisOfVariance(model: model, fit: fit), reference.anovaSatterthwaite, name)
        for t in reference.tests {
            let mine = try fit.test(LinearHypothesis(t.hypothesis, coefficients: fit.fixedEffects.map(\.term)))
            compare(mine, t.satterthwaite, "\(name) '\(t.hypothesis)' (Satterthwaite)")
        }
    }

    func compareAnova(_ table: AnalysisOfVariance, _ reference: [DdfReference.Row], _ name: String) throws {
        #expect(table.rows.map(\.label) == reference.map(\.term), "\(name): terms \(table.rows.map(\.label)) vs \(reference.map(\.term))")
        for (mine, theirs) in zip(table.rows, reference) { compare(mine, theirs, "\(name) anova \(theirs.term)") }
    }

    func compare(_ mine: FTest, _ theirs: DdfReference.Row, _ what: String) {
        #expect(mine.numeratorDegreesOfFreedom == Int(theirs.numDF), "\(what): NumDF")
        #expect(Self.close(mine.denominatorDegreesOfFreedom, theirs.denDF), "\(what): DenDF \(mine.denominatorDegreesOfFreedom) vs \(theirs.denDF)")
        #expect(Self.close(mine.f, theirs.f), "\(what): F \(mine.f) vs \(theirs.f)")
        #expect(Self.close(mine.sumOfSquares, theirs.sumSq), "\(what): Sum Sq \(mine.sumOfSquares) vs \(theirs.sumSq)")
        #expect(Self.closeP(mine.p, theirs.p), "\(what): p \(mine.p) vs \(theirs.p)")
    }

    @Test func hypothesesParse() throws {
        let names = ["(Intercept)", "session", "alliance", "session:alliance", "factor(nitro)0.2"]
        let h = try LinearHypothesis("session = session:alliance = 0", coefficients: names)
        #expect(h.l == Matrix([[0, 1, 0, 0, 0], [0, 0, 0, 1, 0]]) && h.rhs == [0, 0])
        let d = try LinearHypothesis("2 * session - alliance = factor(nitro)0.2 + 1", coefficients: names)
        #expect(d.l == Matrix([[0, 2, -1, 0, -1]]) && d.rhs == [1])
        let chain = try LinearHypothesis("session = alliance = `session:alliance`", coefficients: names)
        #expect(chain.l == Matrix([[0, 1, -1, 0, 0], [0, 0, 1, -1, 0]]))
        #expect(throws: HypothesisError.self) { try LinearHypothesis("session = days", coefficients: names) }
        #expect(throws: HypothesisError.self) { try LinearHypothesis("session", coefficients: names) }
        #expect(throws: HypothesisError.self) { try LinearHypothesis("session = 0 = 1", coefficients: names) }
        #expect(throws: HypothesisError.self) { try LinearHypothesis("session = alliance = session", coefficients: names) }
    }
}

/// One model of ddf-references.json.
struct DdfReference {
    struct Coefficient { let term: String; let estimate, se, df, t, p: Double }
    struct Row { let term: String; let sumSq, meanSq, numDF, denDF, f, p: Double }
    struct Test { let hypothesis: String; let satterthwaite, kenwardRoger: Row }
    let name, dataset, formula: String
    let objective: Double
    let kenwardRoger, satterthwaite: [Coefficient]
    let adjustedCovariance: [Double]
    let anovaSatterthwaite, anovaKenwardRoger: [Row]
    let tests: [Test]

    static let all: [DdfReference] = {
        let url = Fixtures.root.appendingPathComponent("Tests/MixedModelsTests/Reference/ddf-references.json")
        let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (object["models"] as! [[String: Any]]).map(DdfReference.init)
    }()

    init(_ d: [String: Any]) {
        func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }
        func coefficients(_ list: Any?) -> [Coefficient] {
            (list as! [[String: Any]]).map {
                Coefficient(term: $0["term"] as! String, estimate: number($0["estimate"]), se: number($0["se"]),
                            df: number($0["df"]), t: number($0["t"]), p: number($0["p"]))
            }
        }
        func row(_ r: [String: Any], term: String) -> Row {
            Row(term: term, sumSq: number(r["sum_sq"]), meanSq: number(r["mean_sq"]), numDF: number(r["num_df"]),
                denDF: number(r["den_df"]), f: number(r["f"]), p: number(r["p"]))
        }
        func rows(_ list: Any?) -> [Row] { (list as! [[String: Any]]).map { row($0, term: $0["term"] as! String) } }
        name = d["name"] as! String
        dataset = d["dataset"] as! String
        formula = d["formula"] as! String
        objective = number(d["objective"])
        kenwardRoger = coefficients(d["kenward_roger"])
        satterthwaite = coefficients(d["satterthwaite"])
        adjustedCovariance = (d["adjusted_covariance"] as! [Any]).map(number)
        anovaSatterthwaite = rows(d["anova_satterthwaite"])
        anovaKenwardRoger = rows(d["anova_kenward_roger"])
        tests = (d["tests"] as! [[String: Any]]).map {
            let h = $0["hypothesis"] as! String
            return Test(hypothesis: h, satterthwaite: row($0["satterthwaite"] as! [String: Any], term: h),
                        kenwardRoger: row($0["kenward_roger"] as! [String: Any], term: h))
        }
    }
}
