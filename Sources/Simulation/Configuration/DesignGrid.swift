/// The design factors a power study varies: each a field of the configuration (a dotted path
/// such as `patients`, `sessions.mean`, `distress.rupture_effect.patient` or `analysis.criterion`)
/// with the values it takes. Every combination is a cell; the first factor varies slowest.
///
/// ```yaml
/// grid:
///   patients: [60, 119, 200]
///   distress.rupture_effect.patient: [0, 1, 2]
/// ```
public struct DesignGrid: Sendable, Equatable {
    public struct Factor: Sendable, Equatable {
        /// The field's dotted path.
        public let path: String
        /// The values, as the canonical configuration writes them (labels for tables).
        public let values: [String]
    }

    public let factors: [Factor]

    /// The number of cells (1 without factors); `Int.max` when the product does not fit in an
    /// `Int` (which is more than any limit allows).
    public var cellCount: Int {
        factors.reduce(1) { product, factor in
            let (p, overflow) = product.multipliedReportingOverflow(by: factor.values.count)
            return overflow ? Int.max : p
        }
    }

    /// The value index of each factor in cell `k` (0-based), first factor slowest.
    public func valueIndices(ofCell k: Int) -> [Int] {
        var rest = k
        var out = [Int](repeating: 0, count: factors.count)
        for f in factors.indices.reversed() {
            out[f] = rest % factors[f].values.count
            rest /= factors[f].values.count
        }
        return out
    }
}
