/// The named study configurations (`--preset NAME`, or `preset: NAME` at the top of a file).
///
/// Every number of a preset is here, in its YAML text, and nowhere else: the preset spells out
/// every field (a test checks that none is left to a default), so tuning a preset is a change of
/// numbers in this file only. The simulation code has no preset-specific paths.
public enum SimulationPresets {
    /// Gidhagen, Holmqvist & Falkenström (2025), *Rupture and repair in the working alliance
    /// among patients with substance use disorder*, Psychotherapy Research,
    /// doi:10.1080/10503307.2025.2569043, as far as its public summary describes it (research
    /// notes, section 0): 119 patients of 6 therapists, about 16 sessions, patient- and
    /// therapist-rated alliance after every session on a 1-7 scale from 6 items (the SAI, whose
    /// coding is not verified), distress before every session on CORE-10 (0-40), patient ratings
    /// near the ceiling, alliance rising over sessions; patient-rated ruptures followed by higher
    /// distress, repairs (rated by either) by lower. The effect sizes, variances and rupture
    /// rates are not published; the values below are plausible, not estimates, tuned so that
    /// `alliance replicate` on `--seed 2025` (the bundled datasets/sud-synthetic.csv) and on most
    /// other seeds shows the published pattern under the `drop` criterion
    /// (`Benchmarks/preset-sud-2025.sh`). The pattern comes from causal structure [I]: distress
    /// responds to the ruptures the patient perceives (+2.5) and to the repairs either rater
    /// perceives (-3); therapists perceive few of the patients' ruptures (sensitivity .15) and
    /// many of their own (`own_rate` .12, which the patient does not perceive and which do not
    /// affect distress), so therapist-rated ruptures carry little association with next-session
    /// distress, and none of their own.
    public static let sud2025 = """
    # Gidhagen et al. (2025) SUD sample: 119 patients, 6 therapists, ~16 sessions (simulated data)
    therapists: 6
    patients: 119
    caseload: balanced
    sessions: {distribution: negative-binomial, mean: 16, sd: 7, minimum: 3, maximum: 40}
    dropout: {hazard: 0, open_rupture_hazard: 0}
    missing: {session: 0.05, alliance_patient: 0.04, alliance_therapist: 0.04, distress: 0.04}
    alliance:
      rater_correlation: 0.3
      patient:
        mean: 5.8
        patient_sd: 0.6
        slope: 0.1
        slope_sd: 0.03
        therapist_sd: 0.1
        autoregression: 0.3
        residual_sd: 0.35
        scale: {minimum: 1, maximum: 7, values_per_point: 6}
        reliability: 0.9
      therapist:
        mean: 5.2
        patient_sd: 0.5
        slope: 0.12
        slope_sd: 0.03
        therapist_sd: 0.3
        autoregression: 0.3
        residual_sd: 0.45
        scale: {minimum: 1, maximum: 7, values_per_point: 6}
        reliability: 0.9
    ruptures:
      rate: 0.18
      size_mean: 1.3
      size_sd: 0.4
      repair_probability: 0.8
      repair_delay_mean: 2
      sensitivity: {patient: 0.55, therapist: 0.15}
      own_rate: {patient: 0, therapist: 0.12}
      distress_feedback: 0.3
    distress:
      mean: 18
      patient_sd: 6
      slope: -0.25
      slope_sd: 0.2
      therapist_sd: 0.5
      autoregression: 0.3
      residual_sd: 3
      scale: {minimum: 0, maximum: 40, values_per_point: 1}
      rupture_effect: {patient: 2.5, therapist: 0}
      repair_effect: {patient: -3, therapist: -3}
    analysis:
      criterion: drop
      raters: [patient, therapist]
      estimators: [lagged-observed, lagged-centred, detrended]
      alpha: 0.05
      oracle: true
    """

    /// The built-in defaults (docs/METHODS.md, "Simulation"): a generic design to start from.
    public static let defaults = "# the built-in defaults of every field\n"

    /// Preset texts by name.
    public static let all: [(name: String, text: String)] = [("sud-2025", sud2025), ("default", defaults)]

    public static var names: [String] { all.map(\.name) }

    public static func text(named name: String) -> String? { all.first { $0.name == name }?.text }
}
