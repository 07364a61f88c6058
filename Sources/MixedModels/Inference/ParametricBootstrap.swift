import Dispatch
import Foundation
import Numerics

/// A parametric bootstrap of a fitted model, as MixedModels.jl's `parametricbootstrap` does it:
/// `replicates` responses are simulated from the fitted model,
///
///     y* = X beta-hat + Z b* + e*,   b*_j = sigma-hat T_j u (u ~ N(0, I) per level),
///     e* = sigma-hat C epsilon (epsilon ~ N(0, I); C the Cholesky factor of R(phi-hat), I without a structure),
///
/// and the model is refitted to each (same method; BOBYQA from the estimates with lme4's
/// tolerances, then the boundary check, no Newton polish). Every parameter's replicates give a
/// bootstrap SE, the percentile interval (R's type-7 quantiles at (1 -+ level)/2, Julia's
/// `quantile`) and the shortest interval holding ceil(level n) of the sorted replicates
/// (MixedModels.jl's `shortestcovint`, what its `confint` reports).
///
/// Replicate r draws from its own `RandomStream(seed, [r])`, so the result depends on the seed only,
/// not on the number of threads; replicates run on `threads` workers, each with its own model.
public struct ParametricBootstrap: Sendable, Encodable {
    public struct Parameter: Sendable, Encodable {
        public let name: String
        public let kind: ParameterInterval.Kind
        /// The fit's estimate.
        public let estimate: Double
        /// The standard deviation of the replicates.
        public let standardError: Double
        public let percentile: (lower: Double, upper: Double)
        public let shortest: (lower: Double, upper: Double)

        enum CodingKeys: String, CodingKey {
            case name = "parameter", kind, estimate, se, percentile_lower, percentile_upper, shortest_lower, shortest_upper
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(kind, forKey: .kind)
            try c.encode(estimate, forKey: .estimate)
            try c.encode(standardError, forKey: .se)
            try c.encode(percentile.lower, forKey: .percentile_lower)
            try c.encode(percentile.upper, forKey: .percentile_upper)
            try c.encode(shortest.lower, forKey: .shortest_lower)
            try c.encode(shortest.upper, forKey: .shortest_upper)
        }
    }

    public let replicates: Int
    public let seed: UInt64
    public let level: Double
    public let parameters: [Parameter]
    /// Replicates whose refit ended at a singular fit (a standard deviation at 0).
    public let singularReplicates: Int
    /// Replicates that could not be refitted (the reason of the first in `failure`), left out.
    public let failedReplicates: Int
    public let failure: String?
    /// Seconds for the simulation and the refits.
    public let seconds: Double
    /// Every replicate's values, replicate by replicate (`parameters.count` each), for tests and
    /// for writing out.
    public let values: [[Double]]

    enum CodingKeys: String, CodingKey {
        case replicates, seed, level, parameters, singularReplicates = "singular_replicates"
        case failedReplicates = "failed_replicates", failure, seconds
    }

    /// The most replicates one bootstrap may ask for.
    public static let maximumReplicates = 10_000_000

