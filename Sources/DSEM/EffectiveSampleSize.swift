import Foundation

/// The effective sample size (ESS) of a parameter's draws over several chains: the number of
/// independent draws that would estimate its posterior mean as precisely.
///
/// The estimator of Gelman et al. (2013, BDA3, section 11.5) with Geyer's (1992) initial monotone
/// sequence, as Stan computes its classic `n_eff` [M]: with m chains of n draws, W and var+ as in
/// `PotentialScaleReduction`, and the chains' autocovariances at lag t averaged over chains
/// (divisor n), the autocorrelation is rho_t = 1 - (W - mean_j acov_j(t)) / var+. The sums of
/// adjacent pairs P_k = rho_2k + rho_2k+1 are added while positive, each no larger than the one
/// before (the initial monotone sequence), and
///
///     ESS = m n / tau,   tau = -1 + 2 sum_k P_k.
///
/// (rho_0 = 1.) Thinned draws count as draws. Draws that never move (W = 0) have ESS m n; the
/// ESS is at most m n log10(m n), Stan's cap for antithetic chains.
public enum EffectiveSampleSize {
    public static func of(_ chains: [ArraySlice<Double>]) -> Double {
        let m = chains.count
        let n = chains.map(\.count).min() ?? 0
        guard m > 0, n >= 4 else { return .nan }
        let slices = chains.map { Array($0.prefix(n)) }
        let means = slices.map { $0.reduce(0, +) / Double(n) }
        let variances = zip(slices, means).map { draws, mean in draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) }
        let w = variances.reduce(0, +) / Double(m)
        guard w > 0 else { return Double(m * n) }
        var varPlus = Double(n - 1) / Double(n) * w
        if m > 1 {
            let grand = means.reduce(0, +) / Double(m)
            varPlus += means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / Double(m - 1)
        }
        func rho(_ t: Int) -> Double {
            if t == 0 { return 1 }
            var acov = 0.0
            for (draws, mean) in zip(slices, means) {
                var s = 0.0
                for i in 0..<(n - t) { s += (draws[i] - mean) * (draws[i + t] - mean) }
                acov += s / Double(n)
            }
            return 1 - (w - acov / Double(m)) / varPlus
        }
        var tau = -1.0
        var previous = Double.infinity
        var k = 0
        while 2 * k + 1 < n {
            var pair = rho(2 * k) + rho(2 * k + 1)
            if pair <= 0 { break }
            pair = min(pair, previous)
            tau += 2 * pair
            previous = pair
            k += 1
        }
        // Stan's cap for antithetic chains, whose tau can be near 0.
        let total = Double(m * n)
        return min(total / tau, total * log10(total))
    }
}
