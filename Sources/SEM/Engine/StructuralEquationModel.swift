import Foundation
import Numerics

/// A structural equation model fitted by maximum likelihood to data with missing values, the way
/// lavaan fits it with `estimator = "ML"` (and `missing = "ml"` for FIML), with analytic gradients
/// and information matrices.
///
/// Fitting: from the start (`StartingValues`), up to three Fisher scoring steps with the analytic
/// expected information (of complete data: cheap, and only a guide) while they gain at least
/// half a unit of log-likelihood; then the parameters are whitened by that information,
/// theta = theta0 + R^-1 z with R'R = I(theta0), so that the Hessian over z is near the identity;
/// NLopt's L-BFGS minimizes minus the log-likelihood over z with the analytic gradient; Newton
/// steps with the analytic observed FIML information then take it to the exact optimum (until the
/// Newton decrement g' H^-1 g is below 1e-10, which puts minus the log-likelihood within about
/// 1e-10 of its minimum). Standard errors come from the inverse of the observed information
/// (lavaan's `information = "observed"`, which dpm uses to match Stata) or of the expected one.
public struct StructuralEquationModel: Sendable {
    /// How rows with missing values enter the likelihood.
    public enum MissingData: String, Sendable, Codable {
        /// Full information: every observed value of every row (rows with no value are dropped).
        case fiml
        /// Only rows with every variable observed.
        case listwise
    }

    public let model: RAMModel
    public let data: SEMData
    public let missing: MissingData
    /// The rows the likelihood uses.
    public let rows: [Int]
    let patterns: [MissingDataPattern]

    /// Prepares `specification` for `data` (whose columns are the specification's observed
    /// variables, in order). Throws `ModelSpecificationError` for a model that does not compile and
    /// `SEMInputError` for data it cannot be fitted to: no usable rows, a variable with fewer than
    /// two values or no variance, fewer rows than variables, more free parameters than moments.
    /// `units` names the rows in messages ("patients").
    public init(specification: ModelSpecification, data: SEMData, missing: MissingData = .fiml, units: String = "rows") throws {
        precondition(data.variables == specification.observed, "the data's columns are the observed variables")
        let model = try RAMModel(specification)
        self.model = model
        self.data = data
        self.missing = missing
        let p = data.variables.count
        let rows = (0..<data.rowCount).filter { r in
            let observed = (0..<p).filter { !data.value(row: r, column: $0).isNaN }.count
            return missing == .fiml ? observed > 0 : observed == p
        }
        guard !rows.isEmpty else {
            throw SEMInputError(missing == .fiml ? "no \(units) with an observed value" : "none of the \(units) has every variable of the model observed (listwise deletion leaves nothing; FIML would use the observed values)")
        }
        for j in 0..<p {
            let values = rows.map { data.value(row: $0, column: j) }.filter { !$0.isNaN }
            guard values.count >= 2 else {
                throw SEMInputError("'\(data.variables[j])' has \(values.isEmpty ? "no observed value" : "one observed value") in the \(units) used",
                                    variable: data.variables[j])
            }
            guard values.contains(where: { $0 != values[0] }) else {
                throw SEMInputError("'\(data.variables[j])' has no variance (every observed value is \(Self.text(values[0])))",
                                    variable: data.variables[j])
            }
        }
        guard rows.count > p else {
            throw SEMInputError("\(rows.count) \(units) for \(p) observed variables: the saturated model needs more \(units) than variables")
        }
        let moments = p + p * (p + 1) / 2
        guard model.parameterCount <= moments else {
            throw SEMInputError("the model has \(model.parameterCount) free parameters but the data have only \(moments) means, variances and covariances (negative degrees of freedom): it is not identified")
        }
        self.rows = rows
        patterns = MissingDataPattern.patterns(of: data, rows: rows)
    }

