import Foundation
import Numerics

/// Everything a fitted linear mixed model reports: lmerTest's coefficient table, lme4's variance
/// components, theta, the criterion, likelihood-based fit indices, ICCs, convergence diagnostics,
/// and (for output on request) conditional modes, fitted values and residuals.
///
/// Its JSON encoding is the `alliance fit --format json` contract: `formula`, `method`, `nobs`,
/// `dropped_rows`, `groups`, `fixed`, `random`, `theta`, `objective`, `loglik`, `aic`, `bic`,
/// `converged`, `singular`, `warnings`, `timing`, plus `sigma`, `icc`, `messages`,
/// `dropped_columns`, `optimizer` (evaluations, stop reason, Newton steps, whether the optimum was
/// verified) and `near_boundary` (the reasons df and p are unstable; empty when they are not).
public struct LinearMixedModelFit: Sendable {
    public let formula: String
    public let method: EstimationMethod
    public let response: String
    public let source: String
    public let observationCount: Int
    public let droppedRowCount: Int
    public let groups: [GroupingFactorSummary]
    public let fixedEffects: [FixedEffectEstimate]
    public let varianceComponents: [VarianceComponent]
    public let theta: [Double]
    public let thetaNames: [String]
    /// The residual correlation (phi or rho) with its CI, when the model has a structure.
    public let residualCorrelation: ResidualCorrelationEstimate?
    /// The REML criterion (REML) or the deviance, -2 log-likelihood (ML).
    public let objective: Double
    /// The (restricted, for REML) log-likelihood, -objective / 2.
    public let logLikelihood: Double
    public let aic: Double
    public let bic: Double
    /// The residual standard deviation.
    public let sigma: Double
    public let intraclassCorrelations: [IntraclassCorrelation]
    /// Nakagawa & Schielzeth's marginal and conditional R-squared.
    public let rSquared: NakagawaRSquared
    public let converged: Bool
    public let singular: Bool
    /// Why the fit is near the boundary of its parameter space, where Satterthwaite's df and the
    /// p-values are unstable (a df of 7 that lme4 reports as 548 at a nearby point): each
    /// random-effects correlation within 0.02 of +-1, and each random-effect variance under 1e-4
    /// of the residual variance (singular fits included). Empty when neither holds.
    public let nearBoundary: [String]
    public var isNearBoundary: Bool { !nearBoundary.isEmpty }
    public var warnings: [String]
    /// Information (rank-deficient columns dropped, boundary fit).
    public var messages: [String]
    public let droppedColumnNames: [String]
    public let optimizerEvaluations: Int
    public let optimizerStopReason: OptimizerStopReason
    /// Newton steps the polish took after BOBYQA, and whether it verified the optimum (a positive
    /// definite Hessian and a negligible step there); false for a model without random effects.
    public let newtonSteps: Int
    public let optimumVerified: Bool
    /// Var(beta-hat), p x p (unadjusted: with Kenward-Roger the SEs come from the adjusted
    /// covariance, `adjustedCovariance`).
    public let covariance: Matrix
    /// How the df of the t tests were computed (nil: none, z tests).
    public let degreesOfFreedomMethod: DegreesOfFreedomMethod?
    /// What F tests of several coefficients need (Satterthwaite's Jacobian and the covariance of
    /// the variance parameters, or Kenward-Roger's P_i, W and Phi_A).
    let inference: FixedEffectsInference
    /// Phi_A, Kenward and Roger's adjusted Var(beta-hat); nil with Satterthwaite's df.
    public var adjustedCovariance: Matrix? {
        if case .kenwardRoger(let kr) = inference { return kr.adjustedCovariance }
        return nil
    }
    public let conditionalModes: [ConditionalModes]
    /// Fitted values X beta + Z b and residuals y - fitted, for the rows used.
    public let fitted: [Double]
    public let residuals: [Double]
    /// The rows of the data table used (to align fitted values with the input).
    public let rows: [Int]
    public var timing: Timing

    /// Number of parameters: fixed effects, theta, sigma, and the residual correlation if any.
    public var parameterCount: Int { fixedEffects.count + theta.count + 1 + (residualCorrelation == nil ? 0 : 1) }

    public struct Timing: Sendable, Encodable {
        public var readSeconds = 0.0
        public var fitSeconds = 0.0
        public var inferenceSeconds = 0.0

        enum CodingKeys: String, CodingKey {
            case readSeconds = "read_seconds", fitSeconds = "fit_seconds", inferenceSeconds = "inference_seconds"
        }
    }

