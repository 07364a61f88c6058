/// Gelman and Rubin's potential scale reduction (PSR, "R-hat") of one parameter, as Mplus computes
/// it for its convergence criterion (Mplus User's Guide, ch. 16 [V]: "Gelman & Rubin, 1992;
/// Gelman et al., 2004, pp. 296-297"; with one chain, the draws are split into two halves and
/// the halves compared, as Mplus splits the last half of its single chain into two quarters).
///
/// With m chains of n draws, chain means x_j, overall mean x, chain variances s_j^2 (divisor
/// n - 1), W = mean of s_j^2, B = n / (m - 1) sum (x_j - x)^2:
///
///     var+ = (n - 1) / n W + B / n,   PSR = sqrt(var+ / W).
///
/// PSR near 1 means the chains agree; 1.1 is the usual threshold. A parameter that is constant in
/// every chain (W = 0) has PSR 1 when the chains agree and infinity when they do not.
public enum PotentialScaleReduction {
    /// The PSR of `chains` (each the draws of one chain, all of the same length >= 2; a single
    /// chain is split into halves).
    public static func of(_ chains: [ArraySlice<Double>]) -> Double {
        var parts = chains
        if parts.count == 1 {
            let c = parts[0]
            let half = c.count / 2
            parts = [c[c.startIndex ..< c.startIndex + half], c[(c.endIndex - half)...]]
        }
        let m = Double(parts.count)
        let n = parts.map(\.count).min() ?? 0
        guard n >= 2 else { return .nan }
        var means = [Double](), w = 0.0
        for part in parts {
            let draws = part.prefix(n)
            let mean = draws.reduce(0, +) / Double(n)
            means.append(mean)
            w += draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        }
        w /= m
        let grand = means.reduce(0, +) / m
        let b = Double(n) / (m - 1) * means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) }
        if w == 0 { return b == 0 ? 1 : .infinity }
        let varPlus = Double(n - 1) / Double(n) * w + b / Double(n)
        return (varPlus / w).squareRoot()
    }
}
