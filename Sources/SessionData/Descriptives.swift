/// Count, mean, standard deviation, median and range of the non-missing values of a sample.
///
/// The SD is the sample SD, sqrt(Σ(x - x̄)² / (n - 1)), as R's `sd()` and SPSS compute it; the
/// median of an even count is the mean of the two middle values (R's default `median()`).
/// Statistics that need more values than there are (a mean of nothing, an SD of one value) are
/// nil, and JSON writes them as null.
public struct Descriptives: Sendable, Equatable, Encodable {
    public let count: Int
    public let mean: Double?
    public let standardDeviation: Double?
    public let median: Double?
    public let minimum: Double?
    public let maximum: Double?

    /// Describes `values`, skipping NaN (missing).
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        var sorted = values.filter { !$0.isNaN }
        sorted.sort()
        count = sorted.count
        guard count > 0 else {
            (mean, standardDeviation, median, minimum, maximum) = (nil, nil, nil, nil, nil)
            return
        }
        // Two passes: the mean, then squared deviations from it (no cancellation).
        let m = sorted.reduce(0, +) / Double(count)
        mean = m
        standardDeviation = count > 1 ? (sorted.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count - 1)).squareRoot() : nil
        median = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
        minimum = sorted.first
        maximum = sorted.last
    }

    enum CodingKeys: String, CodingKey {
        case count = "n", mean, standardDeviation = "sd", median, minimum = "min", maximum = "max"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .count)
        try c.encode(mean, forKey: .mean)
        try c.encode(standardDeviation, forKey: .standardDeviation)
        try c.encode(median, forKey: .median)
        try c.encode(minimum, forKey: .minimum)
        try c.encode(maximum, forKey: .maximum)
    }
}
