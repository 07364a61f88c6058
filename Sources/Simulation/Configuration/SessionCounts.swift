import Foundation
import Yams

/// How many sessions each patient is planned to have: a distribution truncated to
/// `minimum...maximum` (before dropout and missed sessions).
///
/// - `fixed`: every patient has `mean` sessions.
/// - `poisson`: P(N = n) ∝ e^-m m^n / n!.
/// - `negative-binomial`: the gamma-Poisson mixture with mean m and standard deviation s
///   (s² > m): size r = m² / (s² - m), P(N = n) ∝ Γ(n + r) / (Γ(r) n!) q^r (1 - q)^n, q = r / (r + m);
///   session counts in routine care are overdispersed, which the Poisson cannot show.
/// - `uniform`: every count in minimum...maximum equally likely.
///
/// Truncation renormalizes the probabilities over minimum...maximum, so `mean` is the mean of the
/// untruncated distribution; docs/METHODS.md gives the truncated mean of each preset.
public struct SessionCounts: Sendable, Equatable {
    public enum Distribution: String, Sendable, CaseIterable {
        case fixed, poisson, negativeBinomial = "negative-binomial", uniform
    }

    public var distribution: Distribution = .poisson
    public var mean = 12.0
    /// The standard deviation (negative binomial only).
    public var sd = 5.0
    public var minimum = 3
    public var maximum = 30

    public init() {}

    /// The largest number of sessions a patient may have (keeps the probability table small).
    static let largestMaximum = 1000

    /// P(N = n) for n = minimum...maximum, summing to 1.
    public func probabilities() -> [Double] {
        let p = untruncatedProbabilities()
        let total = p.reduce(0, +)
        return p.map { $0 / total }
    }

    /// The untruncated P(N = n) for n = minimum...maximum (for fixed and uniform, weights).
    private func untruncatedProbabilities() -> [Double] {
        let counts = minimum...maximum
        switch distribution {
        case .fixed:
            return counts.map { Double($0) == mean ? 1 : 0 }
        case .uniform:
            return counts.map { _ in 1 }
        case .poisson:
            return counts.map { n in exp(Double(n) * log(mean) - mean - lgamma(Double(n) + 1)) }
        case .negativeBinomial:
            let r = mean * mean / (sd * sd - mean), q = r / (r + mean)
            return counts.map { n in
                let k = Double(n)
                return exp(lgamma(k + r) - lgamma(r) - lgamma(k + 1) + r * log(q) + k * log1p(-q))
            }
        }
    }

    init(_ s: ConfigurationSection, default d: SessionCounts) throws {
        distribution = try s.choice("distribution", default: d.distribution)
        mean = try s.number("mean", default: d.mean, requirement: "a number larger than 0 and at most \(Self.largestMaximum)") {
            $0 > 0 && $0 <= Double(Self.largestMaximum)
        }
        sd = try s.number("sd", default: d.sd, requirement: "a number larger than 0 and at most \(Self.largestMaximum)") {
            $0 > 0 && $0 <= Double(Self.largestMaximum)
        }
        minimum = try s.integer("minimum", default: d.minimum, minimum: 1)
        maximum = try s.integer("maximum", default: d.maximum, minimum: 1)
        try s.finish()
        guard maximum >= minimum, maximum <= Self.largestMaximum else {
            throw s.error("maximum", "must be between the minimum (\(minimum)) and \(Self.largestMaximum), not \(maximum)")
        }
        switch distribution {
        case .fixed:
            guard mean >= Double(minimum), mean <= Double(maximum), mean == mean.rounded() else {
                throw s.error("mean", "must be a whole number between minimum and maximum for a fixed number of sessions, not \(mean)")
            }
        case .negativeBinomial:
            guard sd * sd > mean else {
                throw s.error("sd", "must exceed the square root of the mean (\(mean.squareRoot())) for a negative binomial, whose variance is larger than its mean")
            }
        case .poisson, .uniform:
            break
        }
        // The truncated distribution must have some mass: the untruncated probability of
        // minimum...maximum must not underflow.
        if distribution == .poisson || distribution == .negativeBinomial {
            let mass = untruncatedProbabilities().reduce(0, +)
            guard mass.isFinite, mass > 1e-12 else {
                let fields = distribution == .negativeBinomial ? "mean \(mean) and sd \(sd)" : "mean \(mean)"
                throw s.error("mean", "(with \(fields)) puts almost no probability (\(mass.isFinite ? String(format: "%.3g", mass) : "0")) on \(minimum) to \(maximum) sessions")
            }
        }
    }

    var node: Node {
        CanonicalYAML.mapping([
            ("distribution", CanonicalYAML.text(distribution.rawValue)), ("mean", CanonicalYAML.number(mean)),
            ("sd", CanonicalYAML.number(sd)), ("minimum", CanonicalYAML.integer(minimum)),
            ("maximum", CanonicalYAML.integer(maximum)),
        ])
    }
}
