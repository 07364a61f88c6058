import DynamicModels
import MixedModels
import Numerics
import SEM
import Ruptures
import SessionData
import Tabular

/// One replication of one cell of a power study: simulate a dataset from the cell's process with
/// the stream keyed by (seed, [cell, replication]), detect ruptures in each rater's ratings, fit
/// every estimator to each rater's data, and record each focal term.
///
/// Nothing here is shared between replications, so replications can run on any thread in any
/// order with the same result. Each model runs its own finite differences on one thread
/// (`threads = 1`), since replications already run side by side.
struct SimulatedReplication {
    let cell: StudyCell
    let number: Int
    let seed: UInt64

    /// The records of the replication, raters, estimators and terms in the configuration's order.
    /// A failure (no data, a criterion that cannot run, a fit that fails, a term that cannot be
    /// estimated) is a record with the reason, never an error.
    func records() -> [FitRecord] {
        let analysis = cell.analysis
        let panel: Panel, data: SessionVariables
        do {
            let sample = try SimulatedSample(process: cell.process, seed: seed, path: [UInt64(cell.number), UInt64(number)])
            panel = try Panel(file: SessionFile(table: sample.table), scales: scales)
            data = try SessionVariables(panel: panel)
        } catch {
            return analysis.raters.flatMap { rater in failed(rater: rater, reason: "simulated data: \(error)") }
        }
        var out = [FitRecord]()
        for rater in analysis.raters {
            let result: RaterResult, table: DataTable
            do {
                result = try RuptureDetector(criterion: analysis.criterion.criterion)
                    .detect(in: panel, rater: Rater(name: rater.rawValue, column: rater.column))
                table = try data.table(for: result, allianceColumn: rater.column)
            } catch {
                out += failed(rater: rater, reason: "rupture detection: \(error)")
                continue
            }
            let prevalence = Self.prevalence(result)
            for estimator in analysis.estimators {
                out += fit(estimator, to: table, rater: rater, prevalence: prevalence)
            }
        }
        return out
    }

    /// The scales the analysis knows: each rater's alliance range and reliability, distress's range.
    private var scales: [String: RatingScale] {
        let p = cell.process
        var out = [String: RatingScale]()
        for rater in SimulatedRater.allCases {
            let a = p.alliance[rater]
            out[rater.column] = RatingScale(minimum: a.scale.minimum, maximum: a.scale.maximum, higherIsBetter: true,
                                            reliability: a.reliability)
        }
        out["distress"] = RatingScale(minimum: p.distress.scale.minimum, maximum: p.distress.scale.maximum, higherIsBetter: false)
        return out
    }

    private func fit(_ estimator: Estimator, to table: DataTable, rater: SimulatedRater, prevalence: Double?) -> [FitRecord] {
        func record(_ term: Estimator.FocalTerm, _ outcome: FitRecord.Outcome) -> FitRecord {
            FitRecord(cell: cell.number, replication: number, rater: rater, estimator: estimator.name, term: term,
                      outcome: outcome, prevalence: prevalence)
        }
        if case .mlsem(let sessions) = estimator.method {
            return fitMLSEM(estimator, sessions: sessions, to: table).map { record($0.0, $0.1) }
        }
        let fit: LinearMixedModelFit
        do {
            let model = try LinearMixedModel(formula: estimator.formula, data: table, residuals: estimator.residuals)
            model.threads = 1
            fit = try model.fit()
        } catch {
            return estimator.focalTerms.map { record($0, .failed(Self.oneLine(error))) }
        }
        return estimator.focalTerms.map { term in
            guard let e = fit.fixedEffects.first(where: { $0.term == term.rawValue }) else {
                let reason = fit.droppedColumnNames.contains(term.rawValue)
                    ? "'\(term.rawValue)' not estimable: constant or collinear in the rows used"
                    : "the fit has no fixed effect '\(term.rawValue)'"
                return record(term, .failed(reason))
            }
            do {
                let q = try StudentT(degreesOfFreedom: e.degreesOfFreedom).upperQuantile(cell.analysis.alpha / 2)
                let estimate = FitRecord.Estimate(
                    estimate: e.estimate, standardError: e.standardError, degreesOfFreedom: e.degreesOfFreedom,
                    lower: e.estimate - q * e.standardError, upper: e.estimate + q * e.standardError, p: e.p,
                    converged: fit.converged, singular: fit.singular)
                // A record holds finite numbers only (the replications file refuses others).
                guard [estimate.estimate, estimate.standardError, estimate.degreesOfFreedom, estimate.lower, estimate.upper, estimate.p]
                        .allSatisfy(\.isFinite) else {
                    return record(term, .failed("the fit of '\(term.rawValue)' gave a number that is not finite (estimate, SE, df or p)"))
                }
                return record(term, .estimated(estimate))
            } catch {
                return record(term, .failed(Self.oneLine(error)))
            }
        }
    }

    /// The ML-SEM estimator: the rater's table read by session number, dpm's model on `sessions`
    /// (those of them the data have),
    /// z-based Wald intervals at the study's level (df recorded as infinity).
    private func fitMLSEM(_ estimator: Estimator, sessions: ClosedRange<Int>, to table: DataTable) -> [(Estimator.FocalTerm, FitRecord.Outcome)] {
        let fit: MLSEMFit
        do {
            var options = MLSEMOptions()
            options.fitIndices = false
            var model = try MLSEM(formula: estimator.formula, options: options)
            let lagged = try LaggedPanel(panel: try Panel(file: SessionFile(table: table)), variables: model.variables)
            // The estimator's sessions, within the sessions the data have.
            let first = max(sessions.lowerBound, lagged.sessionRange.lowerBound), last = min(sessions.upperBound, lagged.sessionRange.upperBound)
            guard first <= last else { throw SEMInputError("no session from \(sessions.lowerBound) to \(sessions.upperBound) in the data") }
            options.sessions = first...last
            model = try MLSEM(formula: estimator.formula, options: options)
            fit = try model.fit(lagged)
        } catch {
            return estimator.focalTerms.map { ($0, .failed(Self.oneLine(error))) }
        }
        return estimator.focalTerms.map { term in
            guard let c = fit.coefficients.first(where: { $0.term == "lag(\(term.rawValue))" }) else {
                return (term, .failed("the fit has no coefficient 'lag(\(term.rawValue))'"))
            }
            let z = (try? Normal.standard.upperQuantile(cell.analysis.alpha / 2)) ?? .nan
            return (term, .estimated(FitRecord.Estimate(
                estimate: c.estimate, standardError: c.se, degreesOfFreedom: .infinity,
                lower: c.estimate - z * c.se, upper: c.estimate + z * c.se, p: c.p, converged: true, singular: false)))
        }
    }

    /// Every record of `rater` as failed, before any fit (no data, or no detection).
    private func failed(rater: SimulatedRater, reason: String) -> [FitRecord] {
        cell.analysis.estimators.flatMap { estimator in
            estimator.focalTerms.map { term in
                FitRecord(cell: cell.number, replication: number, rater: rater, estimator: estimator.name, term: term,
                          outcome: .failed(Self.oneLine(reason)), prevalence: nil)
            }
        }
    }

    /// Patients with at least one detected rupture among the patients judged.
    static func prevalence(_ result: RaterResult) -> Double? {
        var judged = 0, withRupture = 0
        for (p, c) in result.classes.enumerated() where c != nil {
            judged += 1
            if result.episodeStarts[p + 1] > result.episodeStarts[p] { withRupture += 1 }
        }
        return judged > 0 ? Double(withRupture) / Double(judged) : nil
    }

    static func oneLine(_ error: Any) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
