/// A fitted DSEM: the posterior summaries of every parameter, the run's convergence, the data
/// used, and the draws themselves (for traces and draw files).
///
/// Its JSON is the contract of `alliance dsem --format json`: `fixed` (one object per term: `term`,
/// `level`, `median`, `mean`, `sd`, `lower`, `upper`, `p`, `psr`, `ess`), `random` (the variances
/// and covariances of the random effects and the residual variance, each named by `term`
/// (`Var((Intercept))`, `Cov((Intercept), lag(distress))`, `Residual variance`) and labelled
/// `group`, `var1`, `var2` as lme4's `VarCorr`, with the same summaries), `converged`, `iterations`, `timing`, and
/// the data, settings, priors, PSR history and warnings.
public struct DSEMFit: Sendable, Encodable {
    public struct FixedEstimate: Sendable, Encodable {
        public let term: String
        public let level: String
        public let summary: PosteriorSummary
    }

    public struct RandomEstimate: Sendable, Encodable {
        /// The parameter as traces and messages name it: `Var((Intercept))`,
        /// `Cov((Intercept), lag(distress))`, `Residual variance`.
        public let term: String
        public let group: String
        public let var1: String?
        public let var2: String?
        public let summary: PosteriorSummary
    }

    /// The data the model used.
    public struct DataSummary: Sendable, Encodable {
        public let patients: Int
        /// Patients left out (no observed outcome, missing between covariate), with the reason.
        public let droppedPatients: [String]
        /// Sessions from each patient's first to last observed outcome.
        public let sessions: Int
        public let observed: Int
        /// Missing outcomes (missed sessions, missing ratings) sampled by the sampler.
        public let missingSampled: Int
        public let equations: Int
    }

    /// How the sampler ran, in recorded iterations per chain.
    public struct Iterations: Sendable, Encodable {
        public let chains: Int
        public let thin: Int
        /// Recorded iterations per chain in all, discarded before the kept ones, and kept.
        public let total: Int
        public let burnIn: Int
        public let kept: Int
        /// "psr" (Mplus's rule) or "fixed".
        public let rule: String
        public let criterion: Double
        public let seed: UInt64
    }

    /// The largest PSR (over the last half of the iterations so far) at each check.
    public struct PSRCheck: Sendable, Encodable {
        public let iteration: Int
        public let psr: Double
        public let parameter: String
    }

    public struct Timing: Sendable, Encodable {
        public let samplingSeconds: Double
    }

    public let formula: String?
    public let outcome: String
    public let group: String
    public let time: String
    public let initialCondition: String
    public let randomResidualVariance: Bool
    public let data: DataSummary
    public let fixed: [FixedEstimate]
    public let random: [RandomEstimate]
    public let converged: Bool
    public let iterations: Iterations
    public let psrHistory: [PSRCheck]
    public let priors: [String]
    public let warnings: [String]
    public var timing: Timing

    /// Parameter names (fixed then random, the order of `fixed` and `random`).
    public let parameterNames: [String]
    /// draws[chain][parameter] holds every recorded iteration; the kept ones are `keptRange`.
    public let draws: [[[Double]]]
    public let keptRange: Range<Int>

    /// The fixed-part estimate of `term`, if the model has it.
    public func fixedEffect(_ term: String) -> FixedEstimate? { fixed.first { $0.term == term } }

    enum CodingKeys: String, CodingKey {
        case formula, outcome, group, time, initialCondition = "initial_condition"
        case randomResidualVariance = "random_residual_variance", data, fixed, random, converged
        case iterations, psrHistory = "psr_history", priors, warnings, timing
    }
}

extension DSEMFit.FixedEstimate {
    enum CodingKeys: String, CodingKey { case term, level, median, mean, sd, lower, upper, p, psr, ess }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(term, forKey: .term)
        try c.encode(level, forKey: .level)
        try summary.encodeFields(into: &c, median: .median, mean: .mean, sd: .sd, lower: .lower, upper: .upper, p: .p, psr: .psr, ess: .ess)
    }
}

extension DSEMFit.RandomEstimate {
    enum CodingKeys: String, CodingKey { case term, group, var1, var2, median, mean, sd, lower, upper, p, psr, ess }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(term, forKey: .term)
        try c.encode(group, forKey: .group)
        try c.encode(var1, forKey: .var1)
        try c.encode(var2, forKey: .var2)
        try summary.encodeFields(into: &c, median: .median, mean: .mean, sd: .sd, lower: .lower, upper: .upper, p: .p, psr: .psr, ess: .ess)
    }
}

extension DSEMFit.DataSummary {
    enum CodingKeys: String, CodingKey {
        case patients, droppedPatients = "dropped_patients", sessions, observed, missingSampled = "missing_sampled", equations
    }
}

extension DSEMFit.Iterations {
    enum CodingKeys: String, CodingKey { case chains, thin, total, burnIn = "burn_in", kept, rule, criterion, seed }
}

extension DSEMFit.Timing {
    enum CodingKeys: String, CodingKey { case samplingSeconds = "sampling_seconds" }
}

extension DSEMFit.PSRCheck {
    enum CodingKeys: String, CodingKey { case iteration, psr, parameter }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(iteration, forKey: .iteration)
        try c.encode(psr.isFinite ? psr : nil, forKey: .psr)
        try c.encode(parameter, forKey: .parameter)
    }
}

extension PosteriorSummary {
    /// The summary's fields into another object's container (non-finite PSR or ESS as null).
    func encodeFields<K: CodingKey>(into c: inout KeyedEncodingContainer<K>, median: K, mean: K, sd: K, lower: K,
                                    upper: K, p: K, psr: K, ess: K) throws {
        try c.encode(self.median, forKey: median)
        try c.encode(self.mean, forKey: mean)
        try c.encode(self.sd, forKey: sd)
        try c.encode(self.lower, forKey: lower)
        try c.encode(self.upper, forKey: upper)
        try c.encode(self.p, forKey: p)
        try c.encode(self.psr.isFinite ? self.psr : nil, forKey: psr)
        try c.encode(self.ess.isFinite ? self.ess : nil, forKey: ess)
    }
}
