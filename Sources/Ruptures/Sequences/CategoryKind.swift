/// What a category of codes does in the episode logic.
///
/// Observer systems such as the Rupture Resolution Rating System (3RS; Eubanks, Muran & Safran)
/// code withdrawal and confrontation rupture markers in the patient's behaviour and the
/// therapist's resolution strategies; task analyses of rupture resolution (e.g. Cirasola et al.
/// 2023) sort therapist moves into facilitating and hindering ones and look for a resolution.
/// Every other category (`other`) takes part in transitions and stage models only.
public enum CategoryKind: String, CaseIterable, Sendable, Codable {
    /// A withdrawal rupture marker: opens an episode.
    case withdrawal
    /// A confrontation rupture marker: opens an episode.
    case confrontation
    /// A therapist move that facilitates resolution (collaborative, open, empathic).
    case facilitating
    /// A therapist move that hinders resolution (rigid, defensive, invalidating).
    case hindering
    /// A resolution: closes the open episode as resolved.
    case resolution
    /// A user-defined category with no role in episodes (a stage of a model, a neutral code).
    case other

    public var isRuptureMarker: Bool { self == .withdrawal || self == .confrontation }

    /// Whether codes of this kind are therapist moves (facilitating or hindering).
    public var isTherapistMove: Bool { self == .facilitating || self == .hindering }

    /// The kinds that are also category names without being declared.
    public static let builtInCategories: [CategoryKind] = [.withdrawal, .confrontation, .facilitating, .hindering, .resolution]
}
