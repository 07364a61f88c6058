import Testing
import Numerics

/// R's type-7 sample quantile (GSL's `gsl_stats_quantile_from_sorted_data`) against values worked
/// out by hand from the rule h = (n - 1) p, x_(floor h + 1) + (h - floor h)(x_(floor h + 2) - x_(floor h + 1)),
/// which are also what R's `quantile()` prints.
@Suite struct SampleQuantileTests {
    @Test func typeSevenOnKnownValues() {
        let oneToTwenty = (1...20).map(Double.init)
        // h = 19 * 0.025 = 0.475 -> 1 + 0.475; h = 19 * 0.975 = 18.525 -> 19 + 0.525.
        #expect(abs(SampleQuantile.ofSorted(oneToTwenty, 0.025) - 1.475) < 1e-12)
        #expect(abs(SampleQuantile.ofSorted(oneToTwenty, 0.975) - 19.525) < 1e-12)
        // quantile(c(3, 1, 4, 1, 5, 9, 2, 6), 0.3): sorted 1 1 2 3 4 5 6 9, h = 2.1 -> 2 + 0.1 (3 - 2).
        let sorted: [Double] = [1, 1, 2, 3, 4, 5, 6, 9]
        #expect(abs(SampleQuantile.ofSorted(sorted, 0.3) - 2.1) < 1e-12)
        // The median of an even count is the mean of the middle two; the ends are the extremes.
        #expect(SampleQuantile.ofSorted(sorted, 0.5) == 3.5)
        #expect(SampleQuantile.ofSorted(sorted, 0) == 1)
        #expect(SampleQuantile.ofSorted(sorted, 1) == 9)
        #expect(SampleQuantile.ofSorted([7], 0.9) == 7)
        #expect(SampleQuantile.ofSorted([], 0.5).isNaN)
    }
}
