import CNLopt
import Foundation

/// The limited-memory BFGS quasi-Newton method (Nocedal 1980; Liu & Nocedal 1989) through NLopt's
/// `NLOPT_LD_LBFGS` (Luksan's implementation), for smooth objectives with an analytic gradient.
///
/// Each iteration builds the search direction `-H g` from the last `storedCorrections` pairs of
/// steps `s = x_{k+1} - x_k` and gradient changes `y = g_{k+1} - g_k` (the two-loop recursion, an
/// implicit BFGS approximation `H` of the inverse Hessian), then searches along it for a point
/// that lowers the objective enough. The method is invariant to nothing but rotations: it works
/// best when the parameters are scaled so that the Hessian is near the identity, which callers
/// arrange by optimizing over a whitened parameter (`x = x0 + R^-1 z` with `R'R` the Hessian or
/// the information at the start).
///
/// An objective may return `+infinity` for a point outside its domain (a covariance matrix that is
/// not positive definite); the line search then sees a value larger than any other and backs off.
/// NaN, `-infinity` and thrown errors stop the optimization.
public struct LBFGS: Sendable {
    /// Stop when the objective changes by less than this between iterations (absolute).
    public var absoluteFunctionTolerance: Double = 1e-12
    /// Stop when the objective changes by less than this, relative to its value (0: not used).
    public var relativeFunctionTolerance: Double = 0
    /// Stop when every parameter changes by less than this (absolute; 0: not used).
    public var absoluteParameterTolerance: Double = 0
    /// Stop when the parameters change by less than this, relative (0: not used).
    public var relativeParameterTolerance: Double = 0
    /// Give up after this many evaluations of the objective and gradient.
    public var maxEvaluations: Int = 10_000
    /// How many correction pairs the approximation keeps (NLopt's `vector_storage`; 0: NLopt's default).
    public var storedCorrections: Int = 0

    public init() {}

    /// Minimizes `objective`, which returns the value at `x` and writes the gradient into its second
    /// argument, starting from `start` (no bounds).
    public func minimize(_ objective: ([Double], inout [Double]) throws -> Double, from start: [Double]) throws
        -> OptimizationResult
    {
        let n = start.count
        guard n > 0 else {
            var none = [Double]()
            let value = try objective([], &none)
            return OptimizationResult(minimizer: [], minimum: value, evaluations: 1, stopReason: .success)
        }
        guard let opt = nlopt_create(NLOPT_LD_LBFGS, UInt32(n)) else {
            throw OptimizationError.nloptFailure(reason: "could not create the optimizer")
        }
        defer { nlopt_destroy(opt) }

        return try withoutActuallyEscaping(objective) { objective in
            let box = GradientObjectiveBox(objective: objective, optimizer: opt, count: n)
            let context = Unmanaged.passUnretained(box).toOpaque()
            var status = nlopt_set_ftol_abs(opt, absoluteFunctionTolerance)
            if status.rawValue > 0 { status = nlopt_set_ftol_rel(opt, relativeFunctionTolerance) }
            if status.rawValue > 0 { status = nlopt_set_xtol_abs1(opt, absoluteParameterTolerance) }
            if status.rawValue > 0 { status = nlopt_set_xtol_rel(opt, relativeParameterTolerance) }
            if status.rawValue > 0 { status = nlopt_set_maxeval(opt, Int32(clamping: maxEvaluations)) }
            if status.rawValue > 0, storedCorrections > 0 { status = nlopt_set_vector_storage(opt, UInt32(storedCorrections)) }
            if status.rawValue > 0 {
                status = nlopt_set_min_objective(opt, { count, x, gradient, data in
                    let box = Unmanaged<GradientObjectiveBox>.fromOpaque(data!).takeUnretainedValue()
                    return box.evaluate(x!, count: Int(count), gradient: gradient)
                }, context)
            }
            guard status.rawValue > 0 else {
                throw OptimizationError.nloptFailure(reason: NLoptResult.describe(status))
            }
            var x = start
            var fmin = 0.0
            let result = nlopt_optimize(opt, &x, &fmin)
            if let error = box.failure { throw error }
            // NLopt returns the best point it evaluated; keep the box's copy, which is the same
            // point but also survives a forced stop.
            if box.bestValue < .infinity {
                x = box.bestPoint
                fmin = box.bestValue
            }
            // Luksan's line search reports a generic failure when it cannot lower the objective
            // any further along the direction, which at a minimum is round-off, not an error.
            let reason = result == NLOPT_FAILURE && box.bestValue < .infinity ? .roundoffLimited : NLoptResult.stopReason(result)
            guard let reason else { throw OptimizationError.nloptFailure(reason: NLoptResult.describe(result)) }
            return OptimizationResult(minimizer: x, minimum: fmin, evaluations: box.evaluations, stopReason: reason)
        }
    }
}

/// Carries the Swift objective and gradient through NLopt's C callback, remembers the best point
/// evaluated and the first error raised.
private final class GradientObjectiveBox {
    let objective: ([Double], inout [Double]) throws -> Double
    let optimizer: nlopt_opt
    var evaluations = 0
    var failure: OptimizationError?
    var bestValue = Double.infinity
    var bestPoint: [Double]
    private var x: [Double]
    private var gradient: [Double]

    init(objective: @escaping ([Double], inout [Double]) throws -> Double, optimizer: nlopt_opt, count: Int) {
        self.objective = objective
        self.optimizer = optimizer
        x = [Double](repeating: 0, count: count)
        gradient = [Double](repeating: 0, count: count)
        bestPoint = x
    }

    /// The value NLopt receives for a point outside the objective's domain: larger than any value
    /// the objective takes, small enough that NLopt's interpolation does not overflow.
    static let outsideDomain = 1e100

    func evaluate(_ point: UnsafePointer<Double>, count: Int, gradient out: UnsafeMutablePointer<Double>?) -> Double {
        evaluations += 1
        for i in 0..<count { x[i] = point[i] }
        do {
            let value = try objective(x, &gradient)
            if value == .infinity {
                if let out { for i in 0..<count { out[i] = 0 } }
                return Self.outsideDomain
            }
            if value.isFinite, gradient.allSatisfy(\.isFinite) {
                if value < bestValue {
                    bestValue = value
                    bestPoint = x
                }
                if let out { for i in 0..<count { out[i] = gradient[i] } }
                return value
            }
            failure = .objectiveNotFinite(parameters: x)
        } catch {
            failure = .objectiveFailed(error)
        }
        nlopt_force_stop(optimizer)
        return .greatestFiniteMagnitude
    }
}