    /// `degreesOfFreedom` nil: no df (z tests, for the refits of likelihood-ratio tests).
    init(model: LinearMixedModel, optimum: LinearMixedModel.Optimum, degreesOfFreedom: DegreesOfFreedomMethod?) throws {
        let frame = model.frame
        let parameters = optimum.theta
        let theta = Array(parameters[0..<model.thetaCount])
        try model.factor(at: parameters)
        let factor = model.factor
        let n = model.n, p = model.p

        formula = frame.formula.text
        method = model.method
        response = frame.responseName
        source = frame.source
        observationCount = n
        droppedRowCount = frame.droppedRowCount
        droppedColumnNames = frame.droppedColumnNames
        self.theta = theta
        thetaNames = model.thetaNames
        objective = optimum.objective
        logLikelihood = -optimum.objective / 2
        let k = Double(p + parameters.count + 1)
        aic = optimum.objective + 2 * k
        bic = optimum.objective + k * log(Double(n))
        optimizerEvaluations = optimum.evaluations
        optimizerStopReason = optimum.stopReason
        switch optimum.polish {
        case .notRun: (newtonSteps, optimumVerified) = (0, false)
        case .verified(let steps): (newtonSteps, optimumVerified) = (steps, true)
        case .unverified(let steps, _): (newtonSteps, optimumVerified) = (steps, false)
        }

        let sigma2 = model.residualVariance
        sigma = sigma2.squareRoot()
        guard sigma.isFinite, objective.isFinite else { throw MixedModelError.nonFinite("the fitted criterion") }

        // Fixed effects.
        let beta = factor.fixedEffects
        var cov = try FixedEffectsCovariance.unscaled(factor.fixedFactor)
        cov.elements = cov.elements.map { $0 * sigma2 }
        covariance = cov

        // The residual correlation.
        let correlationEstimate = model.correlation.map {
            ResidualCorrelationEstimate(correlation: $0, eta: parameters[model.thetaCount],
                                        hessian: optimum.derivatives.hessian, etaIndex: model.thetaCount)
        }
        residualCorrelation = correlationEstimate

        // Diagnostics.
        let diagnostics = ConvergenceDiagnostics(theta: model.thetaScaling.scaled(parameters),
                                                 lowerBounds: model.standardDeviationElements.map { $0 ? 0 : -.infinity },
                                                 gradient: optimum.derivatives.profiledGradient,
                                                 hessian: optimum.derivatives.profiledHessian,
                                                 stopReason: optimum.stopReason, polish: optimum.polish,
                                                 observationCount: n, correlationBoundary: correlationEstimate?.boundaryReason)
        singular = diagnostics.singular
        var warnings = diagnostics.warnings
        var messages = [String]()
        if !frame.droppedColumnNames.isEmpty {
            let count = frame.droppedColumnNames.count
            messages.append("fixed-effect model matrix is rank deficient so dropping \(count) column\(count > 1 ? "s" : "") / coefficient\(count > 1 ? "s" : ""): \(frame.droppedColumnNames.joined(separator: ", "))")
        }
        messages.append(contentsOf: diagnostics.messages)

        var estimates = [FixedEffectEstimate]()
        var inference = FixedEffectsInference.none
        switch degreesOfFreedom {
        case .satterthwaite:
            let held = correlationEstimate?.onBoundary == true ? [model.thetaCount] : []
            let approximation = try Satterthwaite(model: model, derivatives: optimum.derivatives, held: held)
            warnings.append(contentsOf: approximation.warnings)
            for j in 0..<p {
                var contrast = [Double](repeating: 0, count: p)
                contrast[j] = 1
                let df = try approximation.degreesOfFreedom(contrast: contrast, covariance: cov)
                estimates.append(try Self.estimate(name: frame.fixedEffectNames[j], beta: beta[j],
                                                   variance: cov[j, j], df: df))
            }
            inference = .satterthwaite(approximation)
        case .kenwardRoger:
            // pbkrtest's vcovAdj and Lb_ddf, as lmerTest's contest1D uses them: the adjusted
            // variance and the KR df of each coefficient.
            let kr = try KenwardRoger(model: model, parameters: parameters, sigma: sigma,
                                      holdCorrelation: correlationEstimate?.onBoundary == true)
            for j in 0..<p {
                var contrast = Matrix(rows: 1, columns: p)
                contrast[0, j] = 1
                let df = try kr.test(contrast, beta: beta, rhs: [0]).denominatorDegreesOfFreedom
                estimates.append(try Self.estimate(name: frame.fixedEffectNames[j], beta: beta[j],
                                                   variance: kr.adjustedCovariance[j, j], df: df, method: .kenwardRoger))
            }
            inference = .kenwardRoger(kr)
        case nil:
            for j in 0..<p {
                estimates.append(try Self.estimate(name: frame.fixedEffectNames[j], beta: beta[j],
                                                   variance: cov[j, j], df: .infinity))
            }
        }
        self.inference = inference
        degreesOfFreedomMethod = degreesOfFreedom
        try model.factor(at: parameters)
        fixedEffects = estimates
        self.warnings = warnings
        self.messages = messages
        converged = diagnostics.converged

        // Variance components, groups, ICCs.
        let terms = frame.randomTerms
        let t = factor.relativeCovarianceFactors(theta)
        var seen = [String: Int]()
        var components = [VarianceComponent]()
        var groupSummaries = [GroupingFactorSummary]()
        var betweenVariance = [(String, Double)]()
        for (j, term) in terms.enumerated() {
            let uses = seen[term.groupName, default: 0]
            seen[term.groupName] = uses + 1
            let name = uses == 0 ? term.groupName : "\(term.groupName).\(uses)"
            components.append(contentsOf: VarianceComponent.rows(group: name, names: term.columnNames, t: t[j], sigma: sigma))
            if uses == 0 { groupSummaries.append(GroupingFactorSummary(name: term.groupName, levels: term.levelCount)) }
            // Mean random-effect variance over observations: tr(Sigma_j * sum of A_jj blocks) / n.
            let kj = term.k
            var gram = [Double](repeating: 0, count: kj * kj)
            let a = model.crossProducts.diagonal[j]
            for c in 0..<term.levelCount { for e in 0..<(kj * kj) { gram[e] += a[c * kj * kj + e] } }
            var trace = 0.0
            for r in 0..<kj {
                for s in 0..<kj {
                    var tt = 0.0
                    for w in 0...min(r, s) { tt += t[j][r + w * kj] * t[j][s + w * kj] }
                    trace += sigma2 * tt * gram[s + r * kj]
                }
            }
            betweenVariance.append((term.groupName, trace / Double(n)))
        }
        components.append(VarianceComponent(group: "Residual", var1: nil, var2: nil, variance: sigma2,
                                            standardDeviationOrCorrelation: sigma))
        varianceComponents = components
        var boundary = Self.nearBoundary(components, residualVariance: sigma2)
        if let r = correlationEstimate, abs(r.estimate) > 0.98 {
            boundary.append("the residual correlation \(r.parameter) is \(String(format: "%.3f", r.estimate)), within 0.02 of \(r.estimate > 0 ? "+1" : "-1")")
        }
        nearBoundary = boundary
        if !boundary.isEmpty {
            self.warnings.append("near the boundary (\(boundary.joined(separator: "; "))): Satterthwaite df and p-values are unstable here")
        }
        groups = groupSummaries
        let randomTotal = betweenVariance.reduce(0) { $0 + $1.1 }
        var iccs = [IntraclassCorrelation]()
        for summary in groupSummaries {
            let v = betweenVariance.filter { $0.0 == summary.name }.reduce(0) { $0 + $1.1 }
            iccs.append(IntraclassCorrelation(group: summary.name, icc: v / (randomTotal + sigma2)))
        }
        if groupSummaries.count > 1 {
            iccs.append(IntraclassCorrelation(group: "total", icc: randomTotal / (randomTotal + sigma2)))
        }
        intraclassCorrelations = iccs
        let fixedPart = try BLAS.product(frame.x, .none, beta)
        rSquared = NakagawaRSquared(fixedPart: fixedPart, randomVariance: randomTotal, residualVariance: sigma2)

        // Conditional modes, fitted values, residuals.
        let u = factor.sphericalModes(beta: beta)
        var modes = [ConditionalModes]()
        var fittedValues = try BLAS.product(frame.x, .none, beta)
        for (j, term) in terms.enumerated() {
            let kj = term.k
            var b = [Double](repeating: 0, count: term.size)
            for c in 0..<term.levelCount {
                for r in 0..<kj {
                    var sum = 0.0
                    for s in 0...r { sum += t[j][r + s * kj] * u[j][c * kj + s] }
                    b[c * kj + r] = sum
                }
            }
            for row in 0..<n {
                let c = Int(term.groupCodes[row])
                var sum = 0.0
                for r in 0..<kj { sum += term.z[row * kj + r] * b[c * kj + r] }
                fittedValues[row] += sum
            }
            modes.append(ConditionalModes(group: term.groupName, levels: term.levels, columnNames: term.columnNames, values: b))
        }
        conditionalModes = modes
        // frame.y is the response minus any offset; fitted values include the offset, as lme4's.
        residuals = zip(frame.y, fittedValues).map { $0 - $1 }
        fitted = zip(fittedValues, frame.offset).map { $0 + $1 }
        rows = frame.rows
        timing = Timing()
    }

