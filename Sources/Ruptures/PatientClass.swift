/// A patient's course classified as in Holmqvist Larsson et al. (2018) and McLaughlin et al.
/// (2014): repaired rupture, unrepaired rupture, or no rupture.
///
/// A patient with several ruptures is `rupture` when any of them is still unrepaired at the end
/// of treatment, and `repair` when all were repaired [our rule; the sources classify courses,
/// not episodes].
public enum PatientClass: String, Sendable, Codable, CaseIterable {
    case repair = "Repair"
    case rupture = "Rupture"
    case noRupture = "No rupture"

    /// The class of a course with these episodes.
    public init(episodes: some Collection<Episode>) {
        if episodes.isEmpty { self = .noRupture } else if episodes.allSatisfy(\.repaired) { self = .repair } else { self = .rupture }
    }
}
