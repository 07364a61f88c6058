import Foundation
import Numerics
import Tabular

/// A linear mixed model, `y = X beta + Z b + e` with `b ~ N(0, sigma^2 Lambda Lambda')` and
/// `e ~ N(0, sigma^2 I)`, fitted as lme4 fits it (Bates, Maechler, Bolker & Walker 2015), or with
/// `e ~ N(0, sigma^2 R(phi))` for a residual correlation structure within groups, fitted as nlme
/// fits it (`ResidualCorrelation`: the data whitened by R's Cholesky factor, phi optimized with
/// theta).
///
/// The objective is the profiled deviance, a function of theta alone (the elements of the
/// relative covariance factors T_j, Lambda = blockdiag(I (x) T_j)) and of phi: with L the blocked
/// Cholesky factor at theta of the (whitened) data, r^2 the penalized residual sum of squares, n
/// observations and p fixed effects,
///
///     ML:   -2 log L(theta)   = log|L_theta|^2 + log|R| + n (1 + log(2 pi r^2 / n))
///     REML: -2 log L_R(theta) = log|L_theta|^2 + log|R| + log|R_X|^2 + (n - p)(1 + log(2 pi r^2 / (n - p)))
///
/// (log|R| = 0 without a correlation structure), minimized by BOBYQA with theta's diagonal
/// elements bounded below by 0.
///
/// The *parameters* the optimizer, the derivatives and the profiles work with are theta followed
/// by the correlation's coordinate eta when there is a structure (`ResidualCorrelation`).
public final class LinearMixedModel {
    public let frame: ModelFrame
    public let method: EstimationMethod
    /// The cross-products of the data as given (not whitened).
    let crossProducts: CrossProducts
    let factor: BlockedCholeskyFactor
    /// The residual correlation structure, when the model has one, and the data's cross-products
    /// whitened by it at any eta.
    let correlation: ResidualCorrelation?
    let whitened: WhitenedCrossProducts?
    let layout: CrossProducts.Layout
    private var factoredParameters: [Double]?
    /// The eta the factor's cross-products are whitened at, and log|R| there.
    private var whitenedEta: Double?
    private(set) var residualLogDeterminant = 0.0

    /// Factorizations run side by side for finite-difference derivatives (Satterthwaite, the
    /// convergence checks). Defaults to the number of cores; set to 1 when fitting many models in
    /// parallel already (a simulation), so that threads do not compete.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// Workspaces for batches of factorizations; made on first use.
    lazy var factorPool = FactorPool(model: self, workers: threads)

    /// Lower bounds of theta (0 for standard-deviation-like elements, -infinity otherwise).
    public let thetaLowerBounds: [Double]
    /// lme4's starting values (each T_j = I).
    public let thetaStart: [Double]
    /// lme4's names for the elements of theta.
    public let thetaNames: [String]
    /// The number of elements of theta.
    public var thetaCount: Int { thetaStart.count }
    /// The parameters: theta, then the correlation's eta (if any), with their bounds and start.
    let parameterLowerBounds: [Double]
    let parameterUpperBounds: [Double]
    let parameterStart: [Double]
    /// Which parameters are standard-deviation elements of theta (bounded at 0, singular at 0).
    let standardDeviationElements: [Bool]
    /// The scale-free coordinates the parameters are optimized and differentiated in.
    let thetaScaling: ThetaScaling
    /// BOBYQA with lme4's nloptwrap settings, in the coordinates of `thetaScaling`.
    var optimizer: BOBYQA

