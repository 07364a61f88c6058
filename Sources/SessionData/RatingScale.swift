import Foundation
import Tabular

/// What is known about the scale of one rating column: its range, its direction, and the
/// psychometric numbers the reliable-change criteria need.
///
/// Given on the command line (`--scale alliance_patient=1:7,reliability=0.9`) or in a codebook.
/// Every field is optional: without a range no value is out of range and no ceiling can be
/// computed; without a reliability the reliable-change criteria cannot be used.
public struct RatingScale: Sendable, Equatable, Codable {
    /// The lowest and highest possible values (e.g. 1 and 7).
    public var minimum: Double?
    public var maximum: Double?
    /// Whether a higher value is better (alliance: yes; distress: no).
    public var higherIsBetter: Bool
    /// Reliability (Cronbach's alpha or test-retest), 0 <= r < 1, for the reliable change index.
    public var reliability: Double?
    /// A reference standard deviation for the reliable change index (normative or pre-treatment).
    /// When absent, the criteria use the SD of each patient's first observed rating.
    public var referenceSD: Double?

    public init(minimum: Double? = nil, maximum: Double? = nil, higherIsBetter: Bool = true,
                reliability: Double? = nil, referenceSD: Double? = nil) {
        self.minimum = minimum
        self.maximum = maximum
        self.higherIsBetter = higherIsBetter
        self.reliability = reliability
        self.referenceSD = referenceSD
    }

    /// The best end of the scale: the maximum when higher is better, else the minimum. A rating
    /// there cannot improve (the "ceiling").
    public var bestValue: Double? { higherIsBetter ? maximum : minimum }

    /// The share of the non-missing `values` at the best end of the scale (the ceiling of a
    /// higher-is-better scale), within 1e-9 for decimal rounding; nil without a range or values.
    public func ceilingShare(of values: [Double]) -> Double? {
        guard let best = bestValue else { return nil }
        var observed = 0, atBest = 0
        for v in values where !v.isNaN {
            observed += 1
            if abs(v - best) <= 1e-9 * max(1, abs(best)) { atBest += 1 }
        }
        return observed > 0 ? Double(atBest) / Double(observed) : nil
    }

    /// Whether `value` lies within the range (always true without a range).
    public func contains(_ value: Double) -> Bool {
        if let lo = minimum, value < lo { return false }
        if let hi = maximum, value > hi { return false }
        return true
    }

    /// The range as users write it: `1 to 7`.
    public var rangeDescription: String {
        func text(_ v: Double?) -> String {
            guard let v else { return "?" }
            return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
        return "\(text(minimum)) to \(text(maximum))"
    }

    /// Checks the fields make sense; `location` names where they came from in messages.
    public func validated(location: String) throws -> RatingScale {
        if let lo = minimum, let hi = maximum, !(lo < hi) {
            throw DataError(location: location, message: "the scale minimum \(lo) is not below the maximum \(hi)")
        }
        if let r = reliability, !(r >= 0 && r < 1) {
            throw DataError(location: location, message: "reliability \(r) is not in [0, 1)")
        }
        if let sd = referenceSD, !(sd > 0 && sd.isFinite) {
            throw DataError(location: location, message: "reference SD \(sd) is not a positive number")
        }
        return self
    }

    /// Parses one `--scale` value: `NAME=MIN:MAX[,reliability=R][,sd=S][,lower-is-better]`.
    /// When the range is unknown it is left empty: `NAME=,reliability=0.9`. Returns the column or
    /// role name and the scale.
    public static func parse(option value: String, option: String = "--scale") throws -> (name: String, scale: RatingScale) {
        let location = "\(option) \(value)"
        let nameAndRest = value.split(separator: "=", maxSplits: 1).map(String.init)
        guard nameAndRest.count == 2, !nameAndRest[0].isEmpty else {
            throw DataError(location: location, message: "expected NAME=MIN:MAX (for example alliance_patient=1:7)")
        }
        var scale = RatingScale()
        let parts = nameAndRest[1].split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        for (k, part) in parts.enumerated() where !part.isEmpty {
            if k == 0 && !part.contains("=") && part != "lower-is-better" && part != "higher-is-better" {
                let bounds = part.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count == 2, let lo = Double(bounds[0]), let hi = Double(bounds[1]), lo.isFinite, hi.isFinite else {
                    throw DataError(location: location, message: "'\(part)' is not a range MIN:MAX such as 1:7")
                }
                scale.minimum = lo
                scale.maximum = hi
                continue
            }
            switch part {
            case "lower-is-better": scale.higherIsBetter = false; continue
            case "higher-is-better": scale.higherIsBetter = true; continue
            default: break
            }
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, let number = Double(kv[1]), number.isFinite else {
                throw DataError(location: location, message: "'\(part)' is not a range, reliability=R, sd=S or lower-is-better")
            }
            switch kv[0] {
            case "reliability": scale.reliability = number
            case "sd": scale.referenceSD = number
            default:
                throw DataError(location: location, message: "unknown setting '\(kv[0])' (expected reliability, sd, lower-is-better)")
            }
        }
        return (nameAndRest[0], try scale.validated(location: location))
    }
}
