import Foundation

/// How numbers become text in tables.
public enum CellFormatting {
    /// `value` with exactly `decimals` places; minus zero prints as zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NA" : (value > 0 ? "Inf" : "-Inf") }
        let s = String(format: "%.\(decimals)f", value)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// APA style for a p-value: `< .001`, otherwise three decimals without the leading zero.
    public static func pValue(_ p: Double) -> String {
        guard p.isFinite else { return "NA" }
        if p < 0.001 { return "< .001" }
        return withoutLeadingZero(fixed(p, decimals: 3))
    }

    /// `0.52` -> `.52`, `-0.13` -> `-.13`.
    public static func withoutLeadingZero(_ s: String) -> String {
        if s.hasPrefix("0.") { return String(s.dropFirst()) }
        if s.hasPrefix("-0.") { return "-" + s.dropFirst(2) }
        return s
    }

    /// The shortest text that reads back as exactly `value` (for CSV and JSON).
    public static func exact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "NA" : (value > 0 ? "Inf" : "-Inf") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// The cell as display text (APA conventions); `minus` is the minus sign to use.
    static func display(_ cell: Cell) -> String {
        switch cell {
        case .text(let s): return s
        case .number(let v, let d): return fixed(v, decimals: d)
        case .integer(let n): return String(n)
        case .pValue(let p): return pValue(p)
        case .bounded(let v, let d): return withoutLeadingZero(fixed(v, decimals: d))
        case .percent(let v, let d): return fixed(v, decimals: d) + "%"
        case .interval(let lo, let hi, let d): return "[\(fixed(lo, decimals: d)), \(fixed(hi, decimals: d))]"
        case .countAndPercent(let n, let percent, let d): return "\(n) (\(fixed(percent, decimals: d))%)"
        case .range(let lo, let hi, let d): return "\(fixed(lo, decimals: d))–\(fixed(hi, decimals: d))"
        case .empty: return ""
        }
    }
}
