import Foundation
import Testing
@testable import MixedModels

/// Profile-likelihood intervals against lme4's confint(method = "profile") (Reference/profile-references.json,
/// scripts/profile-references.R, lme4 at the exact optimum): every bound within 1e-3 relative (issue
/// #13; lme4 interpolates its profile with splines, alliance solves for each end), a bound lme4 puts at
/// 0 or +-1 exactly there.
@Suite struct ProfileTests {
    @Test(arguments: ProfileReference.all.map(\.name))
    func agreesWithLme4(_ name: String) throws {
        let reference = ProfileReference.all.first { $0.name == name }!
        let model = try LinearMixedModel(formula: reference.formula, data: Fixtures.table(reference.dataset),
                                         method: reference.reml ? .reml : .ml)
        let profile = try ProfileLikelihood(model: model)
        #expect(profile.intervals.map(\.name) == reference.intervals.map(\.parameter))
        for (mine, theirs) in zip(profile.intervals, reference.intervals) {
            for (a, b, side) in [(mine.lower, theirs.lower, "lower"), (mine.upper, theirs.upper, "upper")] {
                if b == 0 || abs(b) == 1 {
                    #expect(abs(a - b) <= 1e-6, "\(name) \(theirs.parameter) \(side): \(a) vs \(b)")
                } else {
                    #expect(abs(a - b) <= 1e-3 * abs(b), "\(name) \(theirs.parameter) \(side): \(a) vs \(b)")
                }
            }
            #expect(mine.lower <= mine.estimate && mine.estimate <= mine.upper)
        }
    }

    /// At each end of a profile interval the ML deviance is 1.96^2 above its minimum: the fixed
    /// effect's column moved into the offset and the rest refitted.
    @Test func endsAreWhereTheDevianceRisesByTheCutoff() throws {
        let data = try Fixtures.dataset("sleepstudy")
        let model = try LinearMixedModel(formula: "Reaction ~ Days + (Days | Subject)", data: data)
        let profile = try ProfileLikelihood(model: model)
        let days = try #require(profile.intervals.first { $0.name == "Days" })
        let ml = try LinearMixedModel(formula: "Reaction ~ Days + (Days | Subject)", data: data, method: .ml).fit(satterthwaite: false)
        for end in [days.lower, days.upper] {
            let reduced = try LinearMixedModel(frame: model.frame.fixingFixedEffect(1, at: end), method: .ml).fit(satterthwaite: false)
            #expect(abs(reduced.objective - ml.objective - 1.959963984540054 * 1.959963984540054) < 1e-6)
        }
    }
}

/// One model of profile-references.json.
struct ProfileReference {
    struct Interval { let parameter: String; let lower, upper: Double }
    let name, dataset, formula: String
    let reml: Bool
    let intervals: [Interval]

    static let all: [ProfileReference] = {
        let url = Fixtures.root.appendingPathComponent("Tests/MixedModelsTests/Reference/profile-references.json")
        let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (object["models"] as! [[String: Any]]).map(ProfileReference.init)
    }()

    init(_ d: [String: Any]) {
        func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }
        name = d["name"] as! String
        dataset = d["dataset"] as! String
        formula = d["formula"] as! String
        reml = (d["method"] as! String) == "REML"
        intervals = (d["intervals"] as! [[String: Any]]).map {
            Interval(parameter: $0["parameter"] as! String, lower: number($0["lower"]), upper: number($0["upper"]))
        }
    }
}
