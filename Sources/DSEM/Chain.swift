import Dispatch
import Foundation
import Numerics

/// One Markov chain of the Gibbs sampler.
///
/// **Streams.** Chain c (from 0) draws its whole-sample blocks from the stream (seed, [c + 1, 0])
/// and patient p's blocks from (seed, [c + 1, p + 1]). Because each patient has its own stream and
/// its own storage, the patients' blocks can run on any number of threads, in any order, with the
/// same draws: the output depends on the seed alone.
///
/// **One iteration** (a sweep), in this order:
/// 1. for each patient (in parallel over `workers` threads): the latent values
///    (`LatentValuesBlock`), the random slopes (`RandomSlopesBlock`), log sigma^2
///    (`RandomResidualVarianceBlock`), mu (`RandomMeanBlock`); then the latent means' location with the fixed
///    covariate effects, non-centred (`LatentMeanLocationBlock`), and each patient's statistics
///    for the blocks that follow (`PatientStatistics`, a second pass over the patients);
/// 2. the fixed within coefficients with the random slopes' means, non-centred
///    (`WithinCoefficientsBlock`), a rescaling of each random slope (`RandomSlopeScaleBlock`) and
///    shifts of each by the other random effects (`RandomSlopeShearBlock`), the
///    residual variance (`ResidualVarianceBlock`), the between coefficients, centred
///    (`BetweenCoefficientsBlock`), the random-effect covariance matrix
///    (`RandomEffectsCovarianceBlock`);
/// 3. during the first 100 iterations, the data-based prior of the initial values
///    (`InitialConditionPrior`); during the adaptation phase, the Metropolis scales.
final class Chain: @unchecked Sendable {
    let index: Int
    let state: ChainState
    private let stream: RandomStream
    private let patientStreams: [RandomStream]
    private let workspaces: [PatientWorkspace]
    private let ranges: [Range<Int>]
    private let between: BetweenCoefficientsBlock
    /// Sweeps done.
    private(set) var sweeps = 0

    init(data: ModelData, index: Int, seed: UInt64, workers: Int) throws {
        self.index = index
        state = ChainState(data: data)
        stream = RandomStream(seed: seed, path: [UInt64(index + 1), 0])
        patientStreams = (0..<data.patientCount).map { RandomStream(seed: seed, path: [UInt64(index + 1), UInt64($0 + 1)]) }
        let w = max(1, min(workers, data.patientCount))
        workspaces = (0..<w).map { _ in PatientWorkspace(data: data) }
        ranges = (0..<w).map { k in (k * data.patientCount / w) ..< ((k + 1) * data.patientCount / w) }
        between = BetweenCoefficientsBlock(data: data)
        try start()
    }

    /// Starting values. Chain 0: every patient's mu at the mean of its observed outcomes, missing
    /// outcomes at that mean, pre-sample values 0, coefficients 0, sigma^2 the pooled
    /// within-patient variance, Omega diagonal (the variance of the patient means for mu, 0.1 for
    /// an autoregression, 0.1 sd(y)^2 / var(x) for a covariate's slope, 0.5 for log sigma^2).
    /// Other chains start dispersed around these [I]: autoregressions uniform on (-0.2, 0.6),
    /// covariate effects normal with SD 0.5 sd(y) / sd(x), sigma^2 and the variances multiplied
    /// by a factor uniform on (0.5, 2), each mu shifted by a normal with SD half the SD of the
    /// patient means, all from the chain's stream, so that the PSR compares chains that started
    /// apart.
    private func start() throws {
        let data = state.data, spec = data.specification
        let r = data.randomEffectCount
        let dispersed = index > 0
        let sdBetween = data.betweenVariance.squareRoot(), sdWithin = data.withinVariance.squareRoot()
        func factor() -> Double { dispersed ? 0.5 * pow(4, stream.uniform()) : 1 }
        // The spread of each covariate over the equations, for scale-free starting values.
        func covariateSD(_ w: Int) -> Double {
            guard let j = spec.covariateTerms.firstIndex(where: { $0 == spec.withinTerms[w] }) else { return 1 }
            var n = 0.0, sum = 0.0, squares = 0.0
            for c in 0..<data.cellCount where data.hasEquation[c] {
                let x = data.covariates[c * data.covariateCount + j]
                n += 1; sum += x; squares += x * x
            }
            let v = (squares - sum * sum / n) / max(1, n - 1)
            return v > 0 ? v.squareRoot() : 1
        }
        func startingCoefficient(_ w: Int) -> Double {
            guard dispersed else { return 0 }
            if spec.withinTerms[w].variable.name == spec.outcome { return -0.2 + 0.8 * stream.uniform() }
            return stream.normal() * 0.5 * sdWithin / covariateSD(w)
        }
        for g in 0..<data.fixedCount { state.gamma[g] = startingCoefficient(data.fixedSlotTerm[g]) }
        state.alpha[0] = data.patientMeans.reduce(0, +) / Double(data.patientCount)
        var omega = [Double](repeating: 0, count: r * r)
        omega[0] = data.betweenVariance * factor()
        for slot in 1..<max(1, r) {
            let a = data.betweenIndex(ofRandomEffect: slot)
            if slot == data.logVarianceSlot {
                state.alpha[a] = log(data.withinVariance) + (dispersed ? log(factor()) : 0)
                omega[slot + slot * r] = 0.5 * factor()
            } else {
                let w = data.randomSlotTerm[slot]
                state.alpha[a] = startingCoefficient(w)
                let isAutoregression = spec.withinTerms[w].variable.name == spec.outcome
                let sd = isAutoregression ? 1 : sdWithin / covariateSD(w)
                omega[slot + slot * r] = 0.1 * sd * sd * factor()
            }
        }
        state.residualVariance = data.withinVariance * factor()
        if let prior = spec.priors.initialValues {
            state.initialMean = prior.mean
            state.initialVariance = prior.variance
        }
        try state.setOmega(omega)
        for p in 0..<data.patientCount {
            for slot in 0..<r { state.theta[p * r + slot] = state.alpha[data.betweenIndex(ofRandomEffect: slot)] }
            let shift = dispersed ? 0.5 * sdBetween * stream.normal() : 0
            state.theta[p * r] = data.patientMeans[p] + shift
            for c in data.cells(of: p) { state.y[c] = data.missing[c] ? data.patientMeans[p] : data.outcome[c] }
            state.proposalScale[p] = 1
        }
    }

