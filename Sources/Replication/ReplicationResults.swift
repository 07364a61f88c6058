import MixedModels
import Ruptures
import SessionData

/// `results.json`: every number of the replication, machine-readable.
///
/// - `ruptures`: the JSON of `alliance ruptures` for the chosen criterion (with its sensitivity
///   table);
/// - `growth` (keys `patient`, `therapist`) and `lagged` (keys `patient`, `therapist`, `both`):
///   the JSON of `alliance fit` for each model that was fitted; a model that was not is listed
///   under `not_run` with the reason instead;
/// - `effects`: the rupture and repair effects of the lagged models with their standardized
///   effect, and `within_patient_sd_distress`, the SD they are divided by;
/// - `sensitivity`: per criterion and rater, the prevalence cell of `alliance ruptures` and the
///   rupture and repair effects with observed and detrended distress;
/// - `published`: each published finding next to this dataset's, and whether it holds;
/// - `sample`, `icc`, `correlation`, `therapists`, `criterion`, `data`, `data_note`.
struct ReplicationResults: Encodable {
    let analysis: ReplicationAnalysis
    let dataNote: String?

    struct NotRun: Encodable {
        let step: String
        let model: String
        let reason: String
    }

    struct SensitivityEntry: Encodable {
        let criterion: String
        let threshold: String
        let rater: String
        let prevalence: SensitivityAnalysis.Cell
        let observed: [LaggedEffect]
        let detrended: [LaggedEffect]
    }

    struct Effect: Encodable {
        let model: String
        let effect: LaggedEffect

        enum CodingKeys: String, CodingKey { case model }

        func encode(to encoder: any Encoder) throws {
            try effect.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
        }
    }

    enum CodingKeys: String, CodingKey {
        case study, data, data_note, criterion, therapists, sample, icc, correlation, ruptures, growth, lagged
        case effects, within_patient_sd_distress, sensitivity, published, not_run
    }

    func encode(to encoder: any Encoder) throws {
        let a = analysis
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(PublishedFindings.citation, forKey: .study)
        try c.encode(a.panel.source, forKey: .data)
        try c.encode(dataNote, forKey: .data_note)
        try c.encode(a.criterion, forKey: .criterion)
        try c.encode(a.therapists, forKey: .therapists)
        try c.encode(a.sample, forKey: .sample)
        try c.encode(a.iccs, forKey: .icc)
        try c.encode(a.correlation, forKey: .correlation)
        try c.encode(a.ruptures, forKey: .ruptures)
        var notRun = [NotRun]()
        var growth = [String: LinearMixedModelFit]()
        for m in a.growth {
            if let fit = m.outcome.fit { growth[m.rater] = fit }
            else { notRun.append(NotRun(step: "growth", model: m.rater, reason: m.outcome.reason ?? "")) }
        }
        var lagged = [String: LinearMixedModelFit]()
        for m in a.lagged {
            if let fit = m.outcome.fit { lagged[m.raters.rawValue] = fit }
            else { notRun.append(NotRun(step: "lagged", model: m.raters.rawValue, reason: m.outcome.reason ?? "")) }
        }
        try c.encode(growth, forKey: .growth)
        try c.encode(lagged, forKey: .lagged)
        try c.encode(a.lagged.flatMap { m in m.effects.map { Effect(model: m.raters.rawValue, effect: $0) } }, forKey: .effects)
        try c.encode(a.variables.withinPatientDistressSD, forKey: .within_patient_sd_distress)
        try c.encode(a.sensitivity.rows.flatMap { row in
            row.raters.map {
                SensitivityEntry(criterion: row.criterion.name, threshold: row.criterion.threshold.description, rater: $0.rater,
                                 prevalence: $0.prevalence, observed: $0.observed.effects, detrended: $0.detrended.effects)
            }
        }, forKey: .sensitivity)
        try c.encode(a.published.comparisons, forKey: .published)
        try c.encode(notRun, forKey: .not_run)
    }
}
