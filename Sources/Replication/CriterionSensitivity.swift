import Numerics
import Ruptures
import SessionData
import Tabular

/// Step 6: how much the answers depend on the rupture criterion and on detrending. For every
/// criterion of `SensitivityAnalysis.criteria` (each preset with its default amount, plus the
/// RCI at z = 1.645) and each rater: the prevalence of ruptures (the `alliance ruptures`
/// sensitivity cell) and the rater's lagged model (`LaggedModel`) with distress as observed and
/// detrended, side by side. Gumz et al. (2012) [V] warn that results under different criteria
/// are only partly comparable; this shows by how much.
public struct CriterionSensitivity: Sendable {
    public struct Row: Sendable {
        public let criterion: RuptureCriterion
        public let raters: [Cell]
    }

    /// One rater under one criterion.
    public struct Cell: Sendable {
        public let rater: String
        /// Prevalence, ruptures and repairs as `alliance ruptures` reports them (with `unavailable`
        /// when the criterion cannot be applied, e.g. the RCI without a reliability).
        public let prevalence: SensitivityAnalysis.Cell
        public let observed: LaggedModel
        public let detrended: LaggedModel
    }

    public let rows: [Row]

    /// A label per row: the criterion's name, with its threshold when the name appears twice
    /// (the RCI at z = 1.96 and 1.645).
    public var rowLabels: [String] {
        let names = rows.map(\.criterion.name)
        return rows.map { row in
            names.filter { $0 == row.criterion.name }.count > 1
                ? "\(row.criterion.name), \(row.criterion.threshold.description)" : row.criterion.name
        }
    }

    /// `analysis` holds the prevalences already computed for the `alliance ruptures` report
    /// (`RuptureReport.sensitivity`); the detection is repeated here for the indicators per session
    /// the models need. The fits of all criteria run side by side.
    init(panel: Panel, raters: [Rater], analysis: SensitivityAnalysis, variables: SessionVariables,
         therapists: TherapistModelling, progress: AnalysisProgress) throws {
        let criteria = SensitivityAnalysis.criteria
        precondition(analysis.rows.count == criteria.count, "the sensitivity rows follow SensitivityAnalysis.criteria")
        let jobs = criteria.indices.flatMap { c in raters.indices.map { (c, $0) } }
        progress.step("sensitivity: lagged models under \(criteria.count) criteria, observed and detrended distress", total: jobs.count)
        let cells: [Cell] = try jobs.concurrentMap { job in
            let (c, k) = job
            let criterion = criteria[c]
            let prevalence = analysis.rows[c].raters[k]
            let rater = raters[k]
            let model = LaggedModel.Raters(rawValue: rater.name)!
            let models: [LaggedModel]
            if let reason = prevalence.unavailable, variables.hasDistress {
                models = LaggedModel.Distress.allCases.map {
                    LaggedModel.notRun(raters: model, distress: $0, reason: "the criterion cannot be applied: \(reason)")
                }
            } else {
                // Without distress there is nothing to fit, and the models say so.
                let marked = variables.hasDistress
                    ? try variables.with([try RuptureDetector(criterion: criterion).detect(in: panel, rater: rater)]) : variables
                models = LaggedModel.Distress.allCases.map {
                    LaggedModel.fit(raters: model, distress: $0, variables: marked, therapists: therapists, threads: 1)
                }
            }
            progress.advance()
            return Cell(rater: rater.name, prevalence: prevalence, observed: models[0], detrended: models[1])
        }
        rows = criteria.indices.map { c in
            Row(criterion: criteria[c], raters: Array(cells[(c * raters.count) ..< ((c + 1) * raters.count)]))
        }
    }
}
