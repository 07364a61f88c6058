import Tabular

/// Where the level a session is compared with comes from.
public enum RuptureReference: String, Sendable, Codable, CaseIterable {
    /// The rating at the previous session: a rupture is a session-to-session drop.
    case previousSession = "previous"
    /// The patient's mean over all observed sessions.
    case personMean = "person-mean"
    /// The mean of the patient's observed sessions before this one.
    case earlierMean = "earlier-mean"
    /// The patient's own least-squares line on session number (a drop below the trend).
    case personTrend = "trend"
}

/// How large a drop must be to count as a rupture. Each case carries its amount: points,
/// a multiplier k of an SD, or the z of the reliable change index.
public enum RuptureThreshold: Sendable, Equatable {
    /// An absolute number of scale points.
    case points(Double)
    /// k x the patient's own SD (the SD of the patient's ratings; around the patient's line
    /// for the trend reference).
    case withinPersonSD(k: Double)
    /// k x the between-person SD (the SD of the patients' mean ratings).
    case betweenPersonSD(k: Double)
    /// k x the larger of the within-person and between-person SD (Gumz et al. 2012: the
    /// stricter of the two).
    case largerSD(k: Double)
    /// The reliable change index of Jacobson & Truax (1991): z x sqrt(2) x SD x sqrt(1 - r).
    case reliableChange(z: Double)

    /// The number the user sets with `--threshold`.
    public var amount: Double {
        switch self {
        case .points(let a), .withinPersonSD(let a), .betweenPersonSD(let a), .largerSD(let a), .reliableChange(let a): return a
        }
    }

    /// The same kind of threshold with another amount.
    public func with(amount a: Double) -> RuptureThreshold {
        switch self {
        case .points: return .points(a)
        case .withinPersonSD: return .withinPersonSD(k: a)
        case .betweenPersonSD: return .betweenPersonSD(k: a)
        case .largerSD: return .largerSD(k: a)
        case .reliableChange: return .reliableChange(z: a)
        }
    }

    /// A machine name for JSON.
    public var kind: String {
        switch self {
        case .points: return "points"
        case .withinPersonSD: return "within-person-sd"
        case .betweenPersonSD: return "between-person-sd"
        case .largerSD: return "larger-sd"
        case .reliableChange: return "reliable-change"
        }
    }

    /// `1 point`, `2 x within-person SD`, `RCI, z = 1.96`.
    public var description: String {
        let a = Column.numeric([amount]).text(at: 0)!
        switch self {
        case .points: return amount == 1 ? "1 point" : "\(a) points"
        case .withinPersonSD: return "\(a) x within-person SD"
        case .betweenPersonSD: return "\(a) x between-person SD"
        case .largerSD: return "\(a) x larger of within- and between-person SD"
        case .reliableChange: return "reliable change, z = \(a)"
        }
    }

    /// Whether the patient's own SD enters the threshold (then a patient needs three ratings).
    var usesWithinPersonSD: Bool {
        switch self {
        case .withinPersonSD, .largerSD: return true
        default: return false
        }
    }
}

/// When a rupture counts as repaired.
public enum RepairRule: Sendable, Equatable {
    /// A later rating regains the pre-rupture level, or comes within `tolerance` points of it.
    case returnToLevel(tolerance: Double)
    /// A later rating rises above the lowest rating since the rupture by at least the threshold.
    case rise

    public var name: String {
        switch self {
        case .returnToLevel: return "return"
        case .rise: return "rise"
        }
    }
}

/// What a missing session does to a session-to-session comparison.
public enum GapHandling: String, Sendable, Codable {
    /// A drop is only judged between consecutive session numbers (t - 1 and t both observed):
    /// a missing session is a gap.
    case breakAtGap = "break"
    /// A drop is judged against the last observed session, however far back.
    case bridgeGap = "bridge"
}

/// One operational definition of rupture and repair: every parameter of the detector.
///
/// With the presets in `RuptureCriterion.presets` this covers the published criteria; see
/// docs/METHODS.md for each one's source and assumptions.
public struct RuptureCriterion: Sendable, Equatable {
    /// The preset's name (`drop`, `rci`, ...), or `custom`.
    public var name: String
    public var reference: RuptureReference
    public var threshold: RuptureThreshold
    public var repair: RepairRule
    /// Sessions after the onset within which a repair must come (by session number); nil: by
    /// the end of treatment.
    public var window: Int?
    /// Whether a run of declining sessions counts as one rupture when its total decline from
    /// the last peak reaches the threshold (Gumz et al. 2012). Previous-session reference only.
    public var multiSessionDeclines: Bool
    /// Whether a patient's first and last observed sessions are never judged (Stiles et al. 2004:
    /// a rupture there cannot be seen as a V).
    public var endSessionsExcluded: Bool
    public var gaps: GapHandling
    /// Sudden-loss criterion 2: the drop is also at least this share of the previous rating.
    public var relativeDrop: Double?
    /// Sudden-loss criterion 3: the mean of up to three sessions before exceeds the mean of up to
    /// three sessions from t on, by a t test at this two-tailed alpha (Tang & DeRubeis 1999).
    public var stabilityAlpha: Double?

