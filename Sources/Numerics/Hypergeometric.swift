import CGSL

/// The hypergeometric distribution: the number of successes X in `draws` draws without
/// replacement from an urn holding `successes` successes and `failures` failures (R's
/// `dhyper(x, m, n, k)` with m = successes, n = failures, k = draws):
///
///     P(X = x) = C(m, x) C(n, k - x) / C(m + n, k),   max(0, k - n) <= x <= min(k, m)
///
/// Probabilities are GSL's `gsl_ran_hypergeometric_pdf`, which works with log-factorials and so
/// stays accurate for large counts. This is the distribution of the top-left cell of a 2 x 2
/// table with fixed margins, on which Fisher's exact test rests.
public struct Hypergeometric: Sendable, Equatable {
    public let successes: Int
    public let failures: Int
    public let draws: Int

    /// Throws unless all three are non-negative, `draws` is at most the urn's size, and the urn
    /// fits GSL's unsigned int.
    public init(successes: Int, failures: Int, draws: Int) throws {
        guard successes >= 0, failures >= 0, draws >= 0, draws <= successes + failures,
              successes + failures <= Int(UInt32.max) else {
            throw DistributionError.invalidParameter(
                "hypergeometric with \(successes) successes, \(failures) failures and \(draws) draws")
        }
        _ = gslErrorHandlerOff
        self.successes = successes
        self.failures = failures
        self.draws = draws
    }

    /// The values X can take: max(0, k - n) ... min(k, m).
    public var support: ClosedRange<Int> { max(0, draws - failures) ... min(draws, successes) }

    /// P(X = x); 0 outside the support.
    public func probability(_ x: Int) -> Double {
        guard support.contains(x) else { return 0 }
        return gsl_ran_hypergeometric_pdf(UInt32(x), UInt32(successes), UInt32(failures), UInt32(draws))
    }
}
