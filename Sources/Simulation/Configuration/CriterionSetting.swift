import Ruptures
import Tabular
import Yams

/// The rupture criterion a power study detects ruptures with: a preset of `alliance ruptures`
/// (`drop`, `rci`, `stiles-2sd`, `strauss-1sd`, `gumz`, `sudden-loss`), optionally with the same
/// overrides its options allow. Written as a name, `criterion: drop`, or as a mapping,
/// `criterion: {preset: rci, threshold: 1.645, window: 2}`.
public struct CriterionSetting: Sendable, Equatable {
    public var preset: String
    public var threshold: Double?
    public var repair: String?
    public var tolerance: Double?
    public var window: Int?
    public var reference: RuptureReference?
    public var gaps: GapHandling?
    /// The criterion in force (the preset with the overrides), validated.
    public let criterion: RuptureCriterion

    /// The `drop` preset without overrides.
    public static let drop = CriterionSetting(preset: "drop", criterion: .drop)

    private init(preset: String, criterion: RuptureCriterion) {
        self.preset = preset
        self.criterion = criterion
    }

    init(preset: String, threshold: Double? = nil, repair: String? = nil, tolerance: Double? = nil, window: Int? = nil,
         reference: RuptureReference? = nil, gaps: GapHandling? = nil) throws {
        self.preset = preset
        self.threshold = threshold
        self.repair = repair
        self.tolerance = tolerance
        self.window = window
        self.reference = reference
        self.gaps = gaps
        let overrides = CriterionOverrides(threshold: threshold, repair: repair.flatMap(CriterionOverrides.Repair.init(rawValue:)),
                                           tolerance: tolerance, window: window, reference: reference, gaps: gaps)
        criterion = try RuptureDetector(criterion: overrides.applied(toPreset: preset)).criterion
    }

    init(_ value: ConfigurationValue?, field: String, location: String, default d: CriterionSetting) throws {
        func failing(_ body: () throws -> CriterionSetting) throws -> CriterionSetting {
            do { return try body() } catch let error as DataError {
                // The detector names its command-line option; here the field is what to fix.
                throw DataError(location: value?.location ?? location, message: "field '\(field)': \(error.message)")
            }
        }
        switch value {
        case nil:
            self = d
        case .scalar(let name, _)?:
            self = try failing { try CriterionSetting(preset: name) }
        case .mapping?:
            let s = try ConfigurationSection(value, path: field, location: location)
            let preset = try s.text("preset", default: d.preset)
            let threshold = try s.value("threshold") == nil ? nil : s.number("threshold", default: 0)
            let repair = try s.value("repair") == nil ? nil : s.text("repair", default: "")
            if let repair, repair != "rise" && repair != "return" { throw s.error("repair", "must be return or rise, not '\(repair)'") }
            let tolerance = try s.value("tolerance") == nil ? nil : s.nonNegative("tolerance", default: 0)
            let window = try s.value("window") == nil ? nil : s.integer("window", default: 1, minimum: 1)
            let reference: RuptureReference? = try s.value("reference") == nil ? nil : s.choice("reference", default: .previousSession)
            let gaps: GapHandling? = try s.value("gaps") == nil ? nil : s.choice("gaps", default: .breakAtGap, among: [.breakAtGap, .bridgeGap])
            try s.finish()
            self = try failing {
                try CriterionSetting(preset: preset, threshold: threshold, repair: repair, tolerance: tolerance, window: window,
                                     reference: reference, gaps: gaps)
            }
        case let other?:
            throw DataError(location: other.location, message: "field '\(field)' must be a criterion name or a mapping with 'preset', not \(Excerpt.quoted(other.text))")
        }
    }

    /// The overrides in force, as (field, value text).
    private var overrides: [(String, String)] {
        var out = [(String, String)]()
        if let threshold { out.append(("threshold", CanonicalYAML.numberText(threshold))) }
        if let repair { out.append(("repair", repair)) }
        if let tolerance { out.append(("tolerance", CanonicalYAML.numberText(tolerance))) }
        if let window { out.append(("window", String(window))) }
        if let reference { out.append(("reference", reference.rawValue)) }
        if let gaps { out.append(("gaps", gaps.rawValue)) }
        return out
    }

    /// `drop`, or `rci (threshold 1.645, window 2)` for tables.
    public var label: String {
        overrides.isEmpty ? preset : preset + " (" + overrides.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
    }

    var node: Node {
        overrides.isEmpty ? CanonicalYAML.text(preset)
            : CanonicalYAML.flowMapping([("preset", CanonicalYAML.text(preset))] + overrides.map { ($0.0, Node($0.1)) })
    }
}