    public init(name: String = "custom", reference: RuptureReference = .previousSession,
                threshold: RuptureThreshold, repair: RepairRule = .returnToLevel(tolerance: 0),
                window: Int? = nil, multiSessionDeclines: Bool = false, endSessionsExcluded: Bool = false,
                gaps: GapHandling = .breakAtGap, relativeDrop: Double? = nil, stabilityAlpha: Double? = nil) {
        self.name = name
        self.reference = reference
        self.threshold = threshold
        self.repair = repair
        self.window = window
        self.multiSessionDeclines = multiSessionDeclines
        self.endSessionsExcluded = endSessionsExcluded
        self.gaps = gaps
        self.relativeDrop = relativeDrop
        self.stabilityAlpha = stabilityAlpha
    }

    /// The fewest observed ratings a patient needs to be judged at all: two for a comparison,
    /// three where the patient's own SD or line enters or the end sessions are excluded, four for
    /// the stability test (two on each side).
    public var minimumObservations: Int {
        var n = 2
        if threshold.usesWithinPersonSD || reference == .personTrend || endSessionsExcluded { n = 3 }
        if stabilityAlpha != nil { n = 4 }
        return n
    }

    /// Checks the parameters fit together; errors name the option.
    public func validated() throws -> RuptureCriterion {
        func fail(_ option: String, _ message: String) -> DataError { DataError(location: option, message: message) }
        guard threshold.amount > 0, threshold.amount.isFinite else {
            throw fail("--threshold", "must be a positive number, not \(threshold.amount)")
        }
        if let w = window, w < 1 { throw fail("--window", "must be at least 1 session, not \(w)") }
        if case .returnToLevel(let tolerance) = repair, !(tolerance >= 0 && tolerance.isFinite) {
            throw fail("--tolerance", "must be zero or a positive number, not \(tolerance)")
        }
        if multiSessionDeclines && reference != .previousSession {
            throw fail("--reference", "multi-session declines (criterion '\(name)') are defined against the previous session, not '\(reference.rawValue)'")
        }
        if (relativeDrop != nil || stabilityAlpha != nil) && reference != .previousSession {
            throw fail("--reference", "the sudden-loss tests (criterion '\(name)') are defined against the previous session, not '\(reference.rawValue)'")
        }
        if let a = stabilityAlpha, !(a > 0 && a < 1) { throw fail("--criterion", "stability alpha \(a) is not in (0, 1)") }
        return self
    }
}

extension RuptureCriterion: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, reference, threshold, repair, window, multiSessionDeclines = "multi_session_declines"
        case endSessionsExcluded = "end_sessions_excluded", gaps, relativeDrop = "relative_drop"
        case stabilityAlpha = "stability_alpha", minimumObservations = "minimum_observations"
    }
    enum ThresholdKeys: String, CodingKey { case kind, amount }
    enum RepairKeys: String, CodingKey { case rule, tolerance }

    /// Every parameter in force; a window of null means "by the end of treatment".
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(reference, forKey: .reference)
        var t = c.nestedContainer(keyedBy: ThresholdKeys.self, forKey: .threshold)
        try t.encode(threshold.kind, forKey: .kind)
        try t.encode(threshold.amount, forKey: .amount)
        var r = c.nestedContainer(keyedBy: RepairKeys.self, forKey: .repair)
        try r.encode(repair.name, forKey: .rule)
        if case .returnToLevel(let tolerance) = repair { try r.encode(tolerance, forKey: .tolerance) } else { try r.encodeNil(forKey: .tolerance) }
        try c.encode(window, forKey: .window)
        try c.encode(multiSessionDeclines, forKey: .multiSessionDeclines)
        try c.encode(endSessionsExcluded, forKey: .endSessionsExcluded)
        try c.encode(gaps, forKey: .gaps)
        try c.encode(relativeDrop, forKey: .relativeDrop)
        try c.encode(stabilityAlpha, forKey: .stabilityAlpha)
        try c.encode(minimumObservations, forKey: .minimumObservations)
    }
}
