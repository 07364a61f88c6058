import Dispatch
import Foundation
import Numerics

/// One profile-likelihood (or bootstrap) confidence interval of a parameter.
public struct ParameterInterval: Sendable, Encodable {
    /// What the parameter is, in lme4's terms.
    public enum Kind: String, Sendable, Codable {
        case standardDeviation = "sd", correlation = "cor", residualStandardDeviation = "sigma"
        case residualCorrelation = "residual_cor", fixed = "beta"
    }

    /// lme4's name (`confint(fit, oldNames = FALSE)`): `sd_(Intercept)|Subject`,
    /// `cor_Days.(Intercept)|Subject`, `sigma`, the coefficient's name; the residual correlation is
    /// `phi` or `rho`.
    public let name: String
    public let kind: Kind
    /// The estimate the interval goes with (the ML estimate for a profile, the fit's for a bootstrap).
    public let estimate: Double
    public let lower: Double
    public let upper: Double

    enum CodingKeys: String, CodingKey { case name = "parameter", kind, estimate, lower, upper }
}

/// Profile-likelihood confidence intervals of every parameter, as lme4's
/// `confint(fit, method = "profile")` computes them (lme4's `profile.merMod`, `devfun2`,
/// `confint.thpr`):
///
/// - the model is refitted by maximum likelihood (lme4 profiles REML fits on the ML deviance);
/// - the variance parameters are the standard deviations and correlations of each random-effects
///   term (lme4's `sdcor` scale, its order), sigma, and the residual correlation if any; the
///   deviance is written in them with beta profiled out,
///   `D = log|L_theta|^2 + log|R| + r^2(theta) / sigma^2 + n log(2 pi sigma^2)`, theta from the
///   standard deviations over sigma and the Cholesky factor of the correlations;
/// - for a fixed effect beta_j, its column is moved into the offset and the ML criterion of the
///   rest minimized over theta (sigma and the other coefficients profiled);
/// - the interval is where the signed root of the profiled deviance difference,
///   zeta(x) = sign(x - x-hat) sqrt(D_profile(x) - D-hat), equals -+ z_{0.975}; where the profile
///   reaches a bound (a standard deviation at 0, a correlation at +-1) before that, the bound.
///
/// lme4 steps zeta by about 0.43 and interpolates the points with splines; alliance finds each end
/// by Brent's method on the profile itself (each point an inner BOBYQA fit), so the two agree to the
/// accuracy of lme4's interpolation.
public struct ProfileLikelihood: Sendable, Encodable {
    public let level: Double
    /// The ML deviance at the optimum.
    public let deviance: Double
    public let intervals: [ParameterInterval]

    enum CodingKeys: String, CodingKey { case level, deviance = "ml_deviance", intervals }

