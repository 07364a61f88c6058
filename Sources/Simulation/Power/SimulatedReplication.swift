import DSEM
import DynamicModels
import MixedModels
import Numerics
import SEM
import Ruptures
import SessionData
import Tabular

/// One replication of one cell of a power study: simulate a dataset from the cell's process with
/// the stream keyed by (seed, [cell, replication]), detect ruptures in each rater's ratings, fit
/// every estimator to each rater's data (and, with the analysis's `oracle`, to the rater's true
/// events), and record each focal term.
///
/// Nothing here is shared between replications, so replications can run on any thread in any
/// order with the same result. Each model runs its own finite differences on one thread
/// (`threads = 1`), since replications already run side by side.
struct SimulatedReplication {
    let cell: StudyCell
    let number: Int
    let seed: UInt64

    /// The records of the replication, raters, estimators and terms in the configuration's order
    /// (each estimator followed by its fit to the true events when the analysis has `oracle`).
    /// A failure (no data, a criterion that cannot run, a fit that fails, a term that cannot be
    /// estimated) is a record with the reason, never an error.
    func records() -> [FitRecord] {
        let analysis = cell.analysis
        let sample: SimulatedSample, panel: Panel, data: SessionVariables
        do {
            sample = try SimulatedSample(process: cell.process, seed: seed, path: [UInt64(cell.number), UInt64(number)])
            panel = try Panel(file: SessionFile(table: sample.table), scales: scales)
            data = try SessionVariables(panel: panel)
            // The true events are per row of the simulated table, which is in panel order.
            guard case .numeric(let sessions)? = sample.table["session"], sessions.elementsEqual(panel.sessions.map(Double.init)) else {
                throw DataError(source: "simulated data", message: "the rows of the panel are not those of the simulation")
            }
        } catch {
            return analysis.raters.flatMap { rater in failed(rater: rater, reason: "simulated data: \(error)") }
        }
        var lagged: Result<LaggedPanel, any Error>?
        var out = [FitRecord]()
        for (raterIndex, rater) in analysis.raters.enumerated() {
            let result: RaterResult
            do {
                result = try RuptureDetector(criterion: analysis.criterion.criterion)
                    .detect(in: panel, rater: Rater(name: rater.rawValue, column: rater.column))
            } catch {
                out += failed(rater: rater, reason: "rupture detection: \(error)")
                continue
            }
            let prevalence = Self.prevalence(result)
            let detected = Events(rupture: result.ruptureIndicator.map { $0 < 0 ? .nan : Double($0) },
                                  repair: result.repairIndicator.map { $0 < 0 ? .nan : Double($0) })
            let truth = Events(rupture: sample.trueRupture[rater].map { $0 ? 1 : 0 }, repair: sample.trueRepair[rater].map { $0 ? 1 : 0 })
            for (fitIndex, fit) in analysis.fits.enumerated() {
                let events = fit.oracle ? truth : detected
                func record(_ term: Estimator.FocalTerm, _ outcome: FitRecord.Outcome) -> FitRecord {
                    FitRecord(cell: cell.number, replication: number, rater: rater, estimator: fit.name, term: term,
                              outcome: outcome, prevalence: prevalence)
                }
                switch fit.estimator.method {
                case .linearMixedModel:
                    do {
                        let table = try Self.raterTable(data, rater: rater, events: events)
                        out += fitMixedModel(fit.estimator, to: table, record: record)
                    } catch {
                        out += fit.estimator.focalTerms.map { record($0, .failed(Self.oneLine(error))) }
                    }
                case .mlsem(let sessions):
                    do {
                        let table = try Self.raterTable(data, rater: rater, events: events)
                        out += fitMLSEM(fit.estimator, sessions: sessions, to: table).map { record($0.0, $0.1) }
                    } catch {
                        out += fit.estimator.focalTerms.map { record($0, .failed(Self.oneLine(error))) }
                    }
                case .dsem:
                    if lagged == nil { lagged = Result { try LaggedPanel(panel: panel, variables: ["distress"]) } }
                    do {
                        let base = try lagged!.get()
                        let panelForRater = base.adding("alliance", byPanelRow: try panel.values(of: rater.column))
                            .adding("rupture", byPanelRow: events.rupture).adding("repair", byPanelRow: events.repair)
                        let key = [UInt64(cell.number), UInt64(number), UInt64(raterIndex), UInt64(fitIndex)]
                        out += fitDSEM(fit.estimator, to: panelForRater, seedPath: key, record: record)
                    } catch {
                        out += fit.estimator.focalTerms.map { record($0, .failed(Self.oneLine(error))) }
                    }
                }
            }
        }
        return out
    }

