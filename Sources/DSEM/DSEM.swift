import Dispatch
import DynamicModels
import Foundation
import Numerics

/// Fits two-level DSEMs: the library entry point of `alliance dsem`, and of the commands that fit
/// DSEMs to many datasets (`alliance power`, `alliance replicate`).
public enum DSEM {
    /// Fits `specification` to `panel` (which must hold the specification's columns) by Gibbs
    /// sampling with `settings`.
    ///
    /// Chains run side by side (as many at a time as `settings.threads` allows, all cores by
    /// default), each over its patients on the threads left over; the result depends on the seed
    /// alone (`Chain`). Errors: `DSEMInputError` when the data cannot support the model (bad input),
    /// `DSEMComputationError` when a draw fails.
    public static func fit(_ panel: LaggedPanel, specification: DSEMSpecification,
                           settings: SamplerSettings = SamplerSettings()) throws -> DSEMFit {
        if let problem = settings.problem { throw DSEMInputError(problem) }
        let clock = ContinuousClock()
        let started = clock.now
        let data = try ModelData(panel: panel, specification: specification)
        let layout = ParameterLayout(data: data)
        let threads = max(1, settings.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let parallelChains = BLASThreading.parallelism(min(threads, settings.chains)) > 1
        let workers = max(1, threads / settings.chains)
        let chains = try (0..<settings.chains).map { try Chain(data: data, index: $0, seed: settings.seed, workers: workers) }
        let run = Run(chains: chains, layout: layout, thin: settings.thin, parallel: parallelChains)

        var history = [DSEMFit.PSRCheck]()
        var converged: Bool
        let kept: Range<Int>
        let burnIn: Int
        if let b = settings.burnIn {
            let n = settings.iterations ?? max(b, 10)
            try run.advance(by: b, adaptUntil: b * settings.thin)
            try run.advance(by: n, adaptUntil: 0)
            kept = b ..< (b + n)
            burnIn = b
            var check = settings.checkInterval
            while check <= b + n {
                history.append(run.largestPSR(over: (check / 2) ..< check))
                check += settings.checkInterval
            }
            converged = true
        } else {
            let adaptUntil = settings.minimumIterations / 2 * settings.thin
            converged = false
            while run.recorded < settings.maximumIterations {
                try run.advance(by: min(settings.checkInterval, settings.maximumIterations - run.recorded), adaptUntil: adaptUntil)
                let check = run.largestPSR(over: (run.recorded / 2) ..< run.recorded)
                history.append(check)
                if run.recorded >= settings.minimumIterations && check.psr < settings.convergenceCriterion {
                    converged = true
                    break
                }
            }
            if let n = settings.iterations {
                burnIn = run.recorded
                try run.advance(by: n, adaptUntil: 0)
                kept = burnIn ..< run.recorded
            } else {
                burnIn = run.recorded / 2
                kept = burnIn ..< run.recorded
            }
        }

        var fixed = [DSEMFit.FixedEstimate](), random = [DSEMFit.RandomEstimate]()
        var worst = (psr: 0.0, name: "")
        for (k, parameter) in layout.parameters.enumerated() {
            let slices = run.draws.map { $0[k][kept] }
            let summary = PosteriorSummary(chains: slices, level: settings.credibleLevel)
            if !(summary.psr <= worst.psr) { worst = (summary.psr, parameter.name) }
            switch parameter.part {
            case .fixed: fixed.append(DSEMFit.FixedEstimate(term: parameter.term, level: parameter.level, summary: summary))
            case .random: random.append(DSEMFit.RandomEstimate(term: parameter.name, group: parameter.group, var1: parameter.var1, var2: parameter.var2, summary: summary))
            }
        }
        converged = converged && worst.psr < settings.convergenceCriterion
        var warnings = [String]()
        if !converged {
            let how = settings.burnIn == nil && history.last.map({ $0.psr >= settings.convergenceCriterion }) ?? false
                ? "after the maximum of \(settings.maximumIterations) iterations"
                : "over the kept iterations"
            warnings.append("not converged: the PSR of \(worst.name) is \(format(worst.psr)) \(how) (criterion \(format(settings.convergenceCriterion))); run more iterations")
        }
        if !data.droppedPatients.isEmpty {
            let list = data.droppedPatients.prefix(5).map { "'\($0.id)' (\($0.reason))" }.joined(separator: ", ")
            warnings.append("\(data.droppedPatients.count) patient\(data.droppedPatients.count == 1 ? "" : "s") left out: \(list)\(data.droppedPatients.count > 5 ? ", ..." : "")")
        }
        let seconds = (clock.now - started).components
        return DSEMFit(
            formula: specification.formula, outcome: specification.outcome, group: specification.group,
            time: panel.sessionColumn, initialCondition: specification.initialCondition.rawValue,
            randomResidualVariance: specification.randomResidualVariance,
            data: DSEMFit.DataSummary(patients: data.patientCount,
                                      droppedPatients: data.droppedPatients.map { "\($0.id): \($0.reason)" },
                                      sessions: data.cellCount, observed: data.observedCount,
                                      missingSampled: data.missingCount, equations: data.equationCount),
            fixed: fixed, random: random, converged: converged,
            iterations: DSEMFit.Iterations(chains: settings.chains, thin: settings.thin, total: run.recorded, burnIn: burnIn,
                                           kept: kept.count, rule: settings.burnIn == nil ? "psr" : "fixed",
                                           criterion: settings.convergenceCriterion, seed: settings.seed),
            psrHistory: history, priors: priorDescriptions(data), warnings: warnings,
            timing: DSEMFit.Timing(samplingSeconds: Double(seconds.seconds) + Double(seconds.attoseconds) * 1e-18),
            parameterNames: layout.parameters.map(\.name), draws: run.draws, keptRange: kept)
    }

    /// The priors in force, one line each, in Mplus's notation.
    static func priorDescriptions(_ data: ModelData) -> [String] {
        let spec = data.specification
        var out = [String]()
        let layout = ParameterLayout(data: data)
        for p in layout.parameters where p.part == .fixed {
            out.append("\(p.term) ~ \(spec.priors.coefficients[p.term] ?? .flat)")
        }
        let r = data.randomEffectCount
        if spec.uncorrelatedRandomEffects {
            out.append("random-effect variances ~ \(spec.priors.randomEffectVariance)")
        } else {
            out.append("random-effect covariance matrix ~ \(spec.priors.randomEffects.map { "\($0)" } ?? "IW(0, -\(r + 1))")")
        }
        if data.logVarianceSlot == nil {
            out.append("residual variance ~ \(spec.priors.residualVariance)")
        } else {
            out.append("mean of \(ModelData.logVarianceName) ~ \(spec.priors.coefficients[ModelData.logVarianceName] ?? .flat)")
        }
        out.append("initial values ~ \(spec.priors.initialValues.map { "\($0)" } ?? "N(m0, v0), m0 and v0 from the data (first 100 iterations)")")
        return out
    }

    static func format(_ v: Double) -> String { v.isFinite ? String(format: "%.3f", v) : "infinite" }
}

/// The chains of one fit and their recorded draws.
private final class Run: @unchecked Sendable {
    let chains: [Chain]
    let layout: ParameterLayout
    let thin: Int
    let parallel: Bool
    /// draws[chain][parameter][iteration].
    var draws: [[[Double]]]
    private(set) var recorded = 0

