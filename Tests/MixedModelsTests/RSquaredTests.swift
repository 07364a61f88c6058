import Foundation
import Testing
@testable import MixedModels

/// Nakagawa & Schielzeth's R-squared against performance::r2_nakagawa() (lme4 fits) and the published
/// formula on nlme's estimates (correlated residuals), Reference/r2-references.json
/// (scripts/r2-references.R): 1e-5 relative (the fits' optima differ in the 6th digit at most).
@Suite struct RSquaredTests {
    @Test(arguments: ["sleepstudy", "pastes", "orthodont", "panel", "sleepstudy-ar1", "ovary-ar1"])
    func agreesWithPerformance(_ name: String) throws {
        let url = Fixtures.root.appendingPathComponent("Tests/MixedModelsTests/Reference/r2-references.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let reference = try #require((object["models"] as! [[String: Any]]).first { $0["name"] as? String == name })
        let model = try LinearMixedModel(formula: reference["formula"] as! String, data: Fixtures.table(reference["dataset"] as! String),
                                         residuals: reference["residuals"] as? String)
        let fit = try model.fit(satterthwaite: false)
        let marginal = (reference["marginal"] as! NSNumber).doubleValue, conditional = (reference["conditional"] as! NSNumber).doubleValue
        #expect(abs(fit.rSquared.marginal - marginal) <= 1e-5 * max(marginal, 1e-3), "\(name): R2m \(fit.rSquared.marginal) vs \(marginal)")
        #expect(abs(fit.rSquared.conditional - conditional) <= 1e-5 * conditional, "\(name): R2c \(fit.rSquared.conditional) vs \(conditional)")
    }
}
