/// A fitted ML-SEM dynamic panel model: the coefficients of the formula's terms as dpm reports
/// them (`lag(union)`, `ed`, `lag(wks)`), one row per term or, for a coefficient freed across
/// waves, one per session of its equation; and the whole SEM fit behind them.
public struct MLSEMFit: Sendable {
    public struct Coefficient: Sendable, Codable, Equatable {
        /// The term as dpm names it: the predictor without `pre()`, the covariate, `lag(outcome)`.
        public let term: String
        /// The session of the equation, for a coefficient free across waves; nil otherwise.
        public let session: Int?
        public let estimate: Double
        public let se: Double
        public let z: Double
        public let p: Double
        public let ciLower: Double
        public let ciUpper: Double

        enum CodingKeys: String, CodingKey {
            case term, session, estimate, se, z, p
            case ciLower = "ci_lower", ciUpper = "ci_upper"
        }

        init(term: String, session: Int?, _ e: SEMFit.Estimate) {
            self.term = term
            self.session = session
            estimate = e.estimate
            se = e.se ?? .nan
            z = e.z ?? .nan
            p = e.p ?? .nan
            ciLower = e.ciLower ?? .nan
            ciUpper = e.ciUpper ?? .nan
        }
    }

    public let formula: MLSEMFormula
    public let options: MLSEMOptions
    public let waves: MLSEM.Waves
    public let sem: SEMFit
    /// Patients in the data, and those with at least one value in the model (FIML) or with every
    /// value (listwise).
    public let patients: Int
    public var patientsUsed: Int { sem.observations }
    public let coefficients: [Coefficient]
}
