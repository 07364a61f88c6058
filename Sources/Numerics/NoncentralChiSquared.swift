import CGSL
import Foundation

/// The noncentral chi-square distribution with `degreesOfFreedom` k and noncentrality lambda: the
/// distribution of a sum of k squared independent normals with unit variance whose squared means
/// add up to lambda. The RMSEA's confidence interval and test of close fit use it (Browne & Cudeck
/// 1993; Steiger & Lind 1980).
///
/// The distribution function is the Poisson mixture of central chi-squares
/// `P(X <= x) = sum_j Pois(j; lambda / 2) P(chi2_{k + 2j} <= x)`, summed outward from the Poisson
/// mode until the remaining Poisson weight is below 1e-16 on both sides (GSL supplies the central
/// terms and the Poisson weights): the absolute error is below about 1e-16. The upper tail sums the
/// upper tails the same way, so upper-tail probabilities that are small but not below 1e-16 keep
/// their relative accuracy.
public struct NoncentralChiSquared: Sendable {
    public let degreesOfFreedom: Double
    public let noncentrality: Double

    public init(degreesOfFreedom: Double, noncentrality: Double) throws {
        guard degreesOfFreedom > 0, degreesOfFreedom.isFinite else {
            throw DistributionError.invalidParameter("chi-square with \(degreesOfFreedom) degrees of freedom")
        }
        guard noncentrality >= 0, noncentrality.isFinite else {
            throw DistributionError.invalidParameter("noncentrality \(noncentrality)")
        }
        _ = gslErrorHandlerOff
        self.degreesOfFreedom = degreesOfFreedom
        self.noncentrality = noncentrality
    }

    /// P(X <= x).
    public func cdf(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        return mixture { gsl_cdf_chisq_P(x, $0) }
    }

    /// P(X > x).
    public func upperTail(_ x: Double) -> Double {
        guard x > 0 else { return 1 }
        return mixture { gsl_cdf_chisq_Q(x, $0) }
    }

    /// `sum_j Pois(j; lambda / 2) term(k + 2j)`, from the mode outward.
    private func mixture(_ term: (Double) -> Double) -> Double {
        let mean = noncentrality / 2
        if mean == 0 { return term(degreesOfFreedom) }
        let mode = UInt32(min(mean.rounded(.down), Double(UInt32.max / 2)))
        let tolerance = 1e-16
        var sum = 0.0
        // Upward from the mode: the Poisson upper tail beyond j bounds what is left.
        var j = mode
        while true {
            let w = gsl_ran_poisson_pdf(j, mean)
            sum += w * term(degreesOfFreedom + 2 * Double(j))
            if Double(j) > mean, gsl_cdf_poisson_Q(j, mean) < tolerance { break }
            j += 1
        }
        // Downward from below the mode: the Poisson lower tail below j bounds what is left.
        j = mode
        while j > 0 {
            j -= 1
            let w = gsl_ran_poisson_pdf(j, mean)
            sum += w * term(degreesOfFreedom + 2 * Double(j))
            if j == 0 || gsl_cdf_poisson_P(j - 1, mean) < tolerance { break }
        }
        return min(max(sum, 0), 1)
    }
}