    /// A rater's rupture and repair indicators per panel row (NaN: not judged).
    struct Events {
        let rupture: [Double]
        let repair: [Double]
    }

    /// The analysis variables of one rater under rater-free names (as
    /// `SessionVariables.table(for:allianceColumn:)` builds them) with `events` as `rupture` and `repair`.
    static func raterTable(_ data: SessionVariables, rater: SimulatedRater, events: Events) throws -> DataTable {
        var t = data.table
        guard case .numeric(let alliance)? = data.table[rater.column] else {
            throw DataError(source: data.table.source, message: "no alliance column '\(rater.column)'")
        }
        t.source = "\(data.table.source) (\(rater.rawValue)-rated ruptures)"
        try t.append(.numeric(alliance), named: "alliance")
        try t.append(.numeric(events.rupture), named: "rupture")
        try t.append(.numeric(events.repair), named: "repair")
        return t
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

    private func fitMixedModel(_ estimator: Estimator, to table: DataTable,
                               record: (Estimator.FocalTerm, FitRecord.Outcome) -> FitRecord) -> [FitRecord] {
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

    /// A DSEM estimator on one thread with Mplus's PSR rule: the estimate is the posterior median,
    /// the SE the posterior SD, the interval the equal-tailed (1 - alpha) credible interval, p twice
    /// the one-tailed posterior p (so that p < alpha when the interval excludes 0), df infinite.
    /// The sampler's seed comes from the stream (study seed, [cell, replication, rater, fit]).
    private func fitDSEM(_ estimator: Estimator, to panel: LaggedPanel, seedPath: [UInt64],
                         record: (Estimator.FocalTerm, FitRecord.Outcome) -> FitRecord) -> [FitRecord] {
        let fit: DSEMFit
        do {
            let specification = try DSEMSpecification(formula: try DSEMFormula(estimator.formula), panel: panel)
            var settings = SamplerSettings()
            settings.threads = 1
            settings.credibleLevel = 1 - cell.analysis.alpha
            settings.seed = UInt64(RandomStream(seed: seed, path: seedPath).uniform() * 9_007_199_254_740_992)
            fit = try DSEM.fit(panel, specification: specification, settings: settings)
        } catch {
            return estimator.focalTerms.map { record($0, .failed(Self.oneLine(error))) }
        }
        return estimator.focalTerms.map { term in
            guard let e = fit.fixedEffect(Estimator.dsemTerm(term)) else {
                return record(term, .failed("the fit has no term '\(Estimator.dsemTerm(term))'"))
            }
            let s = e.summary
            return record(term, .estimated(FitRecord.Estimate(
                estimate: s.median, standardError: s.sd, degreesOfFreedom: .infinity, lower: s.lower, upper: s.upper,
                p: min(1, 2 * s.p), converged: fit.converged, singular: false)))
        }
    }

    /// Every record of `rater` as failed, before any fit (no data, or no detection).
    private func failed(rater: SimulatedRater, reason: String) -> [FitRecord] {
        cell.analysis.fits.flatMap { fit in
            fit.estimator.focalTerms.map { term in
                FitRecord(cell: cell.number, replication: number, rater: rater, estimator: fit.name, term: term,
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
