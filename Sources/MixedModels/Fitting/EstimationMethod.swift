/// Restricted (REML, lme4's default) or full maximum likelihood.
public enum EstimationMethod: String, Sendable, Codable {
    case reml = "REML"
    case ml = "ML"
}
