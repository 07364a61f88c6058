import CGSL

/// The sample quantile of R's default rule (`quantile(x, p, type = 7)`, also Julia's
/// `Statistics.quantile` and NumPy's default): with n sorted values x_(1) <= ... <= x_(n) and
/// h = (n - 1) p, the value x_(floor h + 1) + (h - floor h) (x_(floor h + 2) - x_(floor h + 1)),
/// linear interpolation between order statistics. Computed by GSL's
/// `gsl_stats_quantile_from_sorted_data`, which implements exactly this rule.
public enum SampleQuantile {
    /// The quantile of `sorted` (ascending, not empty; NaN when empty) at probability `p` in [0, 1].
    public static func ofSorted(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted.withUnsafeBufferPointer { gsl_stats_quantile_from_sorted_data($0.baseAddress, 1, $0.count, p) }
    }
}
