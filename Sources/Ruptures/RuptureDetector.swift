import SessionData
import Tabular

/// Detects ruptures and repairs in a panel, for one rater under one criterion.
///
/// For each patient with at least `criterion.minimumObservations` observed ratings it sets the
/// patient's threshold θ_i in scale points,
/// - points: θ = the amount;
/// - within-person SD: θ_i = k · SD_i, the SD of the patient's ratings (n - 1 denominator; for
///   the trend reference, the residual SD around the patient's line, n - 2);
/// - between-person SD: θ = k · SD_between, the SD of the patients' mean ratings;
/// - larger SD (Gumz): θ_i = k · max(SD_i, SD_between);
/// - reliable change (Jacobson & Truax 1991): θ = z · sqrt(2) · SD_ref · sqrt(1 - r), with r the
///   scale's reliability and SD_ref its reference SD, or else the SD of the patients' first
///   observed ratings (the pre-treatment SD of the RCI);
/// then hands the patient's series to `SeriesDetector`. Ratings on a lower-is-better scale are
/// negated first, so a rupture is always a change for the worse.
public struct RuptureDetector: Sendable {
    public let criterion: RuptureCriterion

    public init(criterion: RuptureCriterion) throws {
        self.criterion = try criterion.validated()
    }

    public func detect(in panel: Panel, rater: Rater) throws -> RaterResult {
        let ratings = try panel.values(of: rater.column)
        let scale = panel.scales[rater.column] ?? RatingScale()
        let series = try SeriesDetector(criterion: criterion)
        var y = ObservedSeries()

        // Sample quantities (only where the threshold needs them): patient means and first ratings.
        var means = [Double](), firsts = [Double]()
        switch criterion.threshold {
        case .betweenPersonSD, .largerSD, .reliableChange:
            means.reserveCapacity(panel.patientCount)
            firsts.reserveCapacity(panel.patientCount)
            for p in 0..<panel.patientCount {
                y.fill(rows: panel.rows(ofPatient: p), sessions: panel.sessions, ratings: ratings, higherIsBetter: scale.higherIsBetter)
                if y.count > 0 { means.append(y.mean); firsts.append(y.values[0]) }
            }
        case .points, .withinPersonSD:
            break
        }
        let option = "--criterion \(criterion.name)"
        var betweenSD: Double? = nil
        var referenceSD: Double? = nil
        var common: Double? = nil
        switch criterion.threshold {
        case .points(let x):
            common = x
        case .betweenPersonSD(let k), .largerSD(let k):
            guard let sd = Descriptives(means).standardDeviation else {
                throw DataError(location: option, message: "needs the between-person SD of '\(rater.column)', which takes at least two patients with ratings")
            }
            betweenSD = sd
            if case .betweenPersonSD = criterion.threshold { common = k * sd }
        case .reliableChange(let z):
            guard let r = scale.reliability else {
                throw DataError(location: option, message: "needs the reliability of '\(rater.column)': give it with --scale \(rater.column)=MIN:MAX,reliability=R or in a codebook")
            }
            guard let sd = scale.referenceSD ?? Descriptives(firsts).standardDeviation else {
                throw DataError(location: option, message: "needs an SD for the reliable change index of '\(rater.column)': give it with --scale \(rater.column)=MIN:MAX,reliability=R,sd=S, or have at least two patients")
            }
            referenceSD = sd
            common = z * (2.0).squareRoot() * sd * (1 - r).squareRoot()
        case .withinPersonSD:
            break
        }

        var rupture = [Int8](repeating: -1, count: panel.rowCount)
        var repair = [Int8](repeating: -1, count: panel.rowCount)
        var episodes = [Episode]()
        var episodeStarts = [Int]()
        episodeStarts.reserveCapacity(panel.patientCount + 1)
        var outcome = SeriesDetector.Outcome()
        var classes = [PatientClass?](repeating: nil, count: panel.patientCount)
        for p in 0..<panel.patientCount {
            episodeStarts.append(episodes.count)
            y.fill(rows: panel.rows(ofPatient: p), sessions: panel.sessions, ratings: ratings, higherIsBetter: scale.higherIsBetter)
            guard y.count >= criterion.minimumObservations else { continue }
            let θ: Double
            switch criterion.threshold {
            case .withinPersonSD(let k):
                θ = k * withinPersonSD(y)
            case .largerSD(let k):
                θ = k * max(withinPersonSD(y), betweenSD!)
            default:
                θ = common!
            }
            series.detect(y, threshold: θ, into: &outcome)
            for k in 0..<y.count {
                rupture[y.rows[k]] = outcome.judged[k] ? 0 : -1
                repair[y.rows[k]] = 0
            }
            let first = episodes.count
            for found in outcome.episodes {
                rupture[y.rows[found.onset]] = 1
                if let u = found.repair { repair[y.rows[u]] = 1 }
                let sign = scale.higherIsBetter ? 1.0 : -1.0
                episodes.append(Episode(
                    patient: panel.patientIDs[p], rater: rater.name,
                    onset: y.sessions[found.onset], trough: y.sessions[found.trough],
                    repair: found.repair.map { y.sessions[$0] },
                    preRuptureLevel: sign * found.level, troughRating: y.raw[found.trough],
                    magnitude: found.magnitude, length: y.sessions[found.trough] - y.sessions[found.onset] + 1))
            }
            classes[p] = PatientClass(episodes: episodes[first...])
        }
        episodeStarts.append(episodes.count)
        return RaterResult(rater: rater, criterion: criterion, ruptureIndicator: rupture, repairIndicator: repair,
                           episodes: episodes, episodeStarts: episodeStarts, classes: classes, commonThreshold: common,
                           betweenPersonSD: betweenSD, referenceSD: referenceSD)
    }

    /// SD_i: the SD of the patient's ratings, or around the patient's line for the trend reference.
    private func withinPersonSD(_ y: ObservedSeries) -> Double {
        if criterion.reference == .personTrend { return y.line?.residualSD ?? .nan }
        return y.standardDeviation
    }
}
