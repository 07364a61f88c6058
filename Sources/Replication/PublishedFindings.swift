import MixedModels
import Ruptures

/// Step 7: what Gidhagen, Holmqvist & Falkenström (2025) reported, next to what this dataset
/// shows, so that a replicator sees at once what holds.
///
/// The published figures are the paper's, as the public clinical summary relays them (PPRNet
/// clinical summary by G. Tasca, 3 Dec 2025; docs/REPLICATION-SOURCES.md §1): the full text was not available
/// to us, so only what the summary states is here, and no more precision than it gives:
/// - 52% of patients reported at least one rupture, and 73% of the therapist-rated series (one
///   per patient: 73% of 6 therapists is not a whole number; docs/REPLICATION-SOURCES.md §1 [I]) [P];
/// - the alliance rose significantly across sessions [V] (the rater is not stated: compared with
///   each rater's growth model);
/// - patient-rated ruptures predicted higher distress at the next session; therapist-rated ones
///   did not [P];
/// - repairs rated by either patients or therapists predicted lower distress at the next
///   session [P].
///
/// How consistency is judged [I]: a published proportion is consistent when it lies within this
/// dataset's Wilson 95% CI; a published effect when this dataset's estimate has the same sign and
/// is significant at α = .05 (two-sided). A published null effect is "not significant, as
/// published" when p >= .05 here, which is absence of evidence, not evidence of no effect: it is
/// also tested for equivalence (`EquivalenceTest`, TOST) within ±0.2 within-patient SDs of
/// distress, the smallest effect of interest [I: a conventional "small" standardized effect].
/// Effects are compared with the per-rater lagged models of the chosen criterion, which are
/// alliance's reconstruction of the paper's models, not the paper's analysis: consistent results
/// are not a replication of the paper's estimates. Each lagged finding is judged by every estimator
/// of step 5, one row each, in the order of `ReplicationAnalysis.laggedEstimates`: the multilevel
/// model (with the equivalence test for a null), then the DSEM (significant: the 95% credible
/// interval excludes 0, i.e. twice the one-tailed posterior p below α) and the ML-SEM (Wald p),
/// when they ran; an estimator without an estimate leaves its finding not judged, with the reason.
public struct PublishedFindings: Sendable {
    public static let citation = "Gidhagen, Holmqvist & Falkenström (2025), Psychotherapy Research, doi:10.1080/10503307.2025.2569043"
    public static let source = "Published figures as the PPRNet clinical summary of the paper (Tasca, 3 December 2025) reports them; the paper's full text was not available."
    public static let alpha = 0.05
    /// The smallest effect of interest of the equivalence test, in within-patient SDs of distress.
    public static let smallestEffectOfInterest = 0.2

    /// What the paper reported for one finding.
    public enum Published: Sendable, Equatable {
        /// A proportion of patients.
        case proportion(Double)
        /// An effect in a direction (+1 higher, -1 lower), significant.
        case significant(direction: Int)
        /// An effect that was not significant (direction not reported).
        case notSignificant
    }

    /// An effect as the comparison uses it: the estimate, its 95% interval and two-sided p.
    public struct Estimate: Sendable, Equatable {
        public let estimate: Double
        public let lower: Double
        public let upper: Double
        public let p: Double

        public init(estimate: Double, lower: Double, upper: Double, p: Double) {
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
            self.p = p
        }

        init(_ e: FixedEffectEstimate) {
            self.init(estimate: e.estimate, lower: e.confidenceLower, upper: e.confidenceUpper, p: e.p)
        }
    }

    /// How the dataset's figure of a finding was obtained.
    public static let proportionEstimator = "Proportion of patients (Wilson CI)"
    public static let growthEstimator = "Multilevel growth model"

    /// One line of the comparison.
    public struct Comparison: Sendable, Encodable {
        public let finding: String
        /// The estimator of this dataset's figure: `proportionEstimator`, `growthEstimator`, or the
        /// name of a lagged estimator (`LaggedEstimates.name`).
        public let estimator: String
        public let published: Published
        /// This dataset's proportion with its Wilson CI, or its effect; nil when the step did not run.
        public let proportion: Double?
        public let interval: WilsonInterval?
        public let effect: Estimate?
        /// Whether this dataset is consistent with the published finding (for a null: not
        /// significant); nil when it cannot be judged (with `unavailable`).
        public let holds: Bool?
        public let unavailable: String?
        /// For a published null effect (multilevel rows): the equivalence test within the smallest
        /// effect of interest.
        public internal(set) var equivalence: EquivalenceTest?

        /// What the table says: `yes`, `no`, `not significant, as published`, `significant here`,
        /// `not judged`.
        public var verdict: String {
            guard let holds else { return "not judged" }
            if case .notSignificant = published { return holds ? "not significant, as published" : "no: significant here" }
            return holds ? "yes" : "no"
        }

        /// `52%`, `positive, p < .05`, `negative, p < .05`, `n.s.`.
        public var publishedText: String {
            switch published {
            case .proportion(let p): return "\(Int((100 * p).rounded()))%"
            case .significant(let d): return "\(d > 0 ? "positive" : "negative"), p < .05"
            case .notSignificant: return "n.s."
            }
        }

