import Numerics

/// Fisher's exact test of independence in a 2 x 2 table, two-sided, as R's `fisher.test`
/// computes it.
///
///              column 1   column 2
///     row 1       a          b
///     row 2       c          d
///
/// With all margins fixed, a follows the hypergeometric distribution with m = a + c successes,
/// n = b + d failures and k = a + b draws (`Hypergeometric`, from GSL). The two-sided p-value sums
/// the probabilities of every table at most as probable as the one observed:
///
///     p = Σ P(X = x) over x in the support with P(X = x) <= P(X = a) (1 + 10^-7)
///
/// (the relative tolerance 10^-7 is R's, so that tables as probable as the observed one up to
/// rounding count). As R does, the sum is divided by the sum over the whole support (1 up to
/// rounding), so a p-value of 1 comes out as exactly 1. Undefined (nil) for an empty table.
public struct FisherExactTest: Sendable, Equatable, Encodable {
    public let a: Int, b: Int, c: Int, d: Int
    public let pValue: Double?

    public init(a: Int, b: Int, c: Int, d: Int) {
        precondition(a >= 0 && b >= 0 && c >= 0 && d >= 0, "counts are not negative")
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
        guard a + b + c + d > 0, let distribution = try? Hypergeometric(successes: a + c, failures: b + d, draws: a + b) else {
            pValue = nil
            return
        }
        let probabilities = distribution.support.map { distribution.probability($0) }
        let observed = distribution.probability(a) * (1 + 1e-7)
        let total = probabilities.reduce(0, +)
        pValue = min(1, probabilities.filter { $0 <= observed }.reduce(0, +) / total)
    }

    enum CodingKeys: String, CodingKey { case table, pValue = "p_value" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode([[a, b], [c, d]], forKey: .table)
        try container.encode(pValue, forKey: .pValue)
    }
}