    init(chains: [Chain], layout: ParameterLayout, thin: Int, parallel: Bool) {
        self.chains = chains
        self.layout = layout
        self.thin = thin
        self.parallel = parallel
        draws = chains.map { _ in layout.parameters.map { _ in [Double]() } }
    }

    /// Whether the chains share the initial-value prior yet.
    private var initialPriorShared = false

    /// Runs every chain for `count` more recorded iterations. When the first
    /// `InitialConditionPrior.estimationIterations` sweeps are done, every chain's data-based
    /// prior of the initial values is set to the average of the chains' estimates, so that all
    /// chains sample the same posterior (each chain's own estimate would make the targets differ
    /// slightly, which the PSR would see) [I: our rule; Mplus re-estimates the prior in the first
    /// 100 iterations].
    func advance(by count: Int, adaptUntil: Int) throws {
        guard count > 0 else { return }
        let sharingPoint = (InitialConditionPrior.estimationIterations + thin - 1) / thin
        if !initialPriorShared && recorded < sharingPoint && recorded + count >= sharingPoint {
            let first = sharingPoint - recorded
            try step(by: first, adaptUntil: adaptUntil)
            shareInitialPrior()
            try step(by: count - first, adaptUntil: adaptUntil)
        } else {
            try step(by: count, adaptUntil: adaptUntil)
        }
    }

    private func shareInitialPrior() {
        initialPriorShared = true
        let mean = chains.map(\.state.initialMean).reduce(0, +) / Double(chains.count)
        let variance = chains.map(\.state.initialVariance).reduce(0, +) / Double(chains.count)
        for chain in chains {
            chain.state.initialMean = mean
            chain.state.initialVariance = variance
        }
    }

    private func step(by count: Int, adaptUntil: Int) throws {
        guard count > 0 else { return }
        let results = ChainResults(count: chains.count)
        let work: @Sendable (Int) -> Void = { c in
            let chain = self.chains[c]
            var columns = self.layout.parameters.map { _ in [Double]() }
            for k in columns.indices { columns[k].reserveCapacity(count) }
            do {
                for _ in 0..<count {
                    try chain.run(sweeps: self.thin, adaptUntil: adaptUntil)
                    for (k, parameter) in self.layout.parameters.enumerated() { columns[k].append(parameter.read(chain.state)) }
                }
                results.store(.success(columns), at: c)
            } catch {
                results.store(.failure(error), at: c)
            }
        }
        if parallel {
            DispatchQueue.concurrentPerform(iterations: chains.count, execute: work)
        } else {
            for c in chains.indices { work(c) }
        }
        for c in chains.indices {
            let columns = try results.get(c)
            for k in columns.indices { draws[c][k] += columns[k] }
        }
        recorded += count
    }

    /// The largest PSR over `range` of the recorded iterations, and its parameter.
    func largestPSR(over range: Range<Int>) -> DSEMFit.PSRCheck {
        var worst = (psr: 0.0, name: layout.parameters.first?.name ?? "")
        for (k, parameter) in layout.parameters.enumerated() {
            let psr = PotentialScaleReduction.of(draws.map { $0[k][range] })
            if !(psr <= worst.psr) { worst = (psr, parameter.name) }
        }
        return DSEMFit.PSRCheck(iteration: range.upperBound, psr: worst.psr, parameter: worst.name)
    }
}

/// One result slot per chain, each written by that chain's task only.
private final class ChainResults: @unchecked Sendable {
    private var slots: [Result<[[Double]], any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ r: Result<[[Double]], any Error>, at k: Int) { lock.lock(); slots[k] = r; lock.unlock() }
    func get(_ k: Int) throws -> [[Double]] { try slots[k]!.get() }
}
