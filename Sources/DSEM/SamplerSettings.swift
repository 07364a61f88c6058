/// How long and how the sampler runs.
///
/// Two ways to decide the number of iterations, both counted in recorded (thinned) iterations per
/// chain, as Mplus counts them [M]:
/// - **Mplus's rule** (`burnIn == nil`, the default): iterate, and every `checkInterval`
///   iterations compute the PSR of every parameter over the last half of the iterations so far;
///   stop at the first check at or after `minimumIterations` where every PSR is below
///   `convergenceCriterion`, or at `maximumIterations` (not converged). The first half is burn-in;
///   the posterior is the second half (Mplus [V]: "the PSR based on only the last half of the
///   iterations", Muthén on the Mplus discussion board, 2013), or, when `iterations` is set, that
///   many further iterations per chain after convergence.
/// - **Fixed** (`burnIn` set): `burnIn` iterations discarded, then `iterations` (default: as many
///   as the burn-in) kept; the PSR is reported, not used to stop.
public struct SamplerSettings: Sendable, Equatable {
    public var chains = 2
    public var seed: UInt64 = 1
    /// Every `thin`-th sweep is recorded.
    public var thin = 1
    public var burnIn: Int? = nil
    public var iterations: Int? = nil
    public var minimumIterations = 1_000
    public var maximumIterations = 50_000
    public var convergenceCriterion = 1.1
    public var checkInterval = 100
    /// Threads for chains and patients (nil: all cores). The results do not depend on it.
    public var threads: Int? = nil
    /// The credible level of the intervals.
    public var credibleLevel = 0.95

    public init() {}

    /// The settings' errors, as one line (nil when they are valid).
    public var problem: String? {
        if chains < 1 { return "the number of chains must be at least 1" }
        if thin < 1 { return "--thin must be at least 1" }
        if let b = burnIn, b < 0 { return "--burn-in must not be negative" }
        if let n = iterations, n < 10 { return "--iterations must be at least 10" }
        if minimumIterations < 200 { return "the minimum number of iterations must be at least 200 (the first 100 estimate the initial-value prior and must fall in the discarded half)" }
        if maximumIterations < minimumIterations { return "the maximum number of iterations must be at least the minimum (\(minimumIterations))" }
        if !(convergenceCriterion > 1) { return "the PSR criterion must be above 1" }
        if let t = threads, t < 1 { return "--threads must be at least 1" }
        if !(credibleLevel > 0 && credibleLevel < 1) { return "the credible level must be between 0 and 1" }
        return nil
    }
}
