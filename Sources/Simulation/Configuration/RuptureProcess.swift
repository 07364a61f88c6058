import Foundation
import Yams

/// Rupture events and their repair.
///
/// At each session t >= 2 a rupture starts with probability
///
///     π_it = logistic(logit(rate) + κ w_it / sd_w)
///
/// where w_it is the patient's within-person distress deviation at t (`DistressProcess`), sd_w
/// its stationary SD and κ = `distressFeedback` (0: ruptures independent of distress, π = rate;
/// κ > 0: ruptures are likelier when the patient is more distressed than usual, the reciprocal
/// effect that biases lagged models; docs/REPLICATION-SOURCES.md §5 (b)). Several ruptures may be open at
/// once. A rupture has a size S ~ Gamma with mean `sizeMean` and SD `sizeSD` (S = sizeMean when
/// the SD is 0). Each rater perceives it independently with probability `sensitivity[rater]`; a
/// rater who perceives it rates the alliance S points lower from session t on, until the repair.
/// With probability `repairProbability` the rupture is repaired at session t + d,
/// d = 1 + Poisson(repairDelayMean - 1): from then on the drop is gone, and each rater who
/// perceived the rupture perceives the repair. Unrepaired ruptures leave the alliance lowered
/// for the rest of treatment.
public struct RuptureProcess: Sendable, Equatable {
    public var rate = 0.08
    public var sizeMean = 1.5
    public var sizeSD = 0.5
    public var repairProbability = 0.7
    public var repairDelayMean = 2.0
    public var sensitivity = PerRater(patient: 0.7, therapist: 0.9)
    public var ownRate = PerRater(patient: 0.0, therapist: 0.0)
    public var distressFeedback = 0.0

    public init() {}

    /// The probability that a rupture starts, given the standardized distress deviation `z`.
    func onsetProbability(standardizedDistress z: Double) -> Double {
        if distressFeedback == 0 || rate == 0 || rate == 1 { return rate }
        let eta = log(rate / (1 - rate)) + distressFeedback * z
        return 1 / (1 + exp(-eta))
    }

    init(_ s: ConfigurationSection, default d: RuptureProcess) throws {
        rate = try s.probability("rate", default: d.rate)
        sizeMean = try s.nonNegative("size_mean", default: d.sizeMean)
        sizeSD = try s.nonNegative("size_sd", default: d.sizeSD)
        repairProbability = try s.probability("repair_probability", default: d.repairProbability)
        repairDelayMean = try s.number("repair_delay_mean", default: d.repairDelayMean,
                                       requirement: "a number of sessions from 1 to \(SessionCounts.largestMaximum) (the most sessions a patient may have)") {
            $0 >= 1 && $0 <= Double(SessionCounts.largestMaximum)
        }
        sensitivity = try PerRater(try s.section("sensitivity"), default: d.sensitivity) { try $0.probability($1, default: $2) }
        ownRate = try PerRater(try s.section("own_rate"), default: d.ownRate) { try $0.probability($1, default: $2) }
        distressFeedback = try s.number("distress_feedback", default: d.distressFeedback)
        try s.finish()
        if sizeSD > 0 && sizeMean == 0 { throw s.error("size_sd", "must be 0 when size_mean is 0") }
    }

    var node: Node {
        CanonicalYAML.mapping([
            ("rate", CanonicalYAML.number(rate)), ("size_mean", CanonicalYAML.number(sizeMean)),
            ("size_sd", CanonicalYAML.number(sizeSD)), ("repair_probability", CanonicalYAML.number(repairProbability)),
            ("repair_delay_mean", CanonicalYAML.number(repairDelayMean)), ("sensitivity", sensitivity.node),
            ("own_rate", ownRate.node),
            ("distress_feedback", CanonicalYAML.number(distressFeedback)),
        ])
    }
}
