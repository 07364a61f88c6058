import Foundation
import Numerics

/// The estimated residual correlation (phi of `ar1`/`car1`, rho of `cs`) with its 95% confidence
/// interval as nlme's `intervals()` computes it: a Wald interval with normal quantiles on nlme's
/// unconstrained scale of the parameter (2 atanh(phi) for corAR1, logit(phi) for corCAR1,
/// log((rho + 1/(M - 1)) / (1 - rho)) for corCompSymm), mapped back. The variance on that scale
/// is the corresponding element of 2 H^-1, H the Hessian of the deviance in all variance
/// parameters and sigma (`DevianceDerivatives`), which is nlme's `apVar` up to the
/// parameterization of the other parameters (which does not change this element at the optimum).
public struct ResidualCorrelationEstimate: Sendable, Encodable {
    /// As written, normalized: `ar1(session | patient)`.
    public let structure: String
    public let kind: CorrelationStructure.Kind
    /// nlme's call: `corAR1(form = ~session | patient)`.
    public let nlme: String
    /// nlme's name of the parameter: `Phi` or `Rho`.
    public let parameter: String
    public let estimate: Double
    /// The interval; nil on the boundary, or when the Hessian does not give a variance.
    public let confidenceLower: Double?
    public let confidenceUpper: Double?
    /// The grouping factor (the innermost level: `patient:therapist` for `therapist/patient`).
    public let groupName: String
    /// The number of groups (patients) and the largest group.
    public let groups: Int
    public let largestGroup: Int
    /// True when the correlation is at the end of its range (+-1, or for `cs` the lower limit
    /// -1/(M - 1)), where R is singular: a boundary fit, like a singular one.
    public let onBoundary: Bool
    /// The optimizer's coordinate eta (`ResidualCorrelation`).
    let eta: Double

    enum CodingKeys: String, CodingKey {
        case structure, kind, nlme, parameter, estimate, ci_lower, ci_upper, group, groups, largest_group, on_boundary
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(structure, forKey: .structure)
        try c.encode(kind, forKey: .kind)
        try c.encode(nlme, forKey: .nlme)
        try c.encode(parameter, forKey: .parameter)
        try c.encode(estimate, forKey: .estimate)
        try c.encode(confidenceLower, forKey: .ci_lower)
        try c.encode(confidenceUpper, forKey: .ci_upper)
        try c.encode(groupName, forKey: .group)
        try c.encode(groups, forKey: .groups)
        try c.encode(largestGroup, forKey: .largest_group)
        try c.encode(onBoundary, forKey: .on_boundary)
    }

    /// Within this of its limit the correlation is on the boundary (eta is bounded at
    /// `ResidualCorrelation.etaLimit`, |phi| = 1 - 3e-8).
    static let boundaryTolerance = 1e-6

    /// `hessian` is the Hessian of the deviance in (theta~, eta, sigma / sigma-hat), eta at
    /// index `etaIndex`.
    init(correlation: ResidualCorrelation, eta: Double, hessian: Matrix, etaIndex: Int) {
        let structure = correlation.groups.structure
        self.structure = structure.description
        kind = structure.kind
        nlme = structure.nlmeDescription
        parameter = kind.parameterName
        self.eta = eta
        estimate = correlation.correlation(eta: eta)
        groupName = structure.groupName
        groups = correlation.groups.groupCount
        largestGroup = correlation.groups.largestGroup
        let lowerLimit = kind == .cs ? correlation.compoundSymmetryLowerLimit : (kind == .car1 ? 0 : -1)
        onBoundary = 1 - estimate < Self.boundaryTolerance
            || (kind != .car1 && estimate - lowerLimit < Self.boundaryTolerance)
        var lower: Double?, upper: Double?
        if !onBoundary, let eigen = try? SymmetricEigen(hessian), eigen.values.first! > 0 {
            let inverse = eigen.pseudoInverse(tolerance: 0)
            let variance = 2 * inverse[etaIndex, etaIndex]
            let (x, derivative) = correlation.nlmeCoordinate(eta: eta)
            let se = abs(derivative) * variance.squareRoot()
            if se.isFinite && x.isFinite, let normal = try? Normal(), let z = try? normal.quantile(0.975) {
                lower = correlation.correlation(nlmeCoordinate: x - z * se)
                upper = correlation.correlation(nlmeCoordinate: x + z * se)
            }
        }
        confidenceLower = lower
        confidenceUpper = upper
    }

    /// Why the fit is on the boundary, for the messages; nil when it is not.
    var boundaryReason: String? {
        guard onBoundary else { return nil }
        let limit = estimate > 0 ? "+1" : (kind == .cs ? "its lower limit -1/(\(largestGroup) - 1)" : "-1")
        return "the residual correlation \(parameter) of \(structure) is at \(limit) (R is singular there)"
    }
}