        enum CodingKeys: String, CodingKey {
            case finding, estimator, published, this_dataset, ci_lower, ci_upper, estimate, p, holds, verdict, equivalence, unavailable
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(finding, forKey: .finding)
            try c.encode(estimator, forKey: .estimator)
            try c.encode(publishedText, forKey: .published)
            try c.encode(proportion, forKey: .this_dataset)
            try c.encode(interval?.lower ?? effect?.lower, forKey: .ci_lower)
            try c.encode(interval?.upper ?? effect?.upper, forKey: .ci_upper)
            try c.encode(effect?.estimate, forKey: .estimate)
            try c.encode(effect?.p, forKey: .p)
            try c.encode(holds, forKey: .holds)
            try c.encode(verdict, forKey: .verdict)
            try c.encode(equivalence, forKey: .equivalence)
            try c.encode(unavailable, forKey: .unavailable)
        }
    }

    public let comparisons: [Comparison]

    /// Compares the paper's findings with `ruptures` (prevalence), `growth` and the per-rater
    /// `lagged` models of this dataset, and the lagged findings also with each of `estimators`
    /// (the DSEM and ML-SEM rows of step 5). Raters missing from the data are listed as not judged.
    init(ruptures: RuptureReport, growth: [GrowthModel], lagged: [LaggedModel], estimators: [LaggedEstimates] = [],
         withinPatientSD: Double?) {
        var out = [Comparison]()
        for (rater, published) in [("patient", 0.52), ("therapist", 0.73)] {
            let finding = "Patients with a \(rater)-rated rupture"
            if let s = ruptures.raters.first(where: { $0.rater == rater }), let p = s.prevalence, let ci = s.prevalenceCI {
                out.append(Comparison(finding: finding, estimator: Self.proportionEstimator, published: .proportion(published), proportion: p,
                                      interval: ci, effect: nil, holds: ci.lower <= published && published <= ci.upper,
                                      unavailable: nil, equivalence: nil))
            } else {
                out.append(Self.notJudged(finding, Self.proportionEstimator, .proportion(published), "no \(rater)-rated alliance, or no patient judged"))
            }
        }
        for rater in ["patient", "therapist"] {
            let finding = "Alliance growth (\(rater)-rated)"
            let model = growth.first { $0.rater == rater }
            out.append(Self.effect(finding, Self.growthEstimator, .significant(direction: 1), model?.slope,
                                   unavailable: model?.outcome.reason ?? "no \(rater)-rated alliance", bound: nil))
        }
        let expected: [(LaggedEffect.Event, String, Published)] = [
            (.rupture, "patient", .significant(direction: 1)), (.rupture, "therapist", .notSignificant),
            (.repair, "patient", .significant(direction: -1)), (.repair, "therapist", .significant(direction: -1)),
        ]
        for (event, rater, published) in expected {
            let finding = "\(rater.prefix(1).uppercased() + rater.dropFirst())-rated \(event.rawValue), distress at t + 1"
            let effect = lagged.first { $0.raters.rawValue == rater && $0.distress == .observed }?.effect(event, rater: rater)
            out.append(Self.effect(finding, LaggedEstimates.multilevelName, published, effect?.estimate,
                                   unavailable: effect?.unavailable ?? "no \(rater)-rated alliance",
                                   bound: withinPatientSD.map { Self.smallestEffectOfInterest * $0 }))
            for other in estimators {
                let e = other.effect(event, rater: rater)
                let estimate = e.flatMap { e in
                    e.estimate.flatMap { b in e.lower.flatMap { lo in e.upper.flatMap { hi in e.p.map { Estimate(estimate: b, lower: lo, upper: hi, p: $0) } } } }
                }
                out.append(Self.effect(finding, other.name, published, estimate,
                                       unavailable: "\(other.name): " + (e?.unavailable ?? "no \(rater)-rated alliance")))
            }
        }
        comparisons = out
    }

    private static func effect(_ finding: String, _ estimator: String, _ published: Published, _ e: FixedEffectEstimate?,
                               unavailable: String, bound: Double?) -> Comparison {
        guard let e else { return notJudged(finding, estimator, published, unavailable) }
        var comparison = effect(finding, estimator, published, Estimate(e), unavailable: unavailable)
        if case .notSignificant = published, let bound { comparison.equivalence = EquivalenceTest(e, bound: bound, alpha: alpha) }
        return comparison
    }

    /// The comparison of an effect with its published direction: consistent when p < α with the
    /// published sign (for a published null: when p >= α).
    private static func effect(_ finding: String, _ estimator: String, _ published: Published, _ e: Estimate?,
                               unavailable: String) -> Comparison {
        guard let e else { return notJudged(finding, estimator, published, unavailable) }
        let holds: Bool
        switch published {
        case .significant(let direction): holds = e.p < alpha && (e.estimate > 0 ? 1 : -1) == direction
        case .notSignificant: holds = e.p >= alpha
        case .proportion: holds = false
        }
        return Comparison(finding: finding, estimator: estimator, published: published, proportion: nil, interval: nil, effect: e,
                          holds: holds, unavailable: nil, equivalence: nil)
    }

    private static func notJudged(_ finding: String, _ estimator: String, _ published: Published, _ reason: String) -> Comparison {
        Comparison(finding: finding, estimator: estimator, published: published, proportion: nil, interval: nil, effect: nil,
                   holds: nil, unavailable: reason, equivalence: nil)
    }
}