    public init(model: LinearMixedModel, fit: LinearMixedModelFit, replicates: Int, seed: UInt64, level: Double = 0.95,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        precondition(replicates >= 1 && replicates <= Self.maximumReplicates, "replicates out of range")
        let clock = ContinuousClock()
        let start = clock.now
        self.replicates = replicates
        self.seed = seed
        self.level = level
        let frame = model.frame
        let n = frame.observationCount, p = frame.x.columns
        let beta = fit.fixedEffects.map(\.estimate)
        let parametersHat = fit.theta + (fit.residualCorrelation.map { [$0.eta] } ?? [])
        let sigma = fit.sigma
        let layout = VarianceParameterLayout(model: model)
        let names = layout.names + frame.fixedEffectNames
        let kinds = layout.kinds + [ParameterInterval.Kind](repeating: .fixed, count: p)
        let estimates = layout.psi(parameters: parametersHat, sigma: sigma).enumerated().map { layout.reported($0.offset)($0.element) } + beta
        let m = names.count
        let xBeta = try BLAS.product(frame.x, .none, beta)
        let t = model.factor.relativeCovarianceFactors(fit.theta)
        let terms = frame.randomTerms
        let correlation = model.correlation
        let eta = fit.residualCorrelation?.eta

        let slots = BootstrapSlots(count: replicates)
        let prototype = PrototypeModel(model: model)
        let workers = min(max(1, threads), replicates)
        let work = {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var r = worker
                while r < replicates {
                    let stream = RandomStream(seed: seed, path: [UInt64(r)])
                    var y = xBeta
                    for (j, term) in terms.enumerated() {
                        let k = term.k
                        var b = [Double](repeating: 0, count: term.size)
                        for level in 0..<term.levelCount {
                            let u = (0..<k).map { _ in stream.normal() }
                            for a in 0..<k { var sum = 0.0; for c in 0...a { sum += t[j][a + c * k] * u[c] }; b[level * k + a] = sigma * sum }
                        }
                        for row in 0..<n {
                            let level = Int(term.groupCodes[row])
                            for a in 0..<k { y[row] += term.z[row * k + a] * b[level * k + a] }
                        }
                    }
                    var e = (0..<n).map { _ in stream.normal() }
                    if let correlation, let eta { correlation.correlate(&e, eta: eta) }
                    for row in 0..<n { y[row] += sigma * e[row] }
                    slots.store(Result {
                        let replicate = try LinearMixedModel(replicating: prototype.model, response: y)
                        let optimum = try replicate.minimizeCriterion(from: parametersHat, tight: false)
                        try replicate.factor(at: optimum.parameters)
                        let s = replicate.residualVariance.squareRoot()
                        let psi = layout.psi(parameters: optimum.parameters, sigma: s)
                        let singular = zip(replicate.thetaScaling.scaled(optimum.parameters), replicate.standardDeviationElements)
                            .contains { $1 && $0 < 1e-4 }
                        return (psi.enumerated().map { layout.reported($0.offset)($0.element) } + replicate.factor.fixedEffects, singular)
                    }, replicate: r)
                    r += workers
                }
            }
        }
        BLASThreading.singleThreaded(work)

        var values = [[Double]]()
        var singular = 0, failed = 0
        var failure: String?
        for r in 0..<replicates {
            switch slots.outcome(r) {
            case .success(let (row, isSingular)):
                values.append(row)
                if isSingular { singular += 1 }
            case .failure(let error):
                failed += 1
                if failure == nil { failure = "\(error)" }
            }
        }
        guard values.count >= 2 else {
            throw MixedModelError.optimizerFailed("the bootstrap refits failed (\(failure ?? "no replicates"))")
        }
        self.values = values
        singularReplicates = singular
        failedReplicates = failed
        self.failure = failure
        parameters = (0..<m).map { i in
            let sorted = values.map { $0[i] }.sorted()
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            let sd = (sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(sorted.count - 1)).squareRoot()
            return Parameter(name: names[i], kind: kinds[i], estimate: estimates[i], standardError: sd,
                             percentile: (SampleQuantile.ofSorted(sorted, (1 - level) / 2), SampleQuantile.ofSorted(sorted, (1 + level) / 2)),
                             shortest: Self.shortestCoverageInterval(sorted, level: level))
        }
        seconds = (clock.now - start).seconds
    }

    /// MixedModels.jl's `shortestcovint`: among the windows of ceil(level n) consecutive sorted values,
    /// the narrowest (the first of equally narrow ones).
    static func shortestCoverageInterval(_ sorted: [Double], level: Double) -> (lower: Double, upper: Double) {
        let length = Int((Double(sorted.count) * level).rounded(.up))
        guard length >= 1, length <= sorted.count else { return (sorted.first!, sorted.last!) }
        var best = 0
        var width = Double.infinity
        for i in 0...(sorted.count - length) where sorted[i + length - 1] - sorted[i] < width {
            width = sorted[i + length - 1] - sorted[i]
            best = i
        }
        return (sorted[best], sorted[best + length - 1])
    }
}

/// The fitted model the replicates copy their design from. Workers only read what never changes
/// after the model is made (its frame, layout, bounds and the factor's symbolic structure), never its
/// factorization, so sharing it is safe.
private struct PrototypeModel: @unchecked Sendable {
    let model: LinearMixedModel
}

/// One slot per replicate, each written by exactly one worker and read after all have finished.
private final class BootstrapSlots: @unchecked Sendable {
    typealias Outcome = Result<([Double], Bool), any Error>
    private let buffer: UnsafeMutableBufferPointer<Outcome?>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ result: Outcome, replicate: Int) { buffer[replicate] = result }

    func outcome(_ replicate: Int) -> Outcome { buffer[replicate]! }
}