    /// The near-boundary rule of `nearBoundary` on lme4's variance components.
    static func nearBoundary(_ components: [VarianceComponent], residualVariance: Double) -> [String] {
        var reasons = [String]()
        for c in components where c.group != "Residual" {
            let name = c.var1 ?? ""
            if let v2 = c.var2 {
                if let r = c.standardDeviationOrCorrelation, abs(r) > 0.98 {
                    reasons.append("the correlation of \(name) and \(v2) (\(c.group)) is \(String(format: "%.3f", r)), within 0.02 of \(r > 0 ? "+1" : "-1")")
                }
            } else if c.variance < 1e-4 * residualVariance {
                reasons.append("the variance of \(name) (\(c.group)) is \(String(format: "%.3g", c.variance)), under 1e-4 of the residual variance")
            }
        }
        return reasons
    }

    static func estimate(name: String, beta: Double, variance: Double, df: Double,
                         method: DegreesOfFreedomMethod = .satterthwaite) throws -> FixedEffectEstimate {
        let se = variance.squareRoot()
        guard se.isFinite, se > 0, beta.isFinite else {
            throw MixedModelError.nonFinite("the standard error of '\(name)'")
        }
        guard df.isFinite ? df > 0 : true, !df.isNaN else {
            throw MixedModelError.nonFinite("the \(method.rawValue) degrees of freedom of '\(name)'")
        }
        let distribution = try StudentT(degreesOfFreedom: df)
        let t = beta / se
        let q = try distribution.quantile(0.975)
        guard q.isFinite, (q * se).isFinite else { throw MixedModelError.degenerateDegreesOfFreedom(term: name, df: df, method: method) }
        return FixedEffectEstimate(term: name, estimate: beta, standardError: se, degreesOfFreedom: df, t: t,
                                   p: distribution.twoSidedPValue(t), confidenceLower: beta - q * se,
                                   confidenceUpper: beta + q * se)
    }
}