    /// The objective as if every row observed every variable (one pattern), whose expected
    /// information costs one pattern's work: the scoring steps and the whitening use it. It only
    /// steers the optimizer (it overstates the information about sparsely observed variables);
    /// the convergence test and the standard errors use the exact FIML information.
    func completeDataObjective() -> FIMLObjective {
        let p = model.observedCount
        let pattern = MissingDataPattern(observed: Array(0..<p), rows: rows, mean: [Double](repeating: 0, count: p),
                                         covariance: Numerics.Matrix(rows: p, columns: p), centred: nil)
        return FIMLObjective(model: model, patterns: [pattern])
    }

    /// At most this many Fisher scoring steps before L-BFGS; they stop once a step gains less than
    /// `scoringGain` in log-likelihood, where the whitened L-BFGS converges fast.
    static let scoringSteps = 3
    static let scoringGain = 0.5

    private static func text(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v) }

    /// Options of `fit`.
    public struct FitOptions: Sendable {
        /// The information matrix of the standard errors (lavaan's default for dpm: observed).
        public var information: InformationKind = .observed
        /// Compute the chi-square and the other fit indices (needs the saturated model; a power
        /// study that only needs estimates can skip it).
        public var fitIndices = true
        /// The level of the confidence intervals.
        public var confidenceLevel = 0.95
        public init() {}
    }

    /// Fits the model. Throws `SEMInputError` when the start is not positive definite (the data
    /// leave no positive definite starting point), `SEMFailure` when the optimization does not
    /// converge or the information matrix is singular.
    public func fit(_ options: FitOptions = FitOptions()) throws -> SEMFit {
        let clock = ContinuousClock()
        var timing = SEMFit.Timing()
        var mark = clock.now
        func lap() -> Double {
            let now = clock.now, d = (now - mark).components
            mark = now
            return Double(d.seconds) + Double(d.attoseconds) * 1e-18
        }
        let objective = FIMLObjective(model: model, patterns: patterns)
        let q = model.parameterCount
        let start = StartingValues.values(model: model, data: data, rows: rows)
        guard try objective.value(at: start) < .infinity else {
            throw SEMInputError("the implied covariance matrix at the starting values is not positive definite")
        }

        // Fisher scoring steps (theta - I^-1 g, halved until the likelihood rises), then the
        // whitening by the expected information where they end; both with the complete-data
        // information, which costs one pattern's work.
        var theta0 = start
        let scoringObjective = completeDataObjective()
        var info0 = try InformationMatrix.compute(.expected, objective: scoringObjective, theta: theta0)
        for _ in 0..<Self.scoringSteps {
            var g = [Double](repeating: 0, count: q)
            let f0 = try objective.valueAndGradient(at: theta0, gradient: &g)
            var scaled = info0
            let direction = try Self.choleskyWithRidge(&scaled).solve(g)
            var t = 1.0, gain = 0.0
            for _ in 0..<10 {
                let candidate = zip(theta0, direction).map { $0 - t * $1 }
                let f1 = try objective.value(at: candidate)
                if f1 < f0 { theta0 = candidate; gain = f0 - f1; break }
                t *= 0.5
            }
            guard gain > 0 else { break }
            info0 = try InformationMatrix.compute(.expected, objective: scoringObjective, theta: theta0)
            if gain < Self.scoringGain { break }
        }
        let whitening = try Self.choleskyWithRidge(&info0)
        let r = whitening.factor   // lower L with L L' = I0; theta = theta0 + L^-T z
        func theta(_ z: [Double]) throws -> [Double] {
            var step = z
            try BLAS.trsv(r, triangle: .lower, transpose: .transpose, &step)
            return zip(theta0, step).map(+)
        }
        timing.start = lap()
        var optimizer = LBFGS()
        optimizer.absoluteFunctionTolerance = 1e-10
        optimizer.maxEvaluations = 20 * q + 2000
        let result = try optimizer.minimize({ z, gz in
            let t = try theta(z)
            var g = [Double](repeating: 0, count: q)
            let value = try objective.valueAndGradient(at: t, gradient: &g)
            if value < .infinity {
                try BLAS.trsv(r, triangle: .lower, transpose: .none, &g)
                gz = g
            }
            return value
        }, from: [Double](repeating: 0, count: q))
        var estimate = try theta(result.minimizer)
        var evaluations = result.evaluations
        timing.optimization = lap()

        // Newton steps with the observed information to the exact optimum.
        var hessian = Numerics.Matrix(rows: q, columns: q)
        var decrement = Double.infinity
        var newtonSteps = 0
        var value = result.minimum
        for step in 0...8 {
            var g = [Double](repeating: 0, count: q)
            value = try objective.valueAndGradient(at: estimate, gradient: &g)
            evaluations += 1
            hessian = try InformationMatrix.compute(.observed, objective: objective, theta: estimate)
            guard let factor = try? Cholesky(hessian) else { break }
            let direction = try factor.solve(g)
            decrement = zip(g, direction).reduce(0) { $0 + $1.0 * $1.1 }
            if decrement < 1e-10 || step == 8 { break }
            var t = 1.0, moved = false
            for _ in 0..<20 {
                let candidate = zip(estimate, direction).map { $0 - t * $1 }
                let v = try objective.value(at: candidate)
                evaluations += 1
                if v <= value + 1e-12 * abs(value) { estimate = candidate; moved = true; break }
                t *= 0.5
            }
            newtonSteps += 1
            if !moved { break }
        }
        timing.newton = lap()
        guard decrement < 1e-6 else {
            throw SEMFailure.notConverged("the optimization did not converge (L-BFGS stopped: \(result.stopReason.rawValue) after \(result.evaluations) evaluations; the Newton decrement at the end is \(decrement.isFinite ? String(format: "%.3g", decrement) : "undefined: the observed information is not positive definite"))")
        }

        let information: Numerics.Matrix
        switch options.information {
        case .observed: information = hessian
        case .expected: information = try InformationMatrix.compute(.expected, objective: objective, theta: estimate)
        }
        let covariance: Numerics.Matrix
        do {
            covariance = try Cholesky(information).inverse()
        } catch LinearAlgebraError.notPositiveDefinite(let column) {
            throw SEMFailure.notIdentified("the \(options.information.rawValue) information matrix is singular (first at parameter '\(model.parameters[column - 1].name)'): some parameter is not identified by the data")
        }
        timing.information = lap()
        let moments = try ImpliedMoments(model: model, theta: estimate)
        let logLik = -value
        // The fit indices need the saturated model, which may have no maximum (a singular
        // covariance estimate); then they are not defined, and the estimates stand without them.
        var fitIndices: FitIndices?, unavailable: String?
        if options.fitIndices {
            do {
                fitIndices = try FitIndices(logLikelihood: logLik, parameterCount: q, observations: rows.count, patterns: patterns,
                                            variableCount: model.observedCount, impliedSigma: moments.sigma, impliedMu: moments.mu)
            } catch let failure as SEMFailure {
                unavailable = failure.description
            }
        }
        timing.fitIndices = lap()
        return try SEMFit(model: model, theta: estimate, covariance: covariance, logLikelihood: logLik,
                          observations: rows.count, patternCount: patterns.count, fitIndices: fitIndices,
                          fitIndicesUnavailable: unavailable,
                          information: options.information, missing: missing, confidenceLevel: options.confidenceLevel,
                          evaluations: evaluations, newtonSteps: newtonSteps, newtonDecrement: decrement,
                          timing: timing)
    }

    /// The Cholesky factor of a symmetric matrix, adding a small multiple of its diagonal when it
    /// is not positive definite (a start far from the estimates can make the information there
    /// indefinite; the whitening only needs a positive definite approximation).
    private static func choleskyWithRidge(_ a: inout Numerics.Matrix) throws -> Cholesky {
        let n = a.rows
        let diagonal = (0..<n).map { max(abs(a.elements[$0 + $0 * n]), 1e-8) }
        var ridge = 0.0
        for _ in 0..<40 {
            var b = a
            for i in 0..<n { b.elements[i + i * n] += ridge * diagonal[i] }
            if let c = try? Cholesky(b) { return c }
            ridge = ridge == 0 ? 1e-8 : ridge * 10
        }
        // Fall back to the diagonal alone.
        return try Cholesky(Numerics.Matrix.diagonal(diagonal))
    }
}
