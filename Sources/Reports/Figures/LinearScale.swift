import Foundation

/// A linear map from data values (the domain) to pixels (the range), with "pretty" tick marks.
public struct LinearScale: Sendable {
    public var domain: (lower: Double, upper: Double)
    public var range: (lower: Double, upper: Double)

    public init(domain: (Double, Double), range: (Double, Double)) {
        // A zero-width domain is widened so the map stays defined.
        if domain.0 == domain.1 {
            let pad = domain.0 == 0 ? 1 : abs(domain.0) * 0.1
            self.domain = (domain.0 - pad, domain.1 + pad)
        } else {
            self.domain = (domain.0, domain.1)
        }
        self.range = (range.0, range.1)
    }

    /// The pixel position of `x`.
    public func callAsFunction(_ x: Double) -> Double {
        range.lower + (x - domain.lower) / (domain.upper - domain.lower) * (range.upper - range.lower)
    }

    /// About `count` tick values covering the domain, on steps of 1, 2 or 5 times a power of ten
    /// (the rule of R's `pretty()`).
    public func ticks(count: Int = 5) -> [Double] {
        Self.prettyTicks(domain.lower, domain.upper, count: count).filter {
            $0 >= min(domain.lower, domain.upper) - 1e-9 * abs(domain.upper - domain.lower)
                && $0 <= max(domain.lower, domain.upper) + 1e-9 * abs(domain.upper - domain.lower)
        }
    }

    /// The domain widened outward to the nearest pretty ticks.
    public func nice(count: Int = 5) -> LinearScale {
        let t = Self.prettyTicks(domain.lower, domain.upper, count: count)
        guard let first = t.first, let last = t.last else { return self }
        return LinearScale(domain: (min(first, domain.lower), max(last, domain.upper)), range: (range.lower, range.upper))
    }

    /// Ticks from the step 1, 2, 5 or 10 times 10^k closest to (hi - lo) / count, from the
    /// multiple of the step at or below lo to the one at or above hi.
    static func prettyTicks(_ lo: Double, _ hi: Double, count: Int) -> [Double] {
        let a = min(lo, hi), b = max(lo, hi)
        guard b > a, count > 0 else { return [a] }
        let raw = (b - a) / Double(count)
        let power = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * power }.min { abs($0 - raw) < abs($1 - raw) }!
        let start = floor(a / step + 1e-9) * step, end = ceil(b / step - 1e-9) * step
        var ticks = [Double]()
        var k = 0.0
        while start + k * step <= end + step * 1e-9 {
            let v = start + k * step
            ticks.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return ticks
    }

    /// A tick label: as few decimals as the step needs, negative numbers with a true minus sign.
    public static func label(_ value: Double, step: Double) -> String {
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        let text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-") {
            let digits = text.dropFirst()
            return digits.allSatisfy { $0 == "0" || $0 == "." } ? String(digits) : "\u{2212}" + digits
        }
        return text
    }
}
