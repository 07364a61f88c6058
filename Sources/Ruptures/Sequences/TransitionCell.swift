/// One given-target pair of a lag-k transition table with its statistics (see `TransitionTable`),
/// as reported: nil marks a statistic that is undefined for this cell (or a p-value when no
/// permutations were run).
public struct TransitionCell: Sendable, Equatable, Encodable {
    /// Unit names.
    public let given: String
    public let target: String
    public let count: Int
    public let expected: Double?
    public let transitionalProbability: Double?
    public let adjustedResidual: Double?
    public let yulesQ: Double?
    /// Two-sided permutation p-value (`TransitionPermutationTest`).
    public let pValue: Double?

    /// The cells of `table`, row by row; `units` names the table's units.
    public static func cells(of table: TransitionTable, units: [String], permutation: TransitionPermutationTest?) -> [TransitionCell] {
        table.counts.indices.flatMap { g in
            table.counts.indices.map { t in
                TransitionCell(given: units[g], target: units[t], count: table.counts[g][t],
                               expected: table.expected(given: g, target: t),
                               transitionalProbability: table.transitionalProbability(given: g, target: t),
                               adjustedResidual: table.adjustedResidual(given: g, target: t),
                               yulesQ: table.yulesQ(given: g, target: t),
                               pValue: permutation?.pValue(given: g, target: t))
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case given, target, count, expected, transitionalProbability = "transitional_probability"
        case adjustedResidual = "adjusted_residual", yulesQ = "yules_q", pValue = "p_value"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(given, forKey: .given)
        try c.encode(target, forKey: .target)
        try c.encode(count, forKey: .count)
        try c.encode(expected, forKey: .expected)
        try c.encode(transitionalProbability, forKey: .transitionalProbability)
        try c.encode(adjustedResidual, forKey: .adjustedResidual)
        try c.encode(yulesQ, forKey: .yulesQ)
        try c.encode(pValue, forKey: .pValue)
    }
}
