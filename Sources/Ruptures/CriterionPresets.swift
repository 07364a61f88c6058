import Tabular

/// The named criteria (`--criterion NAME`). Sources and every assumption: docs/METHODS.md,
/// section "Rupture criteria".
extension RuptureCriterion {
    /// A drop of at least 1 point from the previous session, repaired when a later session
    /// regains the pre-rupture rating.
    public static let drop = RuptureCriterion(name: "drop", threshold: .points(1))

    /// A drop from the previous session of at least the reliable change index,
    /// 1.96 x sqrt(2) x SD x sqrt(1 - reliability) (Jacobson & Truax 1991), repaired on regaining
    /// the pre-rupture rating.
    public static let rci = RuptureCriterion(name: "rci", threshold: .reliableChange(z: 1.96))

    /// Stiles et al. (2004): a drop from the previous session of at least 2 of the patient's own
    /// SDs, repaired on regaining the pre-rupture rating; first and last sessions not judged.
    public static let stiles = RuptureCriterion(name: "stiles-2sd", threshold: .withinPersonSD(k: 2),
                                                endSessionsExcluded: true)

    /// Strauss et al. (2006): as Stiles et al. with 1 SD.
    public static let strauss = RuptureCriterion(name: "strauss-1sd", threshold: .withinPersonSD(k: 1),
                                                 endSessionsExcluded: true)

    /// Gumz et al. (2012): a decline over one or more sessions from the last peak of at least
    /// k x the larger of the within- and between-person SD, repaired on regaining the peak.
    public static let gumz = RuptureCriterion(name: "gumz", threshold: .largerSD(k: 1), multiSessionDeclines: true)

    /// The mirror of Tang & DeRubeis' (1999) sudden gains as the R package suddengains codes them
    /// (`identify_sg`): a drop from t - 1 to t of at least the reliable change index, of at least
    /// 25% of the rating at t - 1, and a significant difference between the means of sessions
    /// t - 3..t - 1 and t..t + 2 (t test, alpha .05, critical value adjusted for missing sessions).
    public static let suddenLoss = RuptureCriterion(name: "sudden-loss", threshold: .reliableChange(z: 1.96),
                                                    relativeDrop: 0.25, stabilityAlpha: 0.05)

    /// Every named criterion, in the order the sensitivity table shows them.
    public static let presets: [RuptureCriterion] = [drop, rci, stiles, strauss, gumz, suddenLoss]

    /// The preset called `name`; an error naming `--criterion` and the choices otherwise.
    public static func preset(named name: String) throws -> RuptureCriterion {
        guard let c = presets.first(where: { $0.name == name }) else {
            throw DataError(location: "--criterion", message: "unknown criterion '\(name)' (choose \(presets.map(\.name).joined(separator: ", ")))")
        }
        return c
    }
}
