/// Readable names of a power study's grid factors for tables and figures: the dotted path of a
/// configuration field (`distress.rupture_effect.patient`) becomes what a reader calls it
/// ("Rupture effect on distress (patient-rated)"). Fields without a name of their own are
/// spelled out from their path ("Alliance, patient: autoregression").
enum GridFactorLabel {
    static let known: [String: String] = [
        "patients": "Patients",
        "therapists": "Therapists",
        "caseload": "Caseload",
        "sessions.mean": "Sessions per patient (mean)",
        "sessions.sd": "Sessions per patient (SD)",
        "sessions.distribution": "Distribution of sessions per patient",
        "sessions.minimum": "Fewest sessions per patient",
        "sessions.maximum": "Most sessions per patient",
        "dropout.hazard": "Dropout per session",
        "dropout.open_rupture_hazard": "Dropout per session while a rupture is open",
        "missing.session": "Missed sessions (share)",
        "missing.distress": "Missing distress ratings (share)",
        "missing.alliance_patient": "Missing patient-rated alliance (share)",
        "missing.alliance_therapist": "Missing therapist-rated alliance (share)",
        "distress.rupture_effect.patient": "Rupture effect on distress (patient-rated)",
        "distress.rupture_effect.therapist": "Rupture effect on distress (therapist-rated)",
        "distress.repair_effect.patient": "Repair effect on distress (patient-rated)",
        "distress.repair_effect.therapist": "Repair effect on distress (therapist-rated)",
        "distress.autoregression": "Autoregression of distress",
        "distress.patient_sd": "Between-patient SD of distress",
        "distress.residual_sd": "Residual SD of distress",
        "ruptures.rate": "Rupture rate per session",
        "ruptures.size_mean": "Rupture size (mean, points)",
        "ruptures.size_sd": "Rupture size (SD, points)",
        "ruptures.repair_probability": "Probability of repair",
        "ruptures.repair_delay_mean": "Sessions to repair (mean)",
        "ruptures.sensitivity.patient": "Share of ruptures the patient perceives",
        "ruptures.sensitivity.therapist": "Share of ruptures the therapist perceives",
        "ruptures.distress_feedback": "Effect of distress on rupture risk",
        "analysis.criterion": "Rupture criterion",
        "analysis.alpha": "Significance level",
    ]

    /// The name of the factor at `path`.
    static func label(_ path: String) -> String {
        if let name = known[path] { return name }
        var parts = path.split(separator: ".").map { $0.replacingOccurrences(of: "_", with: " ") }
        guard let last = parts.popLast() else { return path }
        guard !parts.isEmpty else { return last.prefix(1).uppercased() + last.dropFirst() }
        let head = parts.joined(separator: ", ")
        return head.prefix(1).uppercased() + head.dropFirst() + ": " + last
    }
}
