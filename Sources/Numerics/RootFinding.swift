import CGSL
import Foundation

/// A root of a continuous function of one variable in a bracketing interval, by Brent's method
/// (Brent 1973, ch. 4) as GSL implements it (`gsl_root_fsolver_brent`): inverse quadratic
/// interpolation where it makes progress, bisection where it does not, so the bracket always
/// shrinks and the root is found to the tolerance in a bounded number of steps.
public enum RootFinding {
    /// Why no root could be found.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// f(lower) and f(upper) have the same sign, so the interval brackets no root.
        case notBracketed(lower: Double, upper: Double)
        /// The function was not finite somewhere in the interval, or GSL gave up.
        case failed(String)

        public var description: String {
            switch self {
            case .notBracketed(let a, let b): return "the interval [\(a), \(b)] does not bracket a root"
            case .failed(let why): return "root finding failed: \(why)"
            }
        }
    }

    /// The x in [lower, upper] with f(x) = 0, where f(lower) and f(upper) differ in sign, to within
    /// `absoluteTolerance + relativeTolerance * |x|`.
    public static func brent(_ f: (Double) -> Double, in lower: Double, _ upper: Double,
                             absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-12,
                             maxIterations: Int = 200) throws -> Double {
        _ = gslErrorHandlerOff
        let fa = f(lower), fb = f(upper)
        if fa == 0 { return lower }
        if fb == 0 { return upper }
        guard fa.isFinite, fb.isFinite else { throw Failure.failed("the function is not finite at the ends of the interval") }
        guard (fa < 0) != (fb < 0) else { throw Failure.notBracketed(lower: lower, upper: upper) }
        guard let solver = gsl_root_fsolver_alloc(alliance_gsl_root_fsolver_brent()) else { throw Failure.failed("out of memory") }
        defer { gsl_root_fsolver_free(solver) }
        return try withoutActuallyEscaping(f) { f in
            let box = FunctionBox(f)
            var function = gsl_function(function: { x, context in
                Unmanaged<FunctionBox>.fromOpaque(context!).takeUnretainedValue().f(x)
            }, params: Unmanaged.passUnretained(box).toOpaque())
            guard gsl_root_fsolver_set(solver, &function, lower, upper) == GSL_SUCCESS else {
                throw Failure.failed("could not start the solver")
            }
            for _ in 0..<maxIterations {
                guard gsl_root_fsolver_iterate(solver) == GSL_SUCCESS else {
                    throw Failure.failed("the function is not finite inside the interval")
                }
                let a = gsl_root_fsolver_x_lower(solver), b = gsl_root_fsolver_x_upper(solver)
                if gsl_root_test_interval(a, b, absoluteTolerance, relativeTolerance) == GSL_SUCCESS {
                    return gsl_root_fsolver_root(solver)
                }
            }
            throw Failure.failed("no convergence in \(maxIterations) iterations")
        }
    }
}

/// Carries the Swift closure through GSL's C callback.
private final class FunctionBox {
    let f: (Double) -> Double
    init(_ f: @escaping (Double) -> Double) { self.f = f }
}
