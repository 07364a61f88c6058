import Yams

/// The data-generating process of a simulated study of session-by-session ratings: the design
/// (therapists, patients, sessions, dropout, missing data), the latent alliance of each rater,
/// rupture events and their repair, and distress with the true effects of ruptures and repairs.
/// The equations are in the documentation of each part and in docs/METHODS.md ("Simulation").
///
/// Every field has a default (the values below and in the parts' declarations); a preset
/// (`SimulationPresets`) or a configuration file sets any of them.
public struct DataGeneratingProcess: Sendable, Equatable {
    public var design = SessionDesign()
    public var alliance = AllianceProcess()
    public var ruptures = RuptureProcess()
    public var distress = DistressProcess()

    public init() {}

    /// Reads the process from the top-level section (whose other fields, `analysis` and
    /// `grid`, belong to the power study).
    init(_ s: ConfigurationSection) throws {
        let d = DataGeneratingProcess()
        design = try SessionDesign(s, default: d.design)
        alliance = try AllianceProcess(try s.section("alliance"), default: d.alliance)
        ruptures = try RuptureProcess(try s.section("ruptures"), default: d.ruptures)
        distress = try DistressProcess(try s.section("distress"), default: d.distress)
    }

    /// The process's fields, in order, for the top-level mapping.
    var fields: [(String, Node)] {
        design.fields + [("alliance", alliance.node), ("ruptures", ruptures.node), ("distress", distress.node)]
    }
}
