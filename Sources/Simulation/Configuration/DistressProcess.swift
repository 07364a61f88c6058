import Yams

/// Distress, rated before each session (higher is worse), for patient i of therapist j:
///
///     D*_it = m_it + w_it
///     m_it  = mean + u_i + c_j + (slope + v_i)(t - 1)
///     w_it  = ρ w_i,t-1 + Σ_r (β_R[r] R^r_i,t-1 + β_P[r] P^r_i,t-1) + ε_it,   ε ~ N(0, residualSD²)
///     w_i1  ~ N(0, residualSD² / (1 - ρ²))
///
/// with u_i ~ N(0, patientSD²), v_i ~ N(0, slopeSD²), c_j ~ N(0, therapistSD²), ρ =
/// `autoregression`, and R^r_it, P^r_it = 1 when rater r perceived a rupture starting, or a
/// rupture being repaired, at session t. So D_i,t+1 = m_i,t+1 + ρ(D_it - m_it) + β_R R_it +
/// β_P P_it + ε: β_R = `ruptureEffect[r]` and β_P = `repairEffect[r]` are the true effects of
/// rupture_t and repair_t on distress_{t+1} that a power study tries to recover. The observed
/// rating is `scale.observed(D*_it)`.
public struct DistressProcess: Sendable, Equatable {
    public var mean = 20.0
    public var patientSD = 6.0
    public var slope = -0.3
    public var slopeSD = 0.2
    public var therapistSD = 0.0
    public var autoregression = 0.4
    public var residualSD = 3.0
    public var scale = SimulatedScale(minimum: 0, maximum: 40, valuesPerPoint: 1)
    public var ruptureEffect = PerRater(patient: 2.0, therapist: 0.0)
    public var repairEffect = PerRater(patient: -1.5, therapist: -1.5)

    public init() {}

    /// The SD of w in its stationary distribution, residualSD / sqrt(1 - ρ²).
    var stationarySD: Double { residualSD / (1 - autoregression * autoregression).squareRoot() }

    init(_ s: ConfigurationSection, default d: DistressProcess) throws {
        mean = try s.number("mean", default: d.mean)
        patientSD = try s.nonNegative("patient_sd", default: d.patientSD)
        slope = try s.number("slope", default: d.slope)
        slopeSD = try s.nonNegative("slope_sd", default: d.slopeSD)
        therapistSD = try s.nonNegative("therapist_sd", default: d.therapistSD)
        autoregression = try s.autoregression("autoregression", default: d.autoregression)
        residualSD = try s.nonNegative("residual_sd", default: d.residualSD)
        scale = try SimulatedScale(try s.section("scale"), default: d.scale)
        ruptureEffect = try PerRater(try s.section("rupture_effect"), default: d.ruptureEffect) { try $0.number($1, default: $2) }
        repairEffect = try PerRater(try s.section("repair_effect"), default: d.repairEffect) { try $0.number($1, default: $2) }
        try s.finish()
    }

    var node: Node {
        CanonicalYAML.mapping([
            ("mean", CanonicalYAML.number(mean)), ("patient_sd", CanonicalYAML.number(patientSD)),
            ("slope", CanonicalYAML.number(slope)), ("slope_sd", CanonicalYAML.number(slopeSD)),
            ("therapist_sd", CanonicalYAML.number(therapistSD)), ("autoregression", CanonicalYAML.number(autoregression)),
            ("residual_sd", CanonicalYAML.number(residualSD)), ("scale", scale.node),
            ("rupture_effect", ruptureEffect.node), ("repair_effect", repairEffect.node),
        ])
    }
}