extension LinearMixedModelFit: Encodable {
    enum CodingKeys: String, CodingKey {
        case formula, method, nobs, dropped_rows, groups, fixed, random, theta, objective, loglik, aic, bic
        case converged, singular, near_boundary, warnings, timing, sigma, icc, messages, dropped_columns, optimizer, response, data
        case residual_correlation, df_method, r2_marginal, r2_conditional
    }

    struct OptimizerReport: Encodable {
        let evaluations: Int
        let stop_reason: String
        let newton_steps: Int
        let verified: Bool
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formula, forKey: .formula)
        try c.encode(method, forKey: .method)
        try c.encode(response, forKey: .response)
        try c.encode(source, forKey: .data)
        try c.encode(observationCount, forKey: .nobs)
        try c.encode(droppedRowCount, forKey: .dropped_rows)
        try c.encode(groups, forKey: .groups)
        try c.encode(fixedEffects, forKey: .fixed)
        try c.encode(varianceComponents, forKey: .random)
        try c.encode(theta, forKey: .theta)
        try c.encodeIfPresent(residualCorrelation, forKey: .residual_correlation)
        try c.encodeIfPresent(degreesOfFreedomMethod, forKey: .df_method)
        try c.encode(rSquared.marginal, forKey: .r2_marginal)
        try c.encode(rSquared.conditional, forKey: .r2_conditional)
        try c.encode(objective, forKey: .objective)
        try c.encode(logLikelihood, forKey: .loglik)
        try c.encode(aic, forKey: .aic)
        try c.encode(bic, forKey: .bic)
        try c.encode(sigma, forKey: .sigma)
        try c.encode(intraclassCorrelations, forKey: .icc)
        try c.encode(converged, forKey: .converged)
        try c.encode(singular, forKey: .singular)
        try c.encode(nearBoundary, forKey: .near_boundary)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(messages, forKey: .messages)
        try c.encode(droppedColumnNames, forKey: .dropped_columns)
        try c.encode(OptimizerReport(evaluations: optimizerEvaluations, stop_reason: optimizerStopReason.rawValue,
                                      newton_steps: newtonSteps, verified: optimumVerified), forKey: .optimizer)
        try c.encode(timing, forKey: .timing)
    }
}

/// What a fit keeps for tests of several coefficients.
enum FixedEffectsInference: Sendable {
    case none
    case satterthwaite(Satterthwaite)
    case kenwardRoger(KenwardRoger)
}
