import Foundation
import Yams

/// How a latent rating becomes an observed one: rounded to the scale's resolution, then censored
/// at the ends of the scale,
///
///     y = min(maximum, max(minimum, round(v y*) / v))
///
/// with v = `valuesPerPoint` distinct values per scale point (6 for the mean of six items scored
/// in whole points, 1 for a sum score; 0 leaves y* unrounded). Censoring at the top is the
/// ceiling: a latent alliance above the maximum is observed as the maximum, so a decline that
/// starts above it is seen smaller than it is.
public struct SimulatedScale: Sendable, Equatable {
    public var minimum: Double
    public var maximum: Double
    public var valuesPerPoint: Int

    public init(minimum: Double, maximum: Double, valuesPerPoint: Int) {
        self.minimum = minimum
        self.maximum = maximum
        self.valuesPerPoint = valuesPerPoint
    }

    /// The observed rating for the latent value `latent`.
    public func observed(_ latent: Double) -> Double {
        var y = latent
        if valuesPerPoint > 0 {
            let v = Double(valuesPerPoint)
            y = (y * v).rounded() / v
        }
        return min(maximum, max(minimum, y))
    }

    init(_ s: ConfigurationSection, default d: SimulatedScale) throws {
        minimum = try s.number("minimum", default: d.minimum)
        maximum = try s.number("maximum", default: d.maximum)
        valuesPerPoint = try s.integer("values_per_point", default: d.valuesPerPoint, minimum: 0)
        guard maximum > minimum else { throw s.error("maximum", "must be larger than the minimum (\(minimum))") }
        try s.finish()
    }

    var node: Node {
        CanonicalYAML.flowMapping([("minimum", CanonicalYAML.number(minimum)), ("maximum", CanonicalYAML.number(maximum)),
                                   ("values_per_point", CanonicalYAML.integer(valuesPerPoint))])
    }
}
