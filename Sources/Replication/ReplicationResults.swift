import DSEM
import MixedModels
import Ruptures
import SEM
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
/// - `estimators`: the by-estimator table (multilevel, then DSEM and ML-SEM when they ran): each
///   estimator's name, description, interval, known bias, autoregression, remarks, and its rupture
///   and repair effects per rater (`estimate`, `lower`, `upper`, `p`, `standardized`,
///   `unavailable`);
/// - `dsem` and `mlsem` (keys `patient`, `therapist`): the JSON of `alliance dsem` and of
///   `alliance mlsem` for each model that was fitted (a model that was not is under `not_run`),
///   and `dynamic`, how they were fitted (seed, iterations, chains, sessions); null and empty
///   with `--no-dynamic`;
/// - `published`: each published finding next to this dataset's, by estimator, and whether it
///   holds;
/// - `sample`, `icc`, `correlation`, `therapists`, `criterion`, `data`, `data_note`.
///
/// Nothing in it depends on the run but the numbers: the fits' timings are left out (`timing`
/// keys), so the same data, options and seed give the same bytes.
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
        case estimators, dsem, mlsem, dynamic
    }

    /// The keys left out of `results.json`: what depends on the run, not on the data.
    static let omittedKeys: Set<String> = ["timing"]

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
        var dsem = [String: DSEMFit](), mlsem = [String: MLSEMFit]()
        for m in a.dsem {
            if let fit = m.fit { dsem[m.rater] = fit } else { notRun.append(NotRun(step: "dsem", model: m.rater, reason: m.unavailable ?? "")) }
        }
        for m in a.mlsem {
            if let fit = m.fit { mlsem[m.rater] = fit } else { notRun.append(NotRun(step: "mlsem", model: m.rater, reason: m.unavailable ?? "")) }
        }
        try c.encode(growth, forKey: .growth)
        try c.encode(lagged, forKey: .lagged)
        try c.encode(a.laggedEstimates, forKey: .estimators)
        try c.encode(dsem, forKey: .dsem)
        try c.encode(mlsem, forKey: .mlsem)
        try c.encode(a.dynamic, forKey: .dynamic)
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
