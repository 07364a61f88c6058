import Foundation

/// The effective sample size (ESS) of a parameter's draws over several chains: the number of
/// independent draws that would estimate its posterior mean as precisely.
///
/// Stan's estimator as rstan 2.21 computes it (`rstan:::ess_rfun`, Vehtari, Gelman, Simpson,
/// Carpenter & Bürkner 2021, eqs. 9-10, on the draws themselves, without their rank
/// normalization) [V: rstan's source, and reference values from it in the tests]. With m chains of
/// n draws, each chain's autocovariances acov_j(t) (divisor n), W the mean of the chains'
/// variances (divisor n - 1) and var+ = (n - 1)/n W + the variance of the chain means, the
/// autocorrelations are rho_t = 1 - (W - mean_j acov_j(t)) / var+ (rho_0 = 1). Geyer's initial
/// positive sequence: pairs (rho_2k, rho_2k+1) are taken while their sum is positive (the even
/// term of the first pair that is not is kept if it is positive), then made monotone (a pair whose
/// sum exceeds the previous pair's takes half of that sum for each term), and
///
///     ESS = m n / tau,   tau = -1 + 2 (rho_0 + ... + rho_(T-1)) + rho_T,
///
/// T the last even lag reached, with tau at least 1 / log10(m n). Thinned draws count as draws.
/// Draws that never move (W = 0) have ESS m n.
public enum EffectiveSampleSize {
    public static func of(_ chains: [ArraySlice<Double>]) -> Double {
        let m = chains.count
        let n = chains.map(\.count).min() ?? 0
        guard m > 0, n >= 4 else { return .nan }
        let draws = chains.map { Array($0.prefix(n)) }
        let means = draws.map { $0.reduce(0, +) / Double(n) }
        let centred = zip(draws, means).map { d, mean in d.map { $0 - mean } }
        func meanAutocovariance(_ t: Int) -> Double {
            var total = 0.0
            for c in centred {
                var s = 0.0
                for i in 0..<(n - t) { s += c[i] * c[i + t] }
                total += s / Double(n)
            }
            return total / Double(m)
        }
        let w = meanAutocovariance(0) * Double(n) / Double(n - 1)
        guard w > 0 else { return Double(m * n) }
        var varPlus = w * Double(n - 1) / Double(n)
        if m > 1 {
            let grand = means.reduce(0, +) / Double(m)
            varPlus += means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / Double(m - 1)
        }
        func rho(_ t: Int) -> Double { 1 - (w - meanAutocovariance(t)) / varPlus }

        var r = [Double](repeating: 0, count: n)
        var t = 0
        var even = 1.0, odd = rho(1)
        r[0] = even
        r[1] = odd
        while t < n - 5, !(even + odd).isNaN, even + odd > 0 {
            t += 2
            even = rho(t)
            odd = rho(t + 1)
            if even + odd >= 0 {
                r[t] = even
                r[t + 1] = odd
            }
        }
        let last = t
        if even > 0 { r[last] = even }
        // Geyer's initial monotone sequence.
        t = 0
        while t <= last - 4 {
            t += 2
            if r[t] + r[t + 1] > r[t - 2] + r[t - 1] {
                r[t] = (r[t - 2] + r[t - 1]) / 2
                r[t + 1] = r[t]
            }
        }
        let total = Double(m * n)
        var tau = -1 + 2 * r[0..<last].reduce(0, +) + r[last]
        tau = max(tau, 1 / log10(total))
        return total / tau
    }
}
