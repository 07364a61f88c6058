/// How the confidence intervals a fit reports were computed (`alliance fit --ci`).
public enum IntervalMethod: String, Sendable, Codable, CaseIterable {
    /// Wald intervals of the fixed effects with t quantiles at the fit's df (lmerTest's confint
    /// for its t tests); nlme's Wald interval for a residual correlation.
    case wald
    /// Profile-likelihood intervals of every parameter (`ProfileLikelihood`).
    case profile
    /// Parametric bootstrap intervals of every parameter (`ParametricBootstrap`): the shortest
    /// coverage intervals, as MixedModels.jl's `confint` reports them.
    case bootstrap
}

/// The intervals of every parameter by one method, with lme4's parameter names
/// (`sd_(Intercept)|Subject`, `cor_Days.(Intercept)|Subject`, `sigma`, coefficient names).
public struct FitIntervals: Sendable, Encodable {
    public let method: IntervalMethod
    public let level: Double
    public let intervals: [ParameterInterval]

    public init(_ profile: ProfileLikelihood) {
        method = .profile
        level = profile.level
        intervals = profile.intervals
    }

    public init(_ bootstrap: ParametricBootstrap) {
        method = .bootstrap
        level = bootstrap.level
        intervals = bootstrap.parameters.map {
            ParameterInterval(name: $0.name, kind: $0.kind, estimate: $0.estimate, lower: $0.shortest.lower, upper: $0.shortest.upper)
        }
    }

    /// The interval of the parameter named `name`, if there is one.
    public func interval(_ name: String) -> ParameterInterval? { intervals.first { $0.name == name } }

    /// lme4's name of a variance component (`sd_...` for a variance, `cor_...` for a covariance,
    /// `sigma` for the residual).
    public static func name(of c: VarianceComponent) -> String {
        if c.group == "Residual" { return "sigma" }
        if let v2 = c.var2 { return "cor_\(v2).\(c.var1 ?? "")|\(c.group)" }
        return "sd_\(c.var1 ?? "")|\(c.group)"
    }

    /// In words, for table notes.
    public var description: String {
        let percent = Int((level * 100).rounded())
        switch method {
        case .wald: return "\(percent)% Wald CIs"
        case .profile: return "\(percent)% profile-likelihood CIs (ML deviance, as lme4's confint(method = \"profile\"))"
        case .bootstrap: return "\(percent)% parametric bootstrap CIs (shortest coverage intervals, as MixedModels.jl's confint)"
        }
    }
}
