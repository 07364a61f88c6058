import CNLopt

/// NLopt's result codes, shared by the optimizers that wrap NLopt (BOBYQA, L-BFGS).
enum NLoptResult {
    /// The stop reason of a successful run; nil for NLopt's failure codes.
    static func stopReason(_ code: nlopt_result) -> OptimizerStopReason? {
        switch code {
        case NLOPT_SUCCESS: return .success
        case NLOPT_STOPVAL_REACHED: return .stopValueReached
        case NLOPT_FTOL_REACHED: return .functionToleranceReached
        case NLOPT_XTOL_REACHED: return .parameterToleranceReached
        case NLOPT_MAXEVAL_REACHED: return .evaluationLimitReached
        case NLOPT_MAXTIME_REACHED: return .timeLimitReached
        case NLOPT_ROUNDOFF_LIMITED: return .roundoffLimited
        default: return nil
        }
    }

    /// A failure code in words.
    static func describe(_ code: nlopt_result) -> String {
        switch code {
        case NLOPT_INVALID_ARGS: return "invalid arguments (bounds, start or tolerances)"
        case NLOPT_OUT_OF_MEMORY: return "out of memory"
        case NLOPT_ROUNDOFF_LIMITED: return "round-off errors limited progress"
        case NLOPT_FORCED_STOP: return "forced stop"
        case NLOPT_FAILURE: return "generic failure"
        default: return "NLopt code \(code.rawValue)"
        }
    }
}
