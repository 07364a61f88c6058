import SessionData

/// The per-rater summary a paper reports (docs/REPLICATION-SOURCES.md §6): how many patients had
/// a rupture, with a Wilson 95% CI, how many ruptures and repairs, ruptures per patient, when the
/// first rupture came, how deep they were, and how many sessions sat at the scale's ceiling.
///
/// Denominators: `patients` counts the patients judged (enough ratings for the criterion);
/// `patientsNotJudged` the others, which are left out of every proportion.
public struct RaterSummary: Sendable, Encodable {
    public let rater: String
    public let column: String
    public let patients: Int
    public let patientsNotJudged: Int
    public let patientsWithRupture: Int
    /// patientsWithRupture / patients; nil when no patient was judged.
    public let prevalence: Double?
    public let prevalenceCI: WilsonInterval?
    public let ruptures: Int
    public let repairs: Int
    /// repairs / ruptures; nil without ruptures.
    public let repairedShare: Double?
    public let patientsWithRepair: Int
    /// Ruptures per judged patient (zeros included).
    public let rupturesPerPatient: Descriptives
    /// Session number of each patient's first rupture (patients with one).
    public let firstRuptureSession: Descriptives
    public let magnitude: Descriptives
    public let length: Descriptives
    /// Share of observed ratings at the best end of the scale; nil without a scale range.
    public let ceilingShare: Double?
    /// Patients per class (Repair, Rupture, No rupture).
    public let classes: [PatientClass: Int]
    /// Sessions at which a rupture could be judged.
    public let sessionsJudged: Int
    public let thresholdPoints: Double?
    public let betweenPersonSD: Double?
    public let referenceSD: Double?
    public let episodes: [Episode]

    public init(result: RaterResult, panel: Panel) throws {
        rater = result.rater.name
        column = result.rater.column
        patients = result.judgedPatients
        patientsNotJudged = panel.patientCount - patients
        var perPatient = [Int](repeating: 0, count: panel.patientCount)
        var repairedPerPatient = [Int](repeating: 0, count: panel.patientCount)
        var firstSession = [Double]()
        var repairCount = 0
        for p in 0..<panel.patientCount {
            let range = result.episodeStarts[p] ..< result.episodeStarts[p + 1]
            perPatient[p] = range.count
            for k in range where result.episodes[k].repair != nil { repairedPerPatient[p] += 1 }
            repairCount += repairedPerPatient[p]
            if let k = range.first { firstSession.append(Double(result.episodes[k].onset)) }
        }
        let judged = (0..<panel.patientCount).filter { result.classes[$0] != nil }
        patientsWithRupture = judged.filter { perPatient[$0] > 0 }.count
        patientsWithRepair = judged.filter { repairedPerPatient[$0] > 0 }.count
        prevalence = patients > 0 ? Double(patientsWithRupture) / Double(patients) : nil
        prevalenceCI = WilsonInterval(successes: patientsWithRupture, trials: patients)
        ruptures = result.episodes.count
        repairs = repairCount
        repairedShare = ruptures > 0 ? Double(repairs) / Double(ruptures) : nil
        rupturesPerPatient = Descriptives(judged.map { Double(perPatient[$0]) })
        firstRuptureSession = Descriptives(firstSession)
        magnitude = Descriptives(result.episodes.map(\.magnitude))
        length = Descriptives(result.episodes.map { Double($0.length) })
        var counts = [PatientClass: Int]()
        for c in PatientClass.allCases { counts[c] = 0 }
        for case let c? in result.classes { counts[c, default: 0] += 1 }
        classes = counts
        sessionsJudged = result.ruptureIndicator.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }
        ceilingShare = try panel.scales[result.rater.column]?.ceilingShare(of: panel.values(of: result.rater.column))
        thresholdPoints = result.commonThreshold
        betweenPersonSD = result.betweenPersonSD
        referenceSD = result.referenceSD
        episodes = result.episodes
    }

    enum CodingKeys: String, CodingKey {
        case rater, column, patients, patientsNotJudged = "patients_not_judged"
        case patientsWithRupture = "patients_with_rupture", prevalence, prevalenceCI = "prevalence_ci"
        case ruptures, repairs, repairedShare = "repaired_share", patientsWithRepair = "patients_with_repair"
        case rupturesPerPatient = "ruptures_per_patient", firstRuptureSession = "first_rupture_session"
        case magnitude, length, ceilingShare = "ceiling_share", classes, sessionsJudged = "sessions_judged"
        case thresholdPoints = "threshold_points", betweenPersonSD = "between_person_sd"
        case referenceSD = "reference_sd", episodes
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rater, forKey: .rater)
        try c.encode(column, forKey: .column)
        try c.encode(patients, forKey: .patients)
        try c.encode(patientsNotJudged, forKey: .patientsNotJudged)
        try c.encode(patientsWithRupture, forKey: .patientsWithRupture)
        try c.encode(prevalence, forKey: .prevalence)
        try c.encode(prevalenceCI, forKey: .prevalenceCI)
        try c.encode(ruptures, forKey: .ruptures)
        try c.encode(repairs, forKey: .repairs)
        try c.encode(repairedShare, forKey: .repairedShare)
        try c.encode(patientsWithRepair, forKey: .patientsWithRepair)
        try c.encode(rupturesPerPatient, forKey: .rupturesPerPatient)
        try c.encode(firstRuptureSession, forKey: .firstRuptureSession)
        try c.encode(magnitude, forKey: .magnitude)
        try c.encode(length, forKey: .length)
        try c.encode(ceilingShare, forKey: .ceilingShare)
        try c.encode(Dictionary(uniqueKeysWithValues: classes.map { ($0.key.rawValue, $0.value) }), forKey: .classes)
        try c.encode(sessionsJudged, forKey: .sessionsJudged)
        try c.encode(thresholdPoints, forKey: .thresholdPoints)
        try c.encode(betweenPersonSD, forKey: .betweenPersonSD)
        try c.encode(referenceSD, forKey: .referenceSD)
        try c.encode(episodes, forKey: .episodes)
    }
}
