import Tabular
import Yams

/// What a power study does with each simulated dataset: detect ruptures under `criterion` in the
/// ratings of each of `raters`, fit each of `estimators`, and test the focal effects at level
/// `alpha` (confidence intervals at level 1 - alpha, so that the test and the interval agree).
public struct AnalysisPlan: Sendable, Equatable {
    public var criterion = CriterionSetting.drop
    public var raters: [SimulatedRater] = [.patient, .therapist]
    public var estimators: [Estimator] = Estimator.catalog
    public var alpha = 0.05

    public init() {}

    init(_ s: ConfigurationSection, default d: AnalysisPlan) throws {
        criterion = try CriterionSetting(s.value("criterion"), field: s.field("criterion"), location: s.location, default: d.criterion)
        let raterNames = try s.texts("raters", default: d.raters.map(\.rawValue))
        raters = try raterNames.map { name in
            guard let r = SimulatedRater(rawValue: name) else { throw s.error("raters", "must list patient and/or therapist, not \(Excerpt.quoted(name))") }
            return r
        }
        guard !raters.isEmpty, Set(raters).count == raters.count else { throw s.error("raters", "must list patient and/or therapist, each once") }
        if let list = s.value("estimators") {
            guard case .sequence(let items, _) = list, !items.isEmpty else {
                throw s.error("estimators", "must be a list of estimators, e.g. [lagged-observed, lagged-centred, detrended]")
            }
            estimators = try items.enumerated().map { try Estimator($1, field: s.field("estimators") + "[\($0)]") }
            let names = estimators.map(\.name)
            if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
                throw s.error("estimators", "names '\(twice)' twice")
            }
        }
        alpha = try s.number("alpha", default: d.alpha, requirement: "a level strictly between 0 and 1") { $0 > 0 && $0 < 1 }
        try s.finish()
    }

    var node: Node {
        CanonicalYAML.mapping([
            ("criterion", criterion.node),
            ("raters", CanonicalYAML.list(raters.map { CanonicalYAML.text($0.rawValue) })),
            ("estimators", Node(estimators.map(\.node))),
            ("alpha", CanonicalYAML.number(alpha)),
        ])
    }
}
