import Foundation
import Numerics

/// Likelihood-ratio tests between nested models, as lme4's `anova(m0, m1)` computes them: models
/// fitted by REML are refitted by ML first (REML criteria of models with different fixed effects
/// are not comparable), models are ordered by their number of parameters, and each is tested
/// against the one before it:
///
///     chi^2 = deviance(smaller) - deviance(larger),   df = difference in parameters,
///     p = P(chi^2_df > chi^2).
///
/// Parameters are fixed effects + theta + 1 (sigma). For a variance tested at its boundary (zero)
/// this p-value is conservative (the null distribution is a mixture of chi^2_0 and chi^2_1;
/// Self & Liang 1987); like lme4, alliance reports the plain chi^2 p-value.
public struct LikelihoodRatioTest: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public let formula: String
        public let parameters: Int
        public let aic: Double
        public let bic: Double
        public let logLikelihood: Double
        public let deviance: Double
        public let chiSquare: Double?
        public let degreesOfFreedom: Int?
        public let p: Double?

        enum CodingKeys: String, CodingKey {
            case formula, parameters = "npar", aic = "AIC", bic = "BIC", logLikelihood = "logLik", deviance
            case chiSquare = "Chisq", degreesOfFreedom = "Df", p = "Pr(>Chisq)"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(formula, forKey: .formula)
            try c.encode(parameters, forKey: .parameters)
            try c.encode(aic, forKey: .aic)
            try c.encode(bic, forKey: .bic)
            try c.encode(logLikelihood, forKey: .logLikelihood)
            try c.encode(deviance, forKey: .deviance)
            try c.encode(chiSquare, forKey: .chiSquare)
            try c.encode(degreesOfFreedom, forKey: .degreesOfFreedom)
            try c.encode(p, forKey: .p)
        }
    }

    public let rows: [Row]
    /// True when some model was fitted by REML and refitted by ML for the test.
    public let refittedWithML: Bool
    /// The criterion compared: ML deviances (lme4's anova), or REML criteria (nlme's anova of
    /// models with the same fixed effects).
    public let criterion: EstimationMethod

    /// Fits (by ML) and compares models on the same data. With `refitWithML` false the models are
    /// compared with their own criteria (REML fits of the same fixed effects, as nlme's `anova()`
    /// compares residual correlation structures).
    public static func compare(_ models: [LinearMixedModel], refitWithML: Bool = true) throws -> LikelihoodRatioTest {
        guard models.count >= 2 else { throw LikelihoodRatioError("a likelihood-ratio test needs at least two models") }
        let n = models[0].n
        guard models.allSatisfy({ $0.n == n && $0.frame.rows == models[0].frame.rows }) else {
            throw LikelihoodRatioError("the models were not fitted to the same observations (rows with missing values differ); compare models on the same rows")
        }
        if !refitWithML {
            guard Set(models.map(\.method)).count == 1, Set(models.map { $0.frame.fixedEffectNames }).count == 1 else {
                throw LikelihoodRatioError("models compared by their REML criteria must have the same fixed effects and method")
            }
        }
        let refitted = refitWithML && models.contains { $0.method == .reml }
        var fits = [LinearMixedModelFit]()
        for model in models {
            let ml = model.method == .ml || !refitWithML ? model : try LinearMixedModel(frame: model.frame, method: .ml)
            fits.append(try ml.fit(satterthwaite: false))
        }
        let ordered = fits.enumerated().sorted { ($0.element.parameterCount, $0.offset) < ($1.element.parameterCount, $1.offset) }.map(\.element)
        var rows = [Row]()
        for (k, fit) in ordered.enumerated() {
            var chi: Double?, df: Int?, p: Double?
            if k > 0 {
                let previous = ordered[k - 1]
                let statistic = max(0, previous.objective - fit.objective)
                let difference = fit.parameterCount - previous.parameterCount
                chi = statistic
                df = difference
                if difference > 0 {
                    p = try ChiSquared(degreesOfFreedom: Double(difference)).upperTail(statistic)
                }
            }
            let label = fit.formula + (fit.residualCorrelation.map { "; residuals \($0.structure)" } ?? "")
            rows.append(Row(formula: label, parameters: fit.parameterCount, aic: fit.aic, bic: fit.bic,
                            logLikelihood: fit.logLikelihood, deviance: fit.objective, chiSquare: chi,
                            degreesOfFreedom: df, p: p))
        }
        return LikelihoodRatioTest(rows: rows, refittedWithML: refitted, criterion: fits[0].method)
    }
}

/// Models that cannot be compared.
public struct LikelihoodRatioError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
