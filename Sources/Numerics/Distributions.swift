import CGSL
import Foundation

/// Why a distribution function could not be evaluated.
public enum DistributionError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidParameter(String)
    case invalidProbability(Double)

    public var description: String {
        switch self {
        case .invalidParameter(let what): return "invalid distribution parameter: \(what)"
        case .invalidProbability(let p): return "probability \(p) is outside [0, 1]"
        }
    }
}

/// GSL's default error handler aborts the process. alliance switches it off once, before the first
/// GSL call, and checks every result itself (a lazily initialised global runs exactly once, even
/// across threads).
let gslErrorHandlerOff: Void = { _ = gsl_set_error_handler_off() }()

/// A continuous distribution on the real line, with the four functions R users know as
/// `p*(x)`, `p*(x, lower.tail = FALSE)`, `q*(p)` and `q*(p, lower.tail = FALSE)`.
///
/// The upper-tail functions are computed directly, not as `1 - cdf`, so they keep full relative
/// accuracy for tiny tail probabilities (a p-value of 1e-17 stays 1e-17 and does not round to 0).
public protocol ContinuousDistribution: Sendable {
    /// P(X <= x).
    func cdf(_ x: Double) -> Double
    /// P(X > x).
    func upperTail(_ x: Double) -> Double
    /// The x with P(X <= x) = p. Throws for p outside [0, 1].
    func quantile(_ p: Double) throws -> Double
    /// The x with P(X > x) = p. Throws for p outside [0, 1].
    func upperQuantile(_ p: Double) throws -> Double
}

@inline(__always)
private func checkedProbability(_ p: Double) throws -> Double {
    _ = gslErrorHandlerOff
    guard p >= 0, p <= 1 else { throw DistributionError.invalidProbability(p) }
    return p
}

/// The normal distribution N(mean, sd^2) (GSL `gsl_cdf_gaussian_*`).
public struct Normal: ContinuousDistribution {
    public let mean: Double
    public let standardDeviation: Double

    public init(mean: Double = 0, standardDeviation: Double = 1) throws {
        guard mean.isFinite, standardDeviation.isFinite, standardDeviation > 0 else {
            throw DistributionError.invalidParameter("normal with mean \(mean), sd \(standardDeviation)")
        }
        _ = gslErrorHandlerOff
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The standard normal N(0, 1).
    public static let standard = try! Normal()

    public func cdf(_ x: Double) -> Double { gsl_cdf_gaussian_P(x - mean, standardDeviation) }
    public func upperTail(_ x: Double) -> Double { gsl_cdf_gaussian_Q(x - mean, standardDeviation) }
    public func quantile(_ p: Double) throws -> Double {
        mean + gsl_cdf_gaussian_Pinv(try checkedProbability(p), standardDeviation)
    }
    public func upperQuantile(_ p: Double) throws -> Double {
        mean + gsl_cdf_gaussian_Qinv(try checkedProbability(p), standardDeviation)
    }
}

/// Student's t distribution with `degreesOfFreedom` (> 0, fractional allowed, as Satterthwaite's
/// method gives) (GSL `gsl_cdf_tdist_*`). An infinite df is the standard normal.
public struct StudentT: ContinuousDistribution {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) throws {
        guard degreesOfFreedom > 0, !degreesOfFreedom.isNaN else {
            throw DistributionError.invalidParameter("t with \(degreesOfFreedom) degrees of freedom")
        }
        _ = gslErrorHandlerOff
        self.degreesOfFreedom = degreesOfFreedom
    }

    public func cdf(_ x: Double) -> Double {
        degreesOfFreedom.isInfinite ? gsl_cdf_ugaussian_P(x) : gsl_cdf_tdist_P(x, degreesOfFreedom)
    }
    public func upperTail(_ x: Double) -> Double {
        degreesOfFreedom.isInfinite ? gsl_cdf_ugaussian_Q(x) : gsl_cdf_tdist_Q(x, degreesOfFreedom)
    }
    public func quantile(_ p: Double) throws -> Double {
        let p = try checkedProbability(p)
        return degreesOfFreedom.isInfinite ? gsl_cdf_ugaussian_Pinv(p) : gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
    }
    public func upperQuantile(_ p: Double) throws -> Double {
        let p = try checkedProbability(p)
        return degreesOfFreedom.isInfinite ? gsl_cdf_ugaussian_Qinv(p) : gsl_cdf_tdist_Qinv(p, degreesOfFreedom)
    }

    /// The two-sided p-value of an observed t statistic, `2 P(T > |t|)`.
    public func twoSidedPValue(_ t: Double) -> Double {
        min(1, 2 * upperTail(abs(t)))
    }
}

/// The F distribution with numerator and denominator degrees of freedom (GSL `gsl_cdf_fdist_*`).
public struct FDistribution: ContinuousDistribution {
    public let numeratorDegreesOfFreedom: Double
    public let denominatorDegreesOfFreedom: Double

    public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) throws {
        guard numeratorDegreesOfFreedom > 0, numeratorDegreesOfFreedom.isFinite,
              denominatorDegreesOfFreedom > 0, denominatorDegreesOfFreedom.isFinite else {
            throw DistributionError.invalidParameter(
                "F with \(numeratorDegreesOfFreedom) and \(denominatorDegreesOfFreedom) degrees of freedom")
        }
        _ = gslErrorHandlerOff
        self.numeratorDegreesOfFreedom = numeratorDegreesOfFreedom
        self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
    }

    public func cdf(_ x: Double) -> Double {
        gsl_cdf_fdist_P(x, numeratorDegreesOfFreedom, denominatorDegreesOfFreedom)
    }
    public func upperTail(_ x: Double) -> Double {
        gsl_cdf_fdist_Q(x, numeratorDegreesOfFreedom, denominatorDegreesOfFreedom)
    }
    public func quantile(_ p: Double) throws -> Double {
        gsl_cdf_fdist_Pinv(try checkedProbability(p), numeratorDegreesOfFreedom, denominatorDegreesOfFreedom)
    }
    public func upperQuantile(_ p: Double) throws -> Double {
        gsl_cdf_fdist_Qinv(try checkedProbability(p), numeratorDegreesOfFreedom, denominatorDegreesOfFreedom)
    }
}

/// The chi-square distribution with `degreesOfFreedom` (GSL `gsl_cdf_chisq_*`).
public struct ChiSquared: ContinuousDistribution {
    public let degreesOfFreedom: Double

    public init(degreesOfFreedom: Double) throws {
        guard degreesOfFreedom > 0, degreesOfFreedom.isFinite else {
            throw DistributionError.invalidParameter("chi-square with \(degreesOfFreedom) degrees of freedom")
        }
        _ = gslErrorHandlerOff
        self.degreesOfFreedom = degreesOfFreedom
    }

    public func cdf(_ x: Double) -> Double { gsl_cdf_chisq_P(x, degreesOfFreedom) }
    public func upperTail(_ x: Double) -> Double { gsl_cdf_chisq_Q(x, degreesOfFreedom) }
    public func quantile(_ p: Double) throws -> Double {
        gsl_cdf_chisq_Pinv(try checkedProbability(p), degreesOfFreedom)
    }
    public func upperQuantile(_ p: Double) throws -> Double {
        gsl_cdf_chisq_Qinv(try checkedProbability(p), degreesOfFreedom)
    }
}