    /// Profiles every parameter of `model` (refitted by ML if it is a REML model), `threads` at once.
    public init(model: LinearMixedModel, level: Double = 0.95, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        self.level = level
        let frame = model.frame
        let ml = try LinearMixedModel(frame: frame, method: .ml)
        ml.threads = 1
        let optimum = try ml.optimize()
        let parameters = optimum.theta
        let layout = VarianceParameterLayout(model: ml)
        try ml.factor(at: parameters)
        let sigma = ml.residualVariance.squareRoot()
        let beta = ml.factor.fixedEffects
        let covariance = try FixedEffectsCovariance.unscaled(ml.factor.fixedFactor).scaled(by: sigma * sigma)
        let base = try ml.deviance(parameters: parameters, sigma: sigma)
        deviance = base
        let psi = layout.psi(parameters: parameters, sigma: sigma)
        let z = try Normal().quantile(0.5 + level / 2)

        enum Job: Sendable { case variance(Int), fixed(Int) }
        let jobs = layout.names.indices.map { Job.variance($0) } + (0..<frame.x.columns).map { Job.fixed($0) }
        let tasks = min(max(1, threads), jobs.count)
        let results = UnsafeMutableBufferPointer<Result<ParameterInterval, any Error>?>.allocate(capacity: jobs.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let shared = ProfileSlots(results: results)
        let work = {
            DispatchQueue.concurrentPerform(iterations: tasks) { worker in
                // Each worker has its own models (they hold their factorizations).
                var index = worker
                let own = Result { try LinearMixedModel(frame: frame, method: .ml) }
                while index < jobs.count {
                    shared.results[index] = Result {
                        let model = try own.get()
                        model.threads = 1
                        switch jobs[index] {
                        case .variance(let w):
                            return try Self.varianceInterval(w, model: model, layout: layout, psi: psi, base: base, z: z)
                        case .fixed(let j):
                            return try Self.fixedInterval(j, frame: frame, parameters: parameters, beta: beta[j],
                                                          se: covariance[j, j].squareRoot(), base: base, z: z)
                        }
                    }
                    index += tasks
                }
            }
        }
        BLASThreading.singleThreaded(work)
        intervals = try (0..<jobs.count).map { try results[$0]!.get() }
    }

    /// The interval of variance parameter `w`.
    private static func varianceInterval(_ w: Int, model: LinearMixedModel, layout: VarianceParameterLayout,
                                         psi: [Double], base: Double, z: Double) throws -> ParameterInterval {
        let others = psi.indices.filter { $0 != w }
        let scale = layout.scales(psi)
        var last = others.map { psi[$0] / scale[$0] }
        var bobyqa = BOBYQA(lowerBounds: others.map { layout.lower[$0] / scale[$0] },
                            upperBounds: others.map { layout.upper[$0] / scale[$0] })
        bobyqa.absoluteParameterTolerance = 1e-10
        bobyqa.absoluteFunctionTolerance = 1e-12
        // D minimized over the other parameters with parameter w at v: D - D-hat.
        func rise(_ v: Double) throws -> Double {
            var full = psi
            full[w] = v
            let objective: ([Double]) throws -> Double = { x in
                for (k, i) in others.enumerated() { full[i] = x[k] * scale[i] }
                guard let (parameters, sigma) = layout.modelParameters(full) else { return base + 1e6 }
                return try model.deviance(parameters: parameters, sigma: sigma)
            }
            if others.isEmpty { return try objective([]) - base }
            let result: OptimizationResult
            do {
                result = try bobyqa.minimize(objective, from: zip(last, others).map { min(max($0, layout.lower[$1] / scale[$1]), layout.upper[$1] / scale[$1]) })
            } catch let error as OptimizationError {
                if case .objectiveFailed(let inner) = error { throw inner }
                throw MixedModelError.optimizerFailed(error.description)
            }
            last = result.minimizer
            return result.minimum - base
        }
        let estimate = psi[w]
        let kind = layout.kinds[w]
        let lower = try end(estimate: estimate, bound: layout.lower[w], step: layout.initialStep(w, psi), direction: -1, z: z, rise: rise,
                            reset: { last = others.map { psi[$0] / scale[$0] } })
        let upper = try end(estimate: estimate, bound: layout.upper[w], step: layout.initialStep(w, psi), direction: 1, z: z, rise: rise,
                            reset: { last = others.map { psi[$0] / scale[$0] } })
        let map = layout.reported(w)
        return ParameterInterval(name: layout.names[w], kind: kind, estimate: map(estimate), lower: map(lower), upper: map(upper))
    }

    /// The interval of fixed effect j: the ML criterion with beta_j held (its column in the offset).
    private static func fixedInterval(_ j: Int, frame: ModelFrame, parameters: [Double], beta: Double, se: Double,
                                      base: Double, z: Double) throws -> ParameterInterval {
        var start = parameters
        func rise(_ b: Double) throws -> Double {
            let reduced = try LinearMixedModel(frame: frame.fixingFixedEffect(j, at: b), method: .ml)
            reduced.threads = 1
            let result = try reduced.minimizeCriterion(from: start, tight: true)
            start = result.parameters
            return result.value - base
        }
        let reset = { start = parameters }
        let lower = try end(estimate: beta, bound: -.infinity, step: se, direction: -1, z: z, rise: rise, reset: reset)
        let upper = try end(estimate: beta, bound: .infinity, step: se, direction: 1, z: z, rise: rise, reset: reset)
        return ParameterInterval(name: frame.fixedEffectNames[j], kind: .fixed, estimate: beta, lower: lower, upper: upper)
    }

    /// Where zeta reaches `direction * z` on one side of the estimate (or the bound, if the profile
    /// stays below): steps out from the estimate, growing while the deviance rises slowly, then
    /// Brent's method on zeta(x) - z in the last bracket.
    private static func end(estimate: Double, bound: Double, step: Double, direction: Double, z: Double,
                            rise: (Double) throws -> Double, reset: () -> Void) throws -> Double {
        reset()
        if estimate == bound { return bound }
        let target = z * z
        var inside = estimate, insideRise = 0.0
        var h = step
        var outside: Double?
        for _ in 0..<60 {
            var x = estimate + direction * h
            if direction < 0 ? x <= bound : x >= bound { x = bound }
            let r = try rise(x)
            if r >= target { outside = x; break }
            if x == bound { return bound }
            // zeta grows about linearly: aim past the target, at most four times further.
            let zeta = max(r, 0).squareRoot()
            let factor = zeta > 1e-3 ? min(4, max(1.5, 1.2 * z / zeta)) : 4
            inside = x; insideRise = r
            h = abs(x - estimate) * factor
        }
        _ = insideRise
        guard let outside else { throw MixedModelError.optimizerFailed("the profile did not reach the cutoff") }
        var failure: (any Error)?
        let root = try RootFinding.brent({ x in
            do { return max(try rise(x), 0).squareRoot() - z } catch { failure = failure ?? error; return 0 }
        }, in: min(inside, outside), max(inside, outside), absoluteTolerance: 1e-10 * max(1, abs(estimate)), relativeTolerance: 1e-10)
        if let failure { throw failure }
        return root
    }
}

/// One result slot per profile job, each written by exactly one worker.
private struct ProfileSlots: @unchecked Sendable {
    let results: UnsafeMutableBufferPointer<Result<ParameterInterval, any Error>?>
}

/// The variance parameters on lme4's profiling scale: per random-effects term (lme4's order) the
/// standard deviations and correlations, column by column over the lower triangle (`sd` on the
/// diagonal, `cor` below it), then sigma, then the residual correlation's eta.
struct VarianceParameterLayout: Sendable {
    let names: [String]
    let kinds: [ParameterInterval.Kind]
    let lower: [Double]
    let upper: [Double]
    /// Per term: k and the offset of its parameters.
    let k: [Int]
    let offsets: [Int]
    let sigmaIndex: Int
    let correlation: ResidualCorrelation?
    let thetaCount: Int

