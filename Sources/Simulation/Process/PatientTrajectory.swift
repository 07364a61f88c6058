import Numerics

/// The random effects of one therapist: on each rater's alliance and on distress.
struct TherapistEffects {
    var alliance: PerRater<Double>
    var distress: Double

    /// Draws therapist effects in a fixed order from `stream`: patient-rated alliance,
    /// therapist-rated alliance, distress.
    init(process p: DataGeneratingProcess, stream: RandomStream) {
        alliance = PerRater(patient: stream.normal(standardDeviation: p.alliance.patient.therapistSD),
                            therapist: stream.normal(standardDeviation: p.alliance.therapist.therapistSD))
        distress = stream.normal(standardDeviation: p.distress.therapistSD)
    }
}

/// One patient's simulated course: the sessions observed, the ratings, and the events that
/// really happened (for checking what a rupture criterion recovers).
///
/// Session by session (t = 1, ..., N_i), in this order, which is the order of events in a
/// course of therapy where distress is rated before a session and the alliance after it:
/// 1. the latent processes move on: w_it (distress, with the effects of the ruptures and repairs
///    each rater perceived at t - 1) and z_it (each rater's alliance);
/// 2. ruptures due for repair at t are repaired;
/// 3. a new rupture may start (t >= 2);
/// 4. the session is attended (or missed), and the ratings are observed (or missing);
/// 5. the patient may drop out before session t + 1.
/// The equations are those of `RaterAlliance`, `RuptureProcess`, `DistressProcess` and
/// `SessionDesign`. Every draw comes from the patient's own `stream`, in a fixed order, so the
/// course is a function of the stream's key alone.
struct PatientTrajectory {
    var therapist: Int
    var sessions: [Int] = []
    var alliance = PerRater<[Double]>(patient: [], therapist: [])
    var distress: [Double] = []
    /// Per observed session: whether the rater perceived a rupture starting there.
    var ruptureStarted = PerRater<[Bool]>(patient: [], therapist: [])
    /// Per observed session: whether the rater perceived a rupture being repaired there.
    var ruptureRepaired = PerRater<[Bool]>(patient: [], therapist: [])

    /// A rupture that has started and is not yet repaired.
    private struct OpenRupture {
        var size: Double
        var perceived: PerRater<Bool>
        /// The session of its repair; nil: never repaired.
        var repairSession: Int?
    }

