/// Facilitating and hindering therapist moves in resolved and unresolved episodes: the 2 x 2
/// table of a task analysis's empirical comparison (Cirasola et al. 2023 found collaborative,
/// open and empathic moves facilitating resolution, rigid, defensive or invalidating ones
/// hindering it), with Fisher's exact test.
///
///                     facilitating   hindering
///     resolved             a             b
///     unresolved           c             d
///
/// The unit is the move. Moves of one episode, and episodes of one dyad, are not independent,
/// which Fisher's test assumes; read its p as descriptive of the pooled table.
public struct MovesByResolution: Sendable, Equatable, Encodable {
    public let resolvedEpisodes: Int
    public let unresolvedEpisodes: Int
    public let test: FisherExactTest

    public var facilitatingInResolved: Int { test.a }
    public var hinderingInResolved: Int { test.b }
    public var facilitatingInUnresolved: Int { test.c }
    public var hinderingInUnresolved: Int { test.d }

    /// Facilitating moves / all moves in resolved episodes; nil without moves there.
    public var facilitatingShareResolved: Double? { Self.share(test.a, of: test.a + test.b) }
    public var facilitatingShareUnresolved: Double? { Self.share(test.c, of: test.c + test.d) }

    public init(episodes: [CodedEpisode]) {
        let resolved = episodes.filter(\.resolved), unresolved = episodes.filter { !$0.resolved }
        resolvedEpisodes = resolved.count
        unresolvedEpisodes = unresolved.count
        test = FisherExactTest(a: resolved.reduce(0) { $0 + $1.facilitating }, b: resolved.reduce(0) { $0 + $1.hindering },
                               c: unresolved.reduce(0) { $0 + $1.facilitating }, d: unresolved.reduce(0) { $0 + $1.hindering })
    }

    static func share(_ x: Int, of n: Int) -> Double? { n > 0 ? Double(x) / Double(n) : nil }

    enum CodingKeys: String, CodingKey {
        case resolvedEpisodes = "resolved_episodes", unresolvedEpisodes = "unresolved_episodes"
        case facilitatingInResolved = "facilitating_in_resolved", hinderingInResolved = "hindering_in_resolved"
        case facilitatingInUnresolved = "facilitating_in_unresolved", hinderingInUnresolved = "hindering_in_unresolved"
        case facilitatingShareResolved = "facilitating_share_resolved"
        case facilitatingShareUnresolved = "facilitating_share_unresolved"
        case fisherP = "fisher_exact_p"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(resolvedEpisodes, forKey: .resolvedEpisodes)
        try c.encode(unresolvedEpisodes, forKey: .unresolvedEpisodes)
        try c.encode(facilitatingInResolved, forKey: .facilitatingInResolved)
        try c.encode(hinderingInResolved, forKey: .hinderingInResolved)
        try c.encode(facilitatingInUnresolved, forKey: .facilitatingInUnresolved)
        try c.encode(hinderingInUnresolved, forKey: .hinderingInUnresolved)
        try c.encode(facilitatingShareResolved, forKey: .facilitatingShareResolved)
        try c.encode(facilitatingShareUnresolved, forKey: .facilitatingShareUnresolved)
        try c.encode(test.pValue, forKey: .fisherP)
    }
}
