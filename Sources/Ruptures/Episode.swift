/// One rupture: from its onset through its lowest point to its repair, if any.
///
/// Sessions are session numbers; ratings are on the scale as given (not reoriented).
public struct Episode: Sendable, Equatable, Encodable {
    public let patient: String
    public let rater: String
    /// The first session of the decline (the rupture session).
    public let onset: Int
    /// The session with the lowest rating from the onset until the repair (or the end of
    /// treatment when unrepaired); the first such session on ties.
    public let trough: Int
    /// The session that repaired it; nil when unrepaired.
    public let repair: Int?
    /// The level the rupture fell from: the previous rating, the peak of a multi-session decline,
    /// the person mean, the mean of earlier sessions, or the person's trend at the onset.
    public let preRuptureLevel: Double
    public let troughRating: Double
    /// How far the rating fell: the pre-rupture level minus the trough rating (for the trend
    /// reference, the trend at the trough session minus the trough rating), in scale points,
    /// positive.
    public let magnitude: Double
    /// Sessions from onset to trough, both included (1 for a one-session drop).
    public let length: Int

    public var repaired: Bool { repair != nil }

    public init(patient: String, rater: String, onset: Int, trough: Int, repair: Int?,
                preRuptureLevel: Double, troughRating: Double, magnitude: Double, length: Int) {
        self.patient = patient
        self.rater = rater
        self.onset = onset
        self.trough = trough
        self.repair = repair
        self.preRuptureLevel = preRuptureLevel
        self.troughRating = troughRating
        self.magnitude = magnitude
        self.length = length
    }

    enum CodingKeys: String, CodingKey {
        case patient, rater, onset, trough, repair, preRuptureLevel = "pre_rupture_level"
        case troughRating = "trough_rating", magnitude, length, repaired
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(patient, forKey: .patient)
        try c.encode(rater, forKey: .rater)
        try c.encode(onset, forKey: .onset)
        try c.encode(trough, forKey: .trough)
        try c.encode(repair, forKey: .repair)
        try c.encode(preRuptureLevel, forKey: .preRuptureLevel)
        try c.encode(troughRating, forKey: .troughRating)
        try c.encode(magnitude, forKey: .magnitude)
        try c.encode(length, forKey: .length)
        try c.encode(repaired, forKey: .repaired)
    }
}
