import Foundation
import Numerics

/// A fitted structural equation model: every statement of the model with its estimate (lavaan's
/// `parameterEstimates()`), the log-likelihood and information criteria, the fit indices, and how
/// the fit went.
public struct SEMFit: Sendable {
    /// One statement of the model with its estimate. Fixed statements have no standard error.
    public struct Estimate: Sendable, Codable, Equatable {
        public let lhs: String
        public let op: String
        public let rhs: String
        public let label: String?
        public let free: Bool
        public let estimate: Double
        public let se: Double?
        public let z: Double?
        public let p: Double?
        public let ciLower: Double?
        public let ciUpper: Double?

        enum CodingKeys: String, CodingKey {
            case lhs, op, rhs, label, free, estimate, se, z, p
            case ciLower = "ci_lower", ciUpper = "ci_upper"
        }
    }

    public let model: RAMModel
    /// The free parameters' estimates, in `model.parameters` order.
    public let theta: [Double]
    /// Their sampling covariance matrix (the inverse information).
    public let covariance: Numerics.Matrix
    public let estimates: [Estimate]
    public let logLikelihood: Double
    public var parameterCount: Int { theta.count }
    /// Rows (units, patients) in the likelihood.
    public let observations: Int
    /// Missing-data patterns among them.
    public let patternCount: Int
    public let fitIndices: FitIndices?
    /// Why there are no fit indices when they were asked for (the saturated model has no maximum).
    public let fitIndicesUnavailable: String?
    public let information: InformationKind
    public let missing: StructuralEquationModel.MissingData
    public let confidenceLevel: Double
    /// Objective evaluations (L-BFGS and the Newton steps' line searches) and Newton steps.
    public let evaluations: Int
    public let newtonSteps: Int
    /// g' H^-1 g at the estimates: how far (in log-likelihood) the optimum might still be.
    public let newtonDecrement: Double
    /// Wall-clock seconds of the steps of the fit.
    public struct Timing: Sendable, Codable, Equatable {
        /// Starting values and the whitening information.
        public var start = 0.0
        /// L-BFGS.
        public var optimization = 0.0
        /// Newton steps, each with the observed information.
        public var newton = 0.0
        /// The information matrix of the standard errors and its inverse.
        public var information = 0.0
        /// The saturated and baseline models and the fit indices.
        public var fitIndices = 0.0

        public var total: Double { start + optimization + newton + information + fitIndices }

        enum CodingKeys: String, CodingKey {
            case start, optimization, newton, information
            case fitIndices = "fit_indices"
        }
    }
    public let timing: Timing

    public var aic: Double { -2 * logLikelihood + 2 * Double(parameterCount) }
    public var bic: Double { -2 * logLikelihood + Double(parameterCount) * log(Double(observations)) }

    init(model: RAMModel, theta: [Double], covariance: Numerics.Matrix, logLikelihood: Double, observations: Int,
         patternCount: Int, fitIndices: FitIndices?, fitIndicesUnavailable: String?, information: InformationKind,
         missing: StructuralEquationModel.MissingData, confidenceLevel: Double, evaluations: Int, newtonSteps: Int,
         newtonDecrement: Double, timing: Timing) throws {
        self.model = model
        self.theta = theta
        self.covariance = covariance
        self.logLikelihood = logLikelihood
        self.observations = observations
        self.patternCount = patternCount
        self.fitIndices = fitIndices
        self.fitIndicesUnavailable = fitIndicesUnavailable
        self.information = information
        self.missing = missing
        self.confidenceLevel = confidenceLevel
        self.evaluations = evaluations
        self.newtonSteps = newtonSteps
        self.newtonDecrement = newtonDecrement
        self.timing = timing
        let q = theta.count
        let critical = try Normal.standard.upperQuantile((1 - confidenceLevel) / 2)
        estimates = model.specification.statements.enumerated().map { k, s in
            let op = s.op == .intercept ? "~1" : s.op.rawValue
            guard let index = model.statementParameter[k] else {
                return Estimate(lhs: s.lhs, op: op, rhs: s.rhs, label: s.label, free: false, estimate: s.fixedValue!,
                                se: nil, z: nil, p: nil, ciLower: nil, ciUpper: nil)
            }
            let est = theta[index], se = covariance.elements[index + index * q].squareRoot()
            let z = est / se
            return Estimate(lhs: s.lhs, op: op, rhs: s.rhs, label: s.label, free: true, estimate: est, se: se, z: z,
                            p: 2 * Normal.standard.upperTail(abs(z)), ciLower: est - critical * se, ciUpper: est + critical * se)
        }
    }

    /// The estimate of free parameter `index` with its standard error, z, p and interval.
    public func parameterEstimate(_ index: Int) -> Estimate {
        let k = model.parameters[index].statements[0]
        return estimates[k]
    }
}