    init(model: LinearMixedModel) {
        var names = [String](), kinds = [ParameterInterval.Kind](), lower = [Double](), upper = [Double]()
        var ks = [Int](), offsets = [Int]()
        var seen = [String: Int]()
        for term in model.frame.randomTerms {
            let uses = seen[term.groupName, default: 0]
            seen[term.groupName] = uses + 1
            let group = uses == 0 ? term.groupName : "\(term.groupName).\(uses)"
            ks.append(term.k)
            offsets.append(names.count)
            for c in 0..<term.k {
                for r in c..<term.k {
                    if r == c {
                        names.append("sd_\(term.columnNames[r])|\(group)"); kinds.append(.standardDeviation)
                        lower.append(0); upper.append(.infinity)
                    } else {
                        names.append("cor_\(term.columnNames[r]).\(term.columnNames[c])|\(group)"); kinds.append(.correlation)
                        lower.append(-1); upper.append(1)
                    }
                }
            }
        }
        sigmaIndex = names.count
        names.append("sigma"); kinds.append(.residualStandardDeviation); lower.append(0); upper.append(.infinity)
        correlation = model.correlation
        if let correlation {
            names.append(correlation.kind.parameterName.lowercased()); kinds.append(.residualCorrelation)
            lower.append(correlation.lowerBound); upper.append(correlation.upperBound)
        }
        self.names = names
        self.kinds = kinds
        self.lower = lower
        self.upper = upper
        self.k = ks
        self.offsets = offsets
        thetaCount = model.thetaCount
    }