    public init(frame: ModelFrame, method: EstimationMethod = .reml) throws {
        self.frame = frame
        self.method = method
        try Self.checkScales(frame)
        crossProducts = try CrossProducts(frame: frame)
        layout = crossProducts.layout
        let correlation = frame.correlationGroups.map { ResidualCorrelation(groups: $0) }
        self.correlation = correlation
        let layout = crossProducts.layout
        whitened = try correlation.map { try WhitenedCrossProducts(frame: frame, layout: layout, correlation: $0) }
        factor = BlockedCholeskyFactor(crossProducts: crossProducts)
        thetaLowerBounds = frame.randomTerms.flatMap(\.thetaLowerBounds)
        thetaStart = frame.randomTerms.flatMap(\.thetaStart)
        thetaNames = frame.randomTerms.flatMap(\.thetaNames)
        if let correlation {
            if correlation.kind == .cs && correlation.groups.largestGroup < 2 {
                throw FormulaError("residual structure '\(FormulaError.excerpt(correlation.groups.structure.text))': every group has one row, so there is no correlation to estimate")
            }
            parameterLowerBounds = thetaLowerBounds + [correlation.lowerBound]
            parameterUpperBounds = thetaLowerBounds.map { _ in Double.infinity } + [correlation.upperBound]
            parameterStart = thetaStart + [correlation.start]
        } else {
            parameterLowerBounds = thetaLowerBounds
            parameterUpperBounds = thetaLowerBounds.map { _ in Double.infinity }
            parameterStart = thetaStart
        }
        standardDeviationElements = thetaLowerBounds.map { $0 == 0 } + (correlation == nil ? [] : [false])
        thetaScaling = ThetaScaling(terms: frame.randomTerms, extra: correlation == nil ? 0 : 1)
        optimizer = BOBYQA(lowerBounds: parameterLowerBounds, upperBounds: parameterUpperBounds)
    }

    /// A model of the same design as `prototype` with another response (a parametric bootstrap
    /// replicate): the cross-products are formed again, the factor's structure is shared.
    init(replicating prototype: LinearMixedModel, response: [Double]) throws {
        frame = prototype.frame.replacingResponse(response)
        method = prototype.method
        layout = prototype.layout
        crossProducts = try CrossProducts(frame: frame, layout: layout)
        correlation = prototype.correlation
        let frame = self.frame, layout = prototype.layout
        whitened = try prototype.correlation.map { try WhitenedCrossProducts(frame: frame, layout: layout, correlation: $0) }
        factor = BlockedCholeskyFactor(crossProducts: crossProducts, sameStructureAs: prototype.factor)
        thetaLowerBounds = prototype.thetaLowerBounds
        thetaStart = prototype.thetaStart
        thetaNames = prototype.thetaNames
        parameterLowerBounds = prototype.parameterLowerBounds
        parameterUpperBounds = prototype.parameterUpperBounds
        parameterStart = prototype.parameterStart
        standardDeviationElements = prototype.standardDeviationElements
        thetaScaling = prototype.thetaScaling
        optimizer = prototype.optimizer
        threads = 1
    }

    /// Values whose squares leave double precision (beyond 1e150 or, for a non-zero variable,
    /// all below 1e-150) would turn sums of squares into infinity or zero; refused up front, so
    /// the reason is the scale and not a misleading "exact fit" or "not positive definite".
    static func checkScales(_ frame: ModelFrame) throws {
        func check(_ name: String, _ values: some Collection<Double>) throws {
            let largest = values.reduce(0) { max($0, abs($1)) }
            if largest > 1e150 || (largest > 0 && largest < 1e-150) {
                throw MixedModelError.extremeScale(variable: name, largest: largest)
            }
        }
        try check("the response '\(frame.responseName)'", frame.y)
        for (j, name) in frame.fixedEffectNames.enumerated() { try check("the predictor '\(name)'", frame.x.column(j)) }
        for term in frame.randomTerms where term.columnNames != ["(Intercept)"] {
            for (c, name) in term.columnNames.enumerated() {
                try check("the random-effects column '\(name)' of '\(term.groupName)'", stride(from: c, to: term.z.count, by: term.k).map { term.z[$0] })
            }
        }
    }

    /// Parses `formula` (and the residual structure `residuals`, such as `ar1(session | patient)`),
    /// builds the model frame from `data`, and sets up the model.
    public convenience init(formula: String, data: DataTable, method: EstimationMethod = .reml,
                            residuals: String? = nil) throws {
        let structure = try residuals.map { try CorrelationStructure($0) }
        try self.init(frame: ModelFrame(formula: ModelFormula(formula), data: data, residuals: structure), method: method)
    }

    /// Observations.
    public var n: Int { frame.observationCount }
    /// Fixed-effects coefficients.
    public var p: Int { frame.x.columns }

