import DynamicModels
import Foundation
import MixedModels

/// The prior distributions of a DSEM, with Mplus's defaults (read in Mplus's TECH1 output, e.g.
/// the DSEM chapter outputs of Hamaker, Asparouhov & Muthén 2021: "N(0.000,infinity)",
/// "IG(-1.000,0.000)", "IW(0.000,-3)" for a 2 x 2 matrix):
///
/// - every regression coefficient and every mean (the fixed part): N(0, infinity), flat;
/// - the residual (innovation) variance: IG(-1, 0), flat on sigma^2;
/// - the covariance matrix of the random effects (p x p): IW(0, -p - 1), flat on positive definite
///   matrices; with uncorrelated random effects (`||`) each variance IG(-1, 0);
/// - the pre-sample values of the latent initial condition: N(m0, v0) with m0 and v0 the mean and
///   variance of the within-patient deviations y_it - mu_i, re-estimated during the first 100
///   iterations and then fixed (Asparouhov, Hamaker & Muthén 2018).
///
/// Each can be set (`--prior`), in Mplus's parameterizations: N(mean, variance), IG(shape, scale),
/// IW(scale, df) with the scale a multiple of the identity.
public struct DSEMPriors: Sendable, Equatable {
    /// Normal priors of fixed-part terms by their printed name (`(Intercept)`, `lag(distress)`);
    /// a term not listed has the flat prior.
    public var coefficients: [String: NormalPrior] = [:]
    /// The residual variance sigma^2 (without random residual variances).
    public var residualVariance = InverseGammaPrior(shape: -1, scale: 0)
    /// The covariance matrix of the random effects, as IW(scale x I, df); nil: Mplus's IW(0, -p-1).
    public var randomEffects: InverseWishartPrior? = nil
    /// Each random-effect variance when the random effects are uncorrelated.
    public var randomEffectVariance = InverseGammaPrior(shape: -1, scale: 0)
    /// The pre-sample (and equation-less missing) values; nil: the data-based prior.
    public var initialValues: NormalPrior? = nil

    public init() {}

    /// N(mean, variance); variance infinity is the flat prior.
    public struct NormalPrior: Sendable, Equatable, CustomStringConvertible {
        public var mean: Double
        public var variance: Double
        public init(mean: Double, variance: Double) { self.mean = mean; self.variance = variance }
        public static let flat = NormalPrior(mean: 0, variance: .infinity)
        public var precision: Double { variance.isInfinite ? 0 : 1 / variance }
        public var description: String { "N(\(Self.number(mean)), \(variance.isInfinite ? "infinity" : Self.number(variance)))" }
        static func number(_ v: Double) -> String {
            v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        }
    }

    /// IG(shape, scale): density proportional to x^(-shape-1) exp(-scale/x); IG(-1, 0) is flat.
    public struct InverseGammaPrior: Sendable, Equatable, CustomStringConvertible {
        public var shape: Double
        public var scale: Double
        public init(shape: Double, scale: Double) { self.shape = shape; self.scale = scale }
        public var description: String { "IG(\(NormalPrior.number(shape)), \(NormalPrior.number(scale)))" }
    }

    /// IW(scale x I, df).
    public struct InverseWishartPrior: Sendable, Equatable, CustomStringConvertible {
        public var scale: Double
        public var degreesOfFreedom: Double
        public init(scale: Double, degreesOfFreedom: Double) { self.scale = scale; self.degreesOfFreedom = degreesOfFreedom }
        public var description: String { "IW(\(NormalPrior.number(scale)), \(NormalPrior.number(degreesOfFreedom)))" }
    }

    /// A term as the fit prints it: `lag(x, 1)` and `lag( x )` are `lag(x)`, `lag(x,2)` is
    /// `lag(x, 2)`; other names (`(Intercept)`, `factor(therapist)2`) as written.
    static func termName(_ text: String) -> String {
        var parser = FormulaParser("y ~ \(text)")
        guard let (_, rhs) = try? parser.parse(), let variable = try? LaggedVariable(rhs, formula: text) else { return text }
        return variable.term
    }

    /// Reads one `--prior` setting: `TERM ~ N(mean, variance)` for a fixed-part term,
    /// `residual ~ IG(shape, scale)`, `random ~ IW(scale, df)` (or `random ~ IG(shape, scale)` for
    /// uncorrelated random effects), `initial ~ N(mean, variance)`. Errors are `DSEMInputError`s.
    public mutating func apply(_ setting: String) throws {
        func fail(_ why: String) -> DSEMInputError {
            DSEMInputError("--prior '\(setting)': \(why) (forms: 'lag(y) ~ N(0, 1)', 'residual ~ IG(1, 1)', 'random ~ IW(1, 3)', 'initial ~ N(0, 10)')")
        }
        let halves = setting.split(separator: "~", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard halves.count == 2, !halves[0].isEmpty else { throw fail("expected 'parameter ~ distribution'") }
        let target = halves[0], distribution = halves[1]
        guard let open = distribution.firstIndex(of: "("), distribution.hasSuffix(")") else {
            throw fail("'\(distribution)' is not a distribution")
        }
        let family = distribution[..<open].trimmingCharacters(in: .whitespaces).uppercased()
        let arguments = distribution[distribution.index(after: open)..<distribution.index(before: distribution.endIndex)]
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let values = try arguments.map { text -> Double in
            if text.lowercased() == "infinity" || text.lowercased() == "inf" { return .infinity }
            guard let v = Double(text), !v.isNaN else { throw fail("'\(text)' is not a number") }
            return v
        }
        guard values.count == 2 else { throw fail("\(family) takes two numbers") }
        switch (target.lowercased(), family) {
        case ("residual", "IG"):
            guard values[1] >= 0, values[1].isFinite else { throw fail("the scale must not be negative") }
            residualVariance = InverseGammaPrior(shape: values[0], scale: values[1])
        case ("random", "IW"):
            guard values[0] > 0 || values[0] == 0 && values[1] < 0 else { throw fail("the scale must be positive") }
            randomEffects = InverseWishartPrior(scale: values[0], degreesOfFreedom: values[1])
        case ("random", "IG"):
            guard values[1] >= 0, values[1].isFinite else { throw fail("the scale must not be negative") }
            randomEffectVariance = InverseGammaPrior(shape: values[0], scale: values[1])
        case ("initial", "N"):
            guard values[1] > 0, values[1].isFinite else { throw fail("the variance must be positive and finite") }
            initialValues = NormalPrior(mean: values[0], variance: values[1])
        case (let name, "N") where !["residual", "random", "initial"].contains(name):
            guard values[1] > 0 else { throw fail("the variance must be positive") }
            coefficients[Self.termName(target)] = NormalPrior(mean: values[0], variance: values[1])
        default:
            throw fail("\(family) is not a prior for '\(target)'")
        }
    }
}
