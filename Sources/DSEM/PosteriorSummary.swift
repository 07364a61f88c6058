import Numerics

/// The summary of one parameter's posterior draws (all chains' kept draws together), as Mplus
/// reports it plus the mean, the PSR and the ESS.
///
/// - `median`: the point estimate (Mplus's default, "Point estimate MEDIAN" in its output [V]);
/// - `mean`, `sd`: the posterior mean and standard deviation (divisor n - 1);
/// - `lower`, `upper`: the 2.5% and 97.5% quantiles (for level 0.95), the equal-tailed credible
///   interval, by R's default quantile rule (type 7: linear interpolation between order
///   statistics; `SampleQuantile`, GSL's);
/// - `p`: Mplus's one-tailed posterior p-value, the share of draws on the other side of zero from
///   the median (at or below zero for a positive median, at or above zero for a negative one) [M:
///   Mplus's definition as its documentation and discussion board describe it];
/// - `psr`, `ess`: `PotentialScaleReduction` and `EffectiveSampleSize` over the chains.
public struct PosteriorSummary: Sendable, Equatable {
    public let median: Double
    public let mean: Double
    public let sd: Double
    public let lower: Double
    public let upper: Double
    public let p: Double
    public let psr: Double
    public let ess: Double

    /// Whether the credible interval excludes zero (Mplus's "Significance" asterisk).
    public var significant: Bool { lower > 0 || upper < 0 }

    public init(chains: [ArraySlice<Double>], level: Double = 0.95) {
        var all = [Double]()
        for c in chains { all += c }
        all.sort()
        let n = all.count
        median = SampleQuantile.ofSorted(all, 0.5)
        mean = all.reduce(0, +) / Double(n)
        let m = mean
        sd = n > 1 ? (all.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot() : 0
        lower = SampleQuantile.ofSorted(all, (1 - level) / 2)
        upper = SampleQuantile.ofSorted(all, 1 - (1 - level) / 2)
        let other = median >= 0 ? all.filter { $0 <= 0 }.count : all.filter { $0 >= 0 }.count
        p = Double(other) / Double(n)
        psr = PotentialScaleReduction.of(chains)
        ess = EffectiveSampleSize.of(chains)
    }
}
