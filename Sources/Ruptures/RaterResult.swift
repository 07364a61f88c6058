/// What detection found for one rater under one criterion: per-session indicators, episodes and
/// per-patient classes.
public struct RaterResult: Sendable {
    public let rater: Rater
    public let criterion: RuptureCriterion
    /// Per panel row: 1 at a rupture onset, 0 at a session judged without one, -1 (missing) where
    /// no judgement was possible (rating missing, no previous session to compare with, end session
    /// under Stiles/Strauss, too few sessions around it for the stability test, patient with too
    /// few ratings).
    public let ruptureIndicator: [Int8]
    /// Per panel row: 1 at a session that repaired at least one rupture, 0 at another session
    /// with a rating, -1 where the rating is missing or the patient was not judged.
    public let repairIndicator: [Int8]
    /// Every episode, patients in panel order, onsets in session order.
    public let episodes: [Episode]
    /// The episodes of patient p are `episodes[episodeStarts[p] ..< episodeStarts[p + 1]]`.
    public let episodeStarts: [Int]
    /// Per patient: the class, or nil when the patient had too few ratings to be judged.
    public let classes: [PatientClass?]
    /// The threshold in scale points when it is the same for every patient (points, between-person
    /// SD, reliable change); nil when it depends on the patient's own SD.
    public let commonThreshold: Double?
    /// The between-person SD (SD of patient means) when the threshold uses it.
    public let betweenPersonSD: Double?
    /// The SD the reliable change index used (the scale's reference SD, or the SD of the
    /// patients' first observed ratings).
    public let referenceSD: Double?

    public init(rater: Rater, criterion: RuptureCriterion, ruptureIndicator: [Int8], repairIndicator: [Int8],
                episodes: [Episode], episodeStarts: [Int], classes: [PatientClass?], commonThreshold: Double?,
                betweenPersonSD: Double?, referenceSD: Double?) {
        self.rater = rater
        self.criterion = criterion
        self.ruptureIndicator = ruptureIndicator
        self.repairIndicator = repairIndicator
        self.episodes = episodes
        self.episodeStarts = episodeStarts
        self.classes = classes
        self.commonThreshold = commonThreshold
        self.betweenPersonSD = betweenPersonSD
        self.referenceSD = referenceSD
    }

    /// Patients with enough ratings to be judged.
    public var judgedPatients: Int { classes.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
}
