/// Changes to a preset criterion, as `alliance ruptures` options and power-study configurations
/// give them: each field left nil keeps the preset's value.
public struct CriterionOverrides: Sendable, Equatable {
    /// The repair rule: regain the pre-rupture level, or rise by the threshold.
    public enum Repair: String, Sendable, Equatable, CaseIterable {
        case `return`, rise
    }

    /// The criterion's amount: points (`drop`), k (the SD criteria), z (`rci`, `sudden-loss`).
    public var threshold: Double?
    public var repair: Repair?
    /// With a return repair: a rating within this many points of the pre-rupture level counts.
    public var tolerance: Double?
    /// Sessions after the onset within which a repair must come.
    public var window: Int?
    public var reference: RuptureReference?
    public var gaps: GapHandling?

    public init(threshold: Double? = nil, repair: Repair? = nil, tolerance: Double? = nil, window: Int? = nil,
                reference: RuptureReference? = nil, gaps: GapHandling? = nil) {
        self.threshold = threshold
        self.repair = repair
        self.tolerance = tolerance
        self.window = window
        self.reference = reference
        self.gaps = gaps
    }

    /// The preset called `name` with these changes. A tolerance without a repair rule means a
    /// return repair with that tolerance.
    public func applied(toPreset name: String) throws -> RuptureCriterion {
        var c = try RuptureCriterion.preset(named: name)
        if let threshold { c.threshold = c.threshold.with(amount: threshold) }
        switch repair {
        case .rise?: c.repair = .rise
        case .return?: c.repair = .returnToLevel(tolerance: tolerance ?? 0)
        case nil: if let tolerance { c.repair = .returnToLevel(tolerance: tolerance) }
        }
        if let window { c.window = window }
        if let reference { c.reference = reference }
        if let gaps { c.gaps = gaps }
        return c
    }
}
