import Foundation

/// A Monte Carlo estimate and its Monte Carlo standard error (nil where it cannot be computed,
/// e.g. from fewer than two replications).
public struct MonteCarloEstimate: Sendable, Equatable, Encodable {
    public let value: Double
    public let standardError: Double?

    enum CodingKeys: String, CodingKey { case value, standardError = "mcse" }
}

/// How one estimator did for one focal term of one rater in one cell, over the replications,
/// with the Monte Carlo standard errors of Morris, White & Crowther (2019), *Statistics in
/// Medicine* 38, 2074-2102, Table 6. With R replications, n of them with an estimate θ̂_k,
/// θ̄ their mean and θ the true value:
///
/// - power: P = #{p_k < α} / R, counting a failed fit as not significant; MCSE sqrt(P(1 - P) / R);
/// - mean estimate θ̄ and bias θ̄ - θ; MCSE sqrt(Σ(θ̂_k - θ̄)² / (n(n - 1)));
/// - empirical SE s = sqrt(Σ(θ̂_k - θ̄)² / (n - 1)); MCSE s / sqrt(2(n - 1));
/// - RMSE sqrt(M), M = Σ(θ̂_k - θ)² / n; MCSE of M sqrt(Σ((θ̂_k - θ)² - M)² / (n(n - 1))), and
///   of the RMSE by the delta method, MCSE(M) / (2 sqrt(M));
/// - coverage C = #{L_k <= θ <= U_k} / n (intervals at level 1 - α); MCSE sqrt(C(1 - C) / n);
/// - failed share F = (R - n) / R; MCSE sqrt(F(1 - F) / R).
/// Sums run over replications in order, so the same records give the same bits.
public struct PerformanceSummary: Sendable, Encodable {
    public let cell: Int
    public let factorValues: [String]
    public let rater: SimulatedRater
    public let estimator: String
    public let term: Estimator.FocalTerm
    public let truth: Double
    public let replications: Int
    public let estimated: Int
    public let power: MonteCarloEstimate
    public let meanEstimate: MonteCarloEstimate?
    public let bias: MonteCarloEstimate?
    public let empiricalSE: MonteCarloEstimate?
    /// The mean of the model-based standard errors.
    public let meanModelSE: Double?
    public let rmse: MonteCarloEstimate?
    public let coverage: MonteCarloEstimate?
    public let failed: MonteCarloEstimate
    /// Among fits with an estimate: the share with convergence warnings, and the share singular.
    public let notConverged: Double?
    public let singular: Double?
    /// The mean share of patients with a detected rupture (this rater, this criterion).
    public let prevalence: Double?

    /// Summarizes the records of one (cell, rater, estimator, term), one per replication.
    public init(records: [FitRecord], truth: Double, alpha: Double, factorValues: [String]) {
        let first = records[0]
        cell = first.cell
        self.factorValues = factorValues
        rater = first.rater
        estimator = first.estimator
        term = first.term
        self.truth = truth
        replications = records.count
        let estimates = records.compactMap(\.estimate)
        let n = estimates.count, nn = Double(n), rr = Double(records.count)
        estimated = n

        func proportion(_ count: Int, of total: Double) -> MonteCarloEstimate {
            let p = Double(count) / total
            return MonteCarloEstimate(value: p, standardError: (p * (1 - p) / total).squareRoot())
        }
        power = proportion(estimates.reduce(0) { $0 + ($1.p < alpha ? 1 : 0) }, of: rr)
        failed = proportion(records.count - n, of: rr)
        let prevalences = records.compactMap(\.prevalence)
        prevalence = prevalences.isEmpty ? nil : prevalences.reduce(0, +) / Double(prevalences.count)
        guard n > 0 else {
            (meanEstimate, bias, empiricalSE, meanModelSE, rmse, coverage, notConverged, singular) = (nil, nil, nil, nil, nil, nil, nil, nil)
            return
        }
        let mean = estimates.reduce(0) { $0 + $1.estimate } / nn
        let squares = estimates.reduce(0) { $0 + ($1.estimate - mean) * ($1.estimate - mean) }
        let meanSE = n > 1 ? (squares / (nn * (nn - 1))).squareRoot() : nil
        meanEstimate = MonteCarloEstimate(value: mean, standardError: meanSE)
        bias = MonteCarloEstimate(value: mean - truth, standardError: meanSE)
        if n > 1 {
            let s = (squares / (nn - 1)).squareRoot()
            empiricalSE = MonteCarloEstimate(value: s, standardError: s / (2 * (nn - 1)).squareRoot())
        } else {
            empiricalSE = nil
        }
        meanModelSE = estimates.reduce(0) { $0 + $1.standardError } / nn
        let errors = estimates.map { ($0.estimate - truth) * ($0.estimate - truth) }
        let mse = errors.reduce(0, +) / nn
        let root = mse.squareRoot()
        var rmseSE: Double? = nil
        if n > 1 && root > 0 {
            rmseSE = (errors.reduce(0) { $0 + ($1 - mse) * ($1 - mse) } / (nn * (nn - 1))).squareRoot() / (2 * root)
        }
        rmse = MonteCarloEstimate(value: root, standardError: rmseSE)
        coverage = proportion(estimates.reduce(0) { $0 + ($1.lower <= truth && truth <= $1.upper ? 1 : 0) }, of: nn)
        notConverged = Double(estimates.reduce(0) { $0 + ($1.converged ? 0 : 1) }) / nn
        singular = Double(estimates.reduce(0) { $0 + ($1.singular ? 1 : 0) }) / nn
    }

    enum CodingKeys: String, CodingKey {
        case cell, factorValues = "factors", rater, estimator, term, truth, replications, estimated, power
        case meanEstimate = "mean_estimate", bias, empiricalSE = "empirical_se", meanModelSE = "mean_model_se", rmse, coverage
        case failed, notConverged = "not_converged", singular, prevalence
    }
}

extension PowerStudy {
    /// The summaries of every (cell, rater, estimator, term), in that order, from the records of
    /// every replication (as `orderedRecords` gives them).
    public func summaries(of records: [FitRecord]) -> [PerformanceSummary] {
        var groups = [String: [FitRecord]]()
        for r in records { groups["\(r.cell)/\(r.rater.rawValue)/\(r.estimator)/\(r.term.rawValue)", default: []].append(r) }
        var out = [PerformanceSummary]()
        for cell in configuration.cells {
            for rater in cell.analysis.raters {
                for fit in cell.analysis.fits {
                    for term in fit.estimator.focalTerms {
                        guard let group = groups["\(cell.number)/\(rater.rawValue)/\(fit.name)/\(term.rawValue)"], !group.isEmpty else { continue }
                        out.append(PerformanceSummary(records: group, truth: truth(cell: cell.number, rater: rater, term: term),
                                                      alpha: cell.analysis.alpha, factorValues: cell.factorValues))
                    }
                }
            }
        }
        return out
    }
}