    /// Simulates patient `index` (0-based) of `process`, treated by one of the therapists whose
    /// effects are `therapists`, with `sessionCDF` the cumulative probabilities of the planned
    /// numbers of sessions `minimum...maximum`.
    init(process p: DataGeneratingProcess, index: Int, therapists: [TherapistEffects], sessionCDF: [Double],
         stream: RandomStream) {
        let design = p.design, a = p.alliance, d = p.distress, events = p.ruptures
        therapist = design.caseload == .balanced ? index % design.therapists : stream.integer(below: design.therapists)
        let u = stream.uniform()
        let planned = design.sessions.minimum + (sessionCDF.firstIndex { u < $0 } ?? sessionCDF.count - 1)

        // Patient random effects.
        let z1 = stream.normal(), z2 = stream.normal()
        let r = a.raterCorrelation
        let intercept = PerRater(patient: a.patient.patientSD * z1,
                                 therapist: a.therapist.patientSD * (r * z1 + (1 - r * r).squareRoot() * z2))
        let slope = PerRater(patient: stream.normal(standardDeviation: a.patient.slopeSD),
                             therapist: stream.normal(standardDeviation: a.therapist.slopeSD))
        let distressIntercept = stream.normal(standardDeviation: d.patientSD)
        let distressSlope = stream.normal(standardDeviation: d.slopeSD)

        // AR(1) states from their stationary distributions.
        func stationary(_ sd: Double, _ phi: Double) -> Double { stream.normal(standardDeviation: sd / (1 - phi * phi).squareRoot()) }
        var z = PerRater(patient: stationary(a.patient.residualSD, a.patient.autoregression),
                         therapist: stationary(a.therapist.residualSD, a.therapist.autoregression))
        let stationaryW = d.stationarySD
        var w = stream.normal(standardDeviation: stationaryW)

        var open = [OpenRupture]()
        var previousStart = PerRater(patient: false, therapist: false)
        var previousRepair = PerRater(patient: false, therapist: false)
        let effects = therapists[therapist]
        for t in 1...planned {
            // 1. Latent processes.
            if t > 1 {
                var shock = 0.0
                for rater in SimulatedRater.allCases {
                    if previousStart[rater] { shock += d.ruptureEffect[rater] }
                    if previousRepair[rater] { shock += d.repairEffect[rater] }
                }
                w = d.autoregression * w + shock + stream.normal(standardDeviation: d.residualSD)
                for rater in SimulatedRater.allCases {
                    z[rater] = a[rater].autoregression * z[rater] + stream.normal(standardDeviation: a[rater].residualSD)
                }
            }
            // 2. Repairs due now.
            var repaired = PerRater(patient: false, therapist: false)
            open.removeAll { rupture in
                guard rupture.repairSession == t else { return false }
                for rater in SimulatedRater.allCases where rupture.perceived[rater] { repaired[rater] = true }
                return true
            }
            // 3. A new rupture (and ruptures only one rater perceives).
            var started = PerRater(patient: false, therapist: false)
            if t >= 2 {
                func size() -> Double {
                    guard events.sizeSD > 0 else { return events.sizeMean }
                    let shape = (events.sizeMean / events.sizeSD) * (events.sizeMean / events.sizeSD)
                    return stream.gamma(shape: shape, scale: events.sizeSD * events.sizeSD / events.sizeMean)
                }
                func repairSession() -> Int? {
                    guard stream.bernoulli(events.repairProbability) else { return nil }
                    let extra = events.repairDelayMean > 1 ? stream.poisson(mean: events.repairDelayMean - 1) : 0
                    return t + 1 + extra
                }
                let standardized = stationaryW > 0 ? w / stationaryW : 0
                if stream.uniform() < events.onsetProbability(standardizedDistress: standardized) {
                    let s = size()
                    started = PerRater(patient: stream.bernoulli(events.sensitivity.patient),
                                       therapist: stream.bernoulli(events.sensitivity.therapist))
                    open.append(OpenRupture(size: s, perceived: started, repairSession: repairSession()))
                }
                // Drawn only when the rate is above 0, so that designs without own ruptures keep their streams.
                for rater in SimulatedRater.allCases where events.ownRate[rater] > 0 && stream.bernoulli(events.ownRate[rater]) {
                    let s = size()
                    var perceived = PerRater(patient: false, therapist: false)
                    perceived[rater] = true
                    started[rater] = true
                    open.append(OpenRupture(size: s, perceived: perceived, repairSession: repairSession()))
                }
            }
            // 4. Observation.
            if !stream.bernoulli(design.missing.session) {
                sessions.append(t)
                let elapsed = Double(t - 1)
                for rater in SimulatedRater.allCases {
                    let drop = open.reduce(0.0) { $0 + ($1.perceived[rater] ? $1.size : 0) }
                    let latent = a[rater].mean + intercept[rater] + effects.alliance[rater]
                        + (a[rater].slope + slope[rater]) * elapsed + z[rater] - drop
                    let missing = stream.bernoulli(design.missing.alliance[rater])
                    alliance[rater].append(missing ? .nan : a[rater].scale.observed(latent))
                    ruptureStarted[rater].append(started[rater])
                    ruptureRepaired[rater].append(repaired[rater])
                }
                let latentDistress = d.mean + distressIntercept + effects.distress + (d.slope + distressSlope) * elapsed + w
                distress.append(stream.bernoulli(design.missing.distress) ? .nan : d.scale.observed(latentDistress))
            }
            previousStart = started
            previousRepair = repaired
            // 5. Dropout.
            let perceivedOpen = open.contains { $0.perceived.patient || $0.perceived.therapist }
            if t < planned && stream.bernoulli(perceivedOpen ? design.dropout.openRuptureHazard : design.dropout.hazard) {
                break
            }
        }
    }
}
