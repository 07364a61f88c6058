import Foundation

/// Numbers formatted as R's `format()` and `printCoefmat()` format them, so that alliance's
/// text output reads like lme4's and lmerTest's `summary()` (R 4.2, `formatReal` in
/// src/main/format.c and `printCoefmat` in the stats package [V: read with `body(printCoefmat)`;
/// checked against lmerTest's printed summaries in the tests]).
public enum RNumberFormat {
    /// R's `format(x, digits = digits)` of a numeric vector: every value to at least `digits`
    /// significant digits in one common notation: fixed with as many decimals as the value that
    /// needs most, unless scientific notation is narrower.
    public static func format(_ values: [Double], digits: Int) -> [String] {
        var negative = false
        var maxLeft = 1, maxRight = 0, maxSignificant = 1, wideExponent = false
        for x in values where x.isFinite {
            if x < 0 { negative = true }
            let (power, significant) = scientific(x, digits: digits)
            maxLeft = max(maxLeft, power >= 0 ? power + 1 : 1)
            maxRight = max(maxRight, significant - power - 1)
            maxSignificant = max(maxSignificant, significant)
            if abs(power) >= 100 { wideExponent = true }
        }
        let sign = negative ? 1 : 0
        let fixedWidth = sign + maxLeft + (maxRight > 0 ? maxRight + 1 : 0)
        let scientificWidth = sign + (maxSignificant > 1 ? maxSignificant + 1 : 1) + (wideExponent ? 5 : 4)
        let useFixed = fixedWidth <= scientificWidth
        return values.map { x in
            guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "Inf" : "-Inf") }
            let value = x == 0 ? 0 : x   // no "-0"
            if useFixed { return String(format: "%.\(maxRight)f", value) }
            return String(format: "%.\(maxSignificant - 1)e", value)
        }
    }

    /// The decimal exponent of x and the significant digits it needs, at most `digits` (R's
    /// `scientific()`: x rounded to `digits` significant digits, trailing zeros dropped).
    static func scientific(_ x: Double, digits: Int) -> (power: Int, significant: Int) {
        guard x != 0 else { return (0, 1) }
        var power = Int(Foundation.floor(Foundation.log10(Swift.abs(x))))
        var mantissa = (Swift.abs(x) / Foundation.pow(10, Double(power)) * Foundation.pow(10, Double(digits - 1))).rounded()
        if mantissa >= Foundation.pow(10, Double(digits)) { power += 1; mantissa = (mantissa / 10).rounded() }
        var significant = digits
        var m = Int64(mantissa)
        while significant > 1 && m % 10 == 0 { m /= 10; significant -= 1 }
        return (power, significant)
    }

    /// R 4.2's `zapsmall(x, digits)`: every value rounded to digits - log10(max |x|) decimals
    /// (that number rounded to the nearest integer, as R's `round()` takes it; at least 0).
    public static func zapsmall(_ values: [Double], digits: Int) -> [Double] {
        let largest = values.filter(\.isFinite).reduce(0) { max($0, abs($1)) }
        guard largest > 0 else { return values }
        let decimals = max(0, Int((Double(digits) - Foundation.log10(largest) + 0.5).rounded(.down)))
        let scale = Foundation.pow(10.0, Double(decimals))
        return values.map { ($0 * scale).rounded(.toNearestOrEven) / scale }
    }

    /// The Estimate, Std. Error and df columns of `printCoefmat` (formatted together): rounded to
    /// max(1, digits - (1 + floor(log10(smallest non-zero |value|)))) decimals, then `format`ted;
    /// a non-zero value that would print as zero is formatted alone with digits - 1.
    public static func coefficientColumns(_ values: [Double], digits: Int = 4) -> [String] {
        let nonZero = values.filter { $0.isFinite && $0 != 0 }.map(Swift.abs)
        let smallest = nonZero.min() ?? 1
        let decimals = max(1, digits - (1 + Int(Foundation.floor(Foundation.log10(smallest)))))
        let scale = Foundation.pow(10, Double(min(decimals, 300)))
        let rounded = values.map { decimals > 15 ? $0 : ($0 * scale).rounded() / scale }
        var text = format(rounded, digits: digits)
        for (k, x) in values.enumerated() where x != 0 && Double(text[k]) == 0 {
            text[k] = format([x], digits: max(1, digits - 1))[0]
        }
        return text
    }

    /// The t value column of `printCoefmat`: rounded to `digits - 1` decimals, then `format`ted.
    public static func testStatistics(_ values: [Double], digits: Int = 4) -> [String] {
        let decimals = max(1, min(5, digits - 1))
        let scale = Foundation.pow(10, Double(decimals))
        return format(values.map { ($0 * scale).rounded() / scale }, digits: digits)
    }

    /// R's `format.pval(p, digits, eps = 2.2e-16)`: below eps "< 2e-16"; p-values of 1e-4 and
    /// above formatted together in fixed notation, smaller ones together in scientific.
    public static func pValues(_ values: [Double], digits: Int = 3) -> [String] {
        let eps = 2.220446e-16
        var out = [String](repeating: "", count: values.count)
        let exponentOf = { (p: Double) -> Double in Foundation.floor(Foundation.log10(p > 0 ? p : 1e-50)) }
        let fixedGroup = values.indices.filter { values[$0] >= eps && (exponentOf(values[$0]) >= -3 || values[$0] == 0) }
        let smallGroup = values.indices.filter { values[$0] >= eps && !(exponentOf(values[$0]) >= -3 || values[$0] == 0) }
        for group in [fixedGroup, smallGroup] where !group.isEmpty {
            for (k, s) in zip(group, format(group.map { values[$0] }, digits: digits)) { out[k] = s }
        }
        for k in values.indices where values[k] < eps { out[k] = "< " + format([eps], digits: 1)[0] }
        for k in values.indices where !values[k].isFinite { out[k] = "NA" }
        return out
    }
}