    /// Factors L at `parameters` (theta, then eta) unless it is already factored there.
    func factor(at parameters: [Double]) throws {
        if factoredParameters == parameters { return }
        factoredParameters = nil
        if let correlation {
            let eta = parameters[thetaCount]
            if whitenedEta != eta {
                whitenedEta = nil
                factor.a = try whitened!.at(eta: eta)
                residualLogDeterminant = correlation.logDeterminant(eta: eta)
                whitenedEta = eta
            }
            try factor.update(theta: Array(parameters[0..<thetaCount]))
        } else {
            try factor.update(theta: parameters)
        }
        factoredParameters = parameters
    }

    /// The objective at `theta` (followed by the correlation's eta when the model has a residual
    /// correlation structure): the REML criterion or the ML deviance.
    public func objective(theta: [Double]) throws -> Double {
        try factor(at: theta)
        return criterion(logDetL: factor.logDeterminantRandom + residualLogDeterminant, logDetRX: factor.logDeterminantFixed,
                         pwrss: factor.penalizedResidualSumOfSquares)
    }

    func criterion(logDetL: Double, logDetRX: Double, pwrss: Double) -> Double {
        switch method {
        case .ml:
            let dof = Double(n)
            return logDetL + dof * (1 + log(2 * Double.pi * pwrss / dof))
        case .reml:
            let dof = Double(n - p)
            return logDetL + logDetRX + dof * (1 + log(2 * Double.pi * pwrss / dof))
        }
    }

    /// The residual variance estimate at the current factorization: r^2 / n (ML) or r^2 / (n - p).
    var residualVariance: Double {
        factor.penalizedResidualSumOfSquares / Double(method == .ml ? n : n - p)
    }

    /// The estimate of sigma at theta.
    func residualStandardDeviation(theta: [Double]) throws -> Double {
        try factor(at: theta)
        return residualVariance.squareRoot()
    }

    /// Fits the model: optimizes theta as lme4 does, then computes estimates, standard errors,
    /// lmerTest's Satterthwaite degrees of freedom, and the convergence diagnostics.
    public func fit(satterthwaite: Bool = true, degreesOfFreedom: DegreesOfFreedomMethod = .satterthwaite) throws -> LinearMixedModelFit {
        let clock = ContinuousClock()
        let fitStart = clock.now
        let optimum = try optimize()
        let fitSeconds = (clock.now - fitStart).seconds

        let inferenceStart = clock.now
        let fit = try LinearMixedModelFit(model: self, optimum: optimum, degreesOfFreedom: satterthwaite ? degreesOfFreedom : nil)
        var timed = fit
        timed.timing.fitSeconds = fitSeconds
        timed.timing.inferenceSeconds = (clock.now - inferenceStart).seconds
        return timed
    }

    /// The model's estimates at a given `theta`, without optimizing: what lme4 reports if its
    /// optimizer stops at `theta` (lme4's deviance function evaluated there, then the estimates,
    /// Satterthwaite df and diagnostics). Useful to compare with another program's fit, and for
    /// profiling.
    public func evaluate(theta: [Double], satterthwaite: Bool = true,
                         degreesOfFreedom: DegreesOfFreedomMethod = .satterthwaite) throws -> LinearMixedModelFit {
        guard theta.count == parameterStart.count else {
            throw MixedModelError.optimizerFailed("theta has \(theta.count) elements; the model has \(parameterStart.count) parameters")
        }
        let value = try objective(theta: theta)
        let derivatives = try DevianceDerivatives(model: self, theta: theta)
        let optimum = Optimum(theta: theta, objective: value, evaluations: 1, stopReason: .success,
                              derivatives: derivatives, polish: .notRun)
        return try LinearMixedModelFit(model: self, optimum: optimum, degreesOfFreedom: satterthwaite ? degreesOfFreedom : nil)
    }

    /// Above this many observations lme4's derivative-based convergence checks are skipped, as
    /// lme4 does since July 2025 (`check.conv.nobsmax = 1e4`, lme4 PR #839): on large data they
    /// mostly gave false alarms (lme4 issue #783). The Newton polish still verifies the optimum.
    public static let convergenceCheckObservationLimit = 10_000
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
