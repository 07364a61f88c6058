import Tabular
import Yams

/// What a power study does with each simulated dataset: detect ruptures under `criterion` in the
/// ratings of each of `raters`, fit each of `estimators`, and test the focal effects at level
/// `alpha` (confidence intervals at level 1 - alpha, so that the test and the interval agree).
/// With `oracle`, each estimator is also fitted to the events that really happened (the
/// simulation's true ruptures and repairs as the rater perceived them), so that the bias of the
/// estimator itself (Nickell's, for the lagged multilevel models) is told apart from the bias of
/// misclassified ruptures.
public struct AnalysisPlan: Sendable, Equatable {
    public var criterion = CriterionSetting.drop
    public var raters: [SimulatedRater] = [.patient, .therapist]
    public var estimators: [Estimator] = Estimator.catalog
    public var alpha = 0.05
    public var oracle = true

    public init() {}

    /// One fit of a replication: an estimator on the detected events, or (`oracle`) on the true ones.
    public struct EstimatorFit: Sendable, Equatable {
        public let estimator: Estimator
        public let oracle: Bool
        /// The estimator's name, with " (oracle)" for a fit to the true events.
        public var name: String { oracle ? estimator.name + " (oracle)" : estimator.name }
    }

    /// The fits of each rater's data, in record order: each estimator, followed by its oracle fit.
    public var fits: [EstimatorFit] {
        estimators.flatMap { e in oracle ? [EstimatorFit(estimator: e, oracle: false), EstimatorFit(estimator: e, oracle: true)]
                                         : [EstimatorFit(estimator: e, oracle: false)] }
    }

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
                throw s.error("estimators", "must be a list of estimators, e.g. [lagged-observed, lagged-centred, detrended, dsem]")
            }
            estimators = try items.enumerated().map { try Estimator($1, field: s.field("estimators") + "[\($0)]") }
            let names = estimators.map(\.name)
            if let twice = names.first(where: { n in names.filter { $0 == n }.count > 1 }) {
                throw s.error("estimators", "names '\(twice)' twice")
            }
        }
        alpha = try s.number("alpha", default: d.alpha, requirement: "a level strictly between 0 and 1") { $0 > 0 && $0 < 1 }
        oracle = try s.boolean("oracle", default: d.oracle)
        try s.finish()
    }

    var node: Node {
        CanonicalYAML.mapping([
            ("criterion", criterion.node),
            ("raters", CanonicalYAML.list(raters.map { CanonicalYAML.text($0.rawValue) })),
            ("estimators", Node(estimators.map(\.node))),
            ("alpha", CanonicalYAML.number(alpha)),
            ("oracle", CanonicalYAML.text(oracle ? "true" : "false")),
        ])
    }
}
