import CNLopt
import Foundation

/// Why BOBYQA stopped, as NLopt reports it.
public enum OptimizerStopReason: String, Sendable, Codable {
    /// Converged: the objective changed by less than the function tolerance.
    case functionToleranceReached = "ftol reached"
    /// Converged: the parameters changed by less than the parameter tolerance.
    case parameterToleranceReached = "xtol reached"
    /// Stopped because the objective reached the requested stop value.
    case stopValueReached = "stopval reached"
    /// NLopt's generic success.
    case success = "success"
    /// Not converged: the evaluation limit was hit.
    case evaluationLimitReached = "maxeval reached"
    /// Not converged: the time limit was hit.
    case timeLimitReached = "maxtime reached"
    /// Stopped because round-off errors limited progress; the best point found is returned and
    /// may still be useful (lme4 keeps such a fit and warns, "convergence code -4").
    case roundoffLimited = "roundoff limited"

    /// True for the reasons that mean the optimizer believes it found a minimum.
    public var isConvergence: Bool {
        switch self {
        case .functionToleranceReached, .parameterToleranceReached, .stopValueReached, .success: return true
        case .evaluationLimitReached, .timeLimitReached, .roundoffLimited: return false
        }
    }
}

/// What BOBYQA found.
public struct OptimizationResult: Sendable {
    /// The best parameters seen.
    public let minimizer: [Double]
    /// The objective at `minimizer`.
    public let minimum: Double
    /// How many times the objective was evaluated.
    public let evaluations: Int
    public let stopReason: OptimizerStopReason
}

/// Why the optimization itself failed (as opposed to stopping without converging).
public enum OptimizationError: Error, CustomStringConvertible {
    /// The objective threw; the optimizer was stopped and the error is passed on.
    case objectiveFailed(any Error)
    /// The objective returned NaN or infinity at the given parameters.
    case objectiveNotFinite(parameters: [Double])
    /// NLopt refused the problem (bad bounds, starting point outside the bounds, ...) or ran out of
    /// memory; `reason` is NLopt's code.
    case nloptFailure(reason: String)

    public var description: String {
        switch self {
        case .objectiveFailed(let error): return "objective failed: \(error)"
        case .objectiveNotFinite(let x): return "objective is not finite at \(x)"
        case .nloptFailure(let reason): return "NLopt failed: \(reason)"
        }
    }
}

/// Powell's BOBYQA (bound optimization by quadratic approximation), derivative-free, through NLopt's
/// `NLOPT_LN_BOBYQA`. It is the optimizer lme4 uses by default for linear mixed models
/// (`lmerControl(optimizer = "nloptwrap")`), with the tolerances below as lme4 sets them.
///
/// BOBYQA builds a quadratic model of the objective from `2n + 1` interpolation points and
/// minimizes it within a trust region that shrinks as the model becomes accurate; it respects
/// lower and upper bounds on every parameter.
public struct BOBYQA: Sendable {
    /// Lower bounds (`-infinity` for none); one per parameter.
    public var lowerBounds: [Double]
    /// Upper bounds (`+infinity` for none); one per parameter.
    public var upperBounds: [Double]
    /// Stop when every parameter changes by less than this (lme4: 1e-8).
    public var absoluteParameterTolerance: Double = 1e-8
    /// Stop when the parameters change by less than this, relative (0: not used).
    public var relativeParameterTolerance: Double = 0
    /// Stop when the objective changes by less than this (lme4: 1e-8).
    public var absoluteFunctionTolerance: Double = 1e-8
    /// Stop when the objective changes by less than this, relative (0: not used).
    public var relativeFunctionTolerance: Double = 0
    /// Give up after this many evaluations (lme4: 1e5).
    public var maxEvaluations: Int = 100_000
    /// The initial trust-region radius per parameter; nil lets NLopt choose.
    public var initialStep: [Double]? = nil

    public init(lowerBounds: [Double], upperBounds: [Double]? = nil) {
        self.lowerBounds = lowerBounds
        self.upperBounds = upperBounds ?? [Double](repeating: .infinity, count: lowerBounds.count)
    }

    /// Minimizes `objective` starting from `start`.
    public func minimize(_ objective: ([Double]) throws -> Double, from start: [Double]) throws
        -> OptimizationResult
    {
        let n = start.count
        guard lowerBounds.count == n, upperBounds.count == n, initialStep.map({ $0.count == n }) ?? true else {
            throw OptimizationError.nloptFailure(reason: "bounds or steps do not match \(n) parameters")
        }
        guard let opt = nlopt_create(NLOPT_LN_BOBYQA, UInt32(n)) else {
            throw OptimizationError.nloptFailure(reason: "could not create the optimizer")
        }
        defer { nlopt_destroy(opt) }

        return try withoutActuallyEscaping(objective) { objective in
            let box = ObjectiveBox(objective: objective, optimizer: opt)
            let context = Unmanaged.passUnretained(box).toOpaque()
            var lower = lowerBounds, upper = upperBounds
            var status = nlopt_set_lower_bounds(opt, &lower)
            if status.rawValue > 0 { status = nlopt_set_upper_bounds(opt, &upper) }
            if status.rawValue > 0 { status = nlopt_set_xtol_abs1(opt, absoluteParameterTolerance) }
            if status.rawValue > 0 { status = nlopt_set_xtol_rel(opt, relativeParameterTolerance) }
            if status.rawValue > 0 { status = nlopt_set_ftol_abs(opt, absoluteFunctionTolerance) }
            if status.rawValue > 0 { status = nlopt_set_ftol_rel(opt, relativeFunctionTolerance) }
            if status.rawValue > 0 { status = nlopt_set_maxeval(opt, Int32(clamping: maxEvaluations)) }
            if status.rawValue > 0, var step = initialStep { status = nlopt_set_initial_step(opt, &step) }
            if status.rawValue > 0 {
                status = nlopt_set_min_objective(opt, { count, x, _, data in
                    let box = Unmanaged<ObjectiveBox>.fromOpaque(data!).takeUnretainedValue()
                    return box.evaluate(Array(UnsafeBufferPointer(start: x, count: Int(count))))
                }, context)
            }
            guard status.rawValue > 0 else {
                throw OptimizationError.nloptFailure(reason: NLoptResult.describe(status))
            }
            var x = start
            var fmin = 0.0
            let result = nlopt_optimize(opt, &x, &fmin)
            if let error = box.failure { throw error }
            guard let reason = NLoptResult.stopReason(result) else {
                throw OptimizationError.nloptFailure(reason: NLoptResult.describe(result))
            }
            return OptimizationResult(minimizer: x, minimum: fmin, evaluations: box.evaluations,
                                      stopReason: reason)
        }
    }
}

/// Carries the Swift objective through NLopt's C callback, and the first error it raised.
private final class ObjectiveBox {
    let objective: ([Double]) throws -> Double
    let optimizer: nlopt_opt
    var evaluations = 0
    var failure: OptimizationError?

    init(objective: @escaping ([Double]) throws -> Double, optimizer: nlopt_opt) {
        self.objective = objective
        self.optimizer = optimizer
    }

    func evaluate(_ x: [Double]) -> Double {
        evaluations += 1
        do {
            let value = try objective(x)
            if value.isFinite { return value }
            failure = .objectiveNotFinite(parameters: x)
        } catch {
            failure = .objectiveFailed(error)
        }
        nlopt_force_stop(optimizer)
        return .greatestFiniteMagnitude
    }
}
