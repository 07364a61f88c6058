/// What one estimator gave for one focal term in one replication: the estimate with its
/// standard error, Satterthwaite df, confidence interval at level 1 - alpha and p-value, and the
/// fit's convergence, or the reason there is no estimate (a failed fit).
public struct FitRecord: Sendable, Equatable {
    /// The cell (from 1) and the replication (from 1).
    public var cell: Int
    public var replication: Int
    public var rater: SimulatedRater
    public var estimator: String
    public var term: Estimator.FocalTerm
    public var outcome: Outcome
    /// The share of the rater's judged patients with at least one detected rupture in this
    /// replication's data (nil when no patient could be judged).
    public var prevalence: Double?

    public enum Outcome: Sendable, Equatable {
        case estimated(Estimate)
        /// No estimate; the reason on one line.
        case failed(String)
    }

    public struct Estimate: Sendable, Equatable {
        public var estimate: Double
        public var standardError: Double
        public var degreesOfFreedom: Double
        public var lower: Double
        public var upper: Double
        public var p: Double
        /// lme4's convergence checks passed.
        public var converged: Bool
        /// A variance component at its boundary (lme4's "boundary (singular) fit").
        public var singular: Bool
    }

    public var estimate: Estimate? {
        if case .estimated(let e) = outcome { return e }
        return nil
    }
}
