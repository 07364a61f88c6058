import Yams

/// The latent alliance of one rater (patient or therapist) for patient i of therapist j at
/// session t = 1, 2, ...:
///
///     A*_it = mean + a_i + c_j + (slope + b_i)(t - 1) + z_it - D_it
///     z_it  = φ z_i,t-1 + η_it,   η ~ N(0, residualSD²),   z_i1 ~ N(0, residualSD² / (1 - φ²))
///
/// with a_i ~ N(0, patientSD²) the patient's random intercept, b_i ~ N(0, slopeSD²) the patient's
/// random slope (independent of a_i), c_j ~ N(0, therapistSD²) the therapist effect, z an AR(1)
/// process started from its stationary distribution, and D_it the summed sizes of the ruptures
/// this rater perceived that are not repaired by session t (`RuptureProcess`). The observed rating
/// is `scale.observed(A*_it)`: rounded to the scale's resolution and censored at its ends.
public struct RaterAlliance: Sendable, Equatable {
    public var mean: Double
    public var patientSD: Double
    public var slope: Double
    public var slopeSD: Double
    public var therapistSD: Double
    public var autoregression: Double
    public var residualSD: Double
    public var scale: SimulatedScale
    /// The reliability the analysis gives the scale (used only by the reliable-change criteria,
    /// `rci` and `sudden-loss`); it does not enter the simulation.
    public var reliability: Double

    public init(mean: Double, patientSD: Double, slope: Double, slopeSD: Double, therapistSD: Double,
                autoregression: Double, residualSD: Double, scale: SimulatedScale, reliability: Double) {
        self.mean = mean
        self.patientSD = patientSD
        self.slope = slope
        self.slopeSD = slopeSD
        self.therapistSD = therapistSD
        self.autoregression = autoregression
        self.residualSD = residualSD
        self.scale = scale
        self.reliability = reliability
    }

    init(_ s: ConfigurationSection, default d: RaterAlliance) throws {
        mean = try s.number("mean", default: d.mean)
        patientSD = try s.nonNegative("patient_sd", default: d.patientSD)
        slope = try s.number("slope", default: d.slope)
        slopeSD = try s.nonNegative("slope_sd", default: d.slopeSD)
        therapistSD = try s.nonNegative("therapist_sd", default: d.therapistSD)
        autoregression = try s.autoregression("autoregression", default: d.autoregression)
        residualSD = try s.nonNegative("residual_sd", default: d.residualSD)
        scale = try SimulatedScale(try s.section("scale"), default: d.scale)
        reliability = try s.number("reliability", default: d.reliability, requirement: "a reliability between 0 and 1 (exclusive of 1)") { $0 >= 0 && $0 < 1 }
        try s.finish()
    }

    var node: Node {
        CanonicalYAML.mapping([
            ("mean", CanonicalYAML.number(mean)), ("patient_sd", CanonicalYAML.number(patientSD)),
            ("slope", CanonicalYAML.number(slope)), ("slope_sd", CanonicalYAML.number(slopeSD)),
            ("therapist_sd", CanonicalYAML.number(therapistSD)), ("autoregression", CanonicalYAML.number(autoregression)),
            ("residual_sd", CanonicalYAML.number(residualSD)), ("scale", scale.node),
            ("reliability", CanonicalYAML.number(reliability)),
        ])
    }
}

/// The alliance as both raters see it: one `RaterAlliance` each, and the correlation of their
/// patient intercepts (a patient the patient rates high, the therapist tends to rate high too):
/// (a_i^patient / sd_p, a_i^therapist / sd_t) is standard bivariate normal with correlation
/// `raterCorrelation`.
public struct AllianceProcess: Sendable, Equatable {
    public var raterCorrelation = 0.3
    public var patient = RaterAlliance(mean: 5.5, patientSD: 0.7, slope: 0.03, slopeSD: 0.02, therapistSD: 0.1,
                                       autoregression: 0.3, residualSD: 0.4,
                                       scale: SimulatedScale(minimum: 1, maximum: 7, valuesPerPoint: 6), reliability: 0.9)
    public var therapist = RaterAlliance(mean: 5.0, patientSD: 0.6, slope: 0.03, slopeSD: 0.02, therapistSD: 0.2,
                                         autoregression: 0.3, residualSD: 0.4,
                                         scale: SimulatedScale(minimum: 1, maximum: 7, valuesPerPoint: 6), reliability: 0.9)

    public init() {}

    public subscript(rater: SimulatedRater) -> RaterAlliance { rater == .patient ? patient : therapist }

    init(_ s: ConfigurationSection, default d: AllianceProcess) throws {
        raterCorrelation = try s.number("rater_correlation", default: d.raterCorrelation,
                                        requirement: "a correlation between -1 and 1") { $0 >= -1 && $0 <= 1 }
        patient = try RaterAlliance(try s.section("patient"), default: d.patient)
        therapist = try RaterAlliance(try s.section("therapist"), default: d.therapist)
        try s.finish()
    }

    var node: Node {
        CanonicalYAML.mapping([("rater_correlation", CanonicalYAML.number(raterCorrelation)),
                               ("patient", patient.node), ("therapist", therapist.node)])
    }
}