    /// psi at the model's parameters (theta, eta) and sigma.
    func psi(parameters: [Double], sigma: Double) -> [Double] {
        var out = [Double]()
        var offset = 0
        for kj in k {
            // Sigma_j / sigma^2 = T T'.
            var t = [Double](repeating: 0, count: kj * kj)
            for c in 0..<kj { for r in c..<kj { t[r + c * kj] = parameters[offset]; offset += 1 } }
            var s = [Double](repeating: 0, count: kj * kj)
            for a in 0..<kj { for b in 0..<kj { var sum = 0.0; for c in 0...min(a, b) { sum += t[a + c * kj] * t[b + c * kj] }; s[a + b * kj] = sum } }
            for c in 0..<kj {
                for r in c..<kj {
                    if r == c { out.append(sigma * s[r + r * kj].squareRoot()) } else {
                        let d = (s[r + r * kj] * s[c + c * kj]).squareRoot()
                        out.append(d > 0 ? s[r + c * kj] / d : 0)
                    }
                }
            }
        }
        out.append(sigma)
        if correlation != nil { out.append(parameters[thetaCount]) }
        return out
    }

    /// The model's parameters (theta, eta) and sigma at psi; nil when the correlations of a term
    /// do not form a positive semi-definite matrix.
    func modelParameters(_ psi: [Double]) -> (parameters: [Double], sigma: Double)? {
        let sigma = psi[sigmaIndex]
        guard sigma > 0 else { return nil }
        var theta = [Double]()
        for (j, kj) in k.enumerated() {
            var sd = [Double](repeating: 0, count: kj)
            var cor = [Double](repeating: 0, count: kj * kj)
            var index = offsets[j]
            for c in 0..<kj {
                for r in c..<kj {
                    if r == c { sd[r] = psi[index]; cor[r + r * kj] = 1 } else { cor[r + c * kj] = psi[index]; cor[c + r * kj] = psi[index] }
                    index += 1
                }
            }
            // Cholesky of the correlations, allowing zero pivots (a correlation of +-1).
            var l = [Double](repeating: 0, count: kj * kj)
            for c in 0..<kj {
                var d = cor[c + c * kj]
                for m in 0..<c { d -= l[c + m * kj] * l[c + m * kj] }
                if d < -1e-12 { return nil }
                let pivot = max(d, 0).squareRoot()
                l[c + c * kj] = pivot
                for r in (c + 1)..<max(c + 1, kj) {
                    var v = cor[r + c * kj]
                    for m in 0..<c { v -= l[r + m * kj] * l[c + m * kj] }
                    if pivot > 1e-12 { l[r + c * kj] = v / pivot } else if abs(v) > 1e-10 { return nil }
                }
            }
            for c in 0..<kj { for r in c..<kj { theta.append(sd[r] / sigma * l[r + c * kj]) } }
        }
        if correlation != nil { theta.append(psi[sigmaIndex + 1]) }
        return (theta, sigma)
    }

    /// Scales of psi for the optimizer: sigma-hat for standard deviations and sigma, 1 otherwise.
    func scales(_ psi: [Double]) -> [Double] {
        kinds.map { kind in
            switch kind {
            case .standardDeviation, .residualStandardDeviation: return psi[sigmaIndex]
            default: return 1
            }
        }
    }

    /// The first step away from the estimate when looking for an end of the interval.
    func initialStep(_ w: Int, _ psi: [Double]) -> Double {
        switch kinds[w] {
        case .standardDeviation: return max(0.2 * psi[w], 0.05 * psi[sigmaIndex])
        case .residualStandardDeviation: return 0.05 * psi[w]
        case .correlation: return 0.1
        case .residualCorrelation, .fixed: return 0.2
        }
    }

    /// From psi's scale to the reported one (eta to the correlation).
    func reported(_ w: Int) -> (Double) -> Double {
        if kinds[w] == .residualCorrelation, let correlation { return { correlation.correlation(eta: $0) } }
        return { $0 }
    }
}

extension LinearMixedModel {
    /// The deviance -2 log L at the model's parameters (theta, then eta) with sigma given and beta
    /// profiled (lme4's `devfun2` for ML): log|L|^2 + log|R| + r^2 / sigma^2 + n log(2 pi sigma^2).
    func deviance(parameters: [Double], sigma: Double) throws -> Double {
        try factor(at: parameters)
        let s2 = sigma * sigma
        return factor.logDeterminantRandom + residualLogDeterminant + factor.penalizedResidualSumOfSquares / s2
            + Double(n) * log(2 * Double.pi * s2)
    }
}
