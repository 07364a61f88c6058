import Ruptures
import MixedModels

/// One focal effect of a lagged model: a rater's rupture or repair at session t on distress at
/// t + 1, as lmerTest reports it (b, SE, Satterthwaite df, t, p, 95% CI), with the standardized
/// effect d = b / s_w, s_w the pooled within-patient SD of distress (`SessionVariables`): the
/// change in next-session distress in within-patient SDs (docs/REPLICATION-SOURCES.md §6).
public struct LaggedEffect: Sendable, Encodable {
    public enum Event: String, Sendable, Encodable, CaseIterable {
        case rupture, repair
    }

    public let rater: String
    public let event: Event
    /// The model term, `rupture_patient` etc.
    public let term: String
    /// Nil when the model was not fitted or could not estimate the term.
    public let estimate: FixedEffectEstimate?
    public let standardized: Double?
    /// Why there is no estimate.
    public let unavailable: String?

    init(rater: String, event: Event, outcome: ModelOutcome, scale: Double?) {
        self.rater = rater
        self.event = event
        term = "\(event.rawValue)_\(rater)"
        if let reason = outcome.reason {
            estimate = nil
            standardized = nil
            unavailable = reason
        } else if let e = outcome.effect(term) {
            estimate = e
            standardized = scale.map { e.estimate / $0 }
            unavailable = nil
        } else {
            estimate = nil
            standardized = nil
            unavailable = "not estimable: '\(term)' has no variation among the sessions used (no \(event.rawValue)s, or one at every session)"
        }
    }

    enum CodingKeys: String, CodingKey {
        case rater, event, term, estimate, se, df, t, p, ci_lower, ci_upper, standardized, unavailable
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rater, forKey: .rater)
        try c.encode(event, forKey: .event)
        try c.encode(term, forKey: .term)
        try c.encode(estimate?.estimate, forKey: .estimate)
        try c.encode(estimate?.standardError, forKey: .se)
        try c.encode(estimate?.degreesOfFreedom, forKey: .df)
        try c.encode(estimate?.t, forKey: .t)
        try c.encode(estimate?.p, forKey: .p)
        try c.encode(estimate?.confidenceLower, forKey: .ci_lower)
        try c.encode(estimate?.confidenceUpper, forKey: .ci_upper)
        try c.encode(standardized, forKey: .standardized)
        try c.encode(unavailable, forKey: .unavailable)
    }
}