    /// Runs `count` sweeps. `adaptUntil`: the Metropolis scales are tuned during sweeps before it.
    func run(sweeps count: Int, adaptUntil: Int) throws {
        for _ in 0..<count { try sweep(adapting: sweeps < adaptUntil) }
    }

    private func sweep(adapting: Bool) throws {
        try runPatients()
        try LatentMeanLocationBlock.update(state: state, stream: stream)
        try runPatients(recordOnly: true)
        let pooled = PooledStatistics(state: state)
        try WithinCoefficientsBlock.update(state: state, stream: stream)
        RandomSlopeScaleBlock.update(state: state, stream: stream)
        try RandomSlopeShearBlock.update(state: state, stream: stream)
        try ResidualVarianceBlock.update(pooled, state: state, stream: stream)
        try between.update(state: state, stream: stream)
        try RandomEffectsCovarianceBlock.update(state: state, stream: stream)
        if sweeps < InitialConditionPrior.estimationIterations && adapting {
            InitialConditionPrior.update(pooled, state: state)
        }
        sweeps += 1
        if adapting && state.data.logVarianceSlot != nil && sweeps % RandomResidualVarianceBlock.tuningInterval == 0 {
            RandomResidualVarianceBlock.tune(state: state)
        }
        if !(0..<state.data.fixedCount).allSatisfy({ state.gamma[$0].isFinite }) || !(0..<state.data.betweenCoefficientCount).allSatisfy({ state.alpha[$0].isFinite }) || !state.residualVariance.isFinite {
            throw DSEMComputationError("the sampler produced a non-finite value at iteration \(sweeps) of chain \(index + 1)")
        }
    }

    /// The patients' blocks, or (`recordOnly`) only their statistics for the whole-sample blocks.
    private func runPatients(recordOnly: Bool = false) throws {
        if workspaces.count == 1 {
            try runPatients(ranges[0], workspace: workspaces[0], recordOnly: recordOnly)
            return
        }
        let errors = ErrorSlots(count: workspaces.count)
        DispatchQueue.concurrentPerform(iterations: workspaces.count) { k in
            do { try runPatients(ranges[k], workspace: workspaces[k], recordOnly: recordOnly) } catch { errors.store(error, at: k) }
        }
        if let error = errors.first { throw error }
    }

    private func runPatients(_ range: Range<Int>, workspace w: PatientWorkspace, recordOnly: Bool) throws {
        for p in range {
            if recordOnly {
                PatientStatistics.record(w.view(patient: p, state: state, coefficients: false), workspace: w, state: state)
                continue
            }
            var v = w.view(patient: p, state: state)
            let stream = patientStreams[p]
            LatentValuesBlock.update(v, state: state, stream: stream)
            try RandomSlopesBlock.update(v, workspace: w, state: state, stream: stream)
            RandomResidualVarianceBlock.update(&v, state: state, stream: stream)
            RandomMeanBlock.update(&v, workspace: w, state: state, stream: stream)
        }
    }
}

/// The first error of several workers, in worker order.
private final class ErrorSlots: @unchecked Sendable {
    private var errors: [(any Error)?]
    private let lock = NSLock()
    init(count: Int) { errors = Array(repeating: nil, count: count) }
    func store(_ error: any Error, at k: Int) { lock.lock(); errors[k] = error; lock.unlock() }
    var first: (any Error)? { errors.compactMap { $0 }.first }
}
