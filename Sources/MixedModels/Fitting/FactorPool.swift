import Dispatch
import Numerics

/// What one factorization at theta tells: the pieces of the profiled deviance and, when asked,
/// (R_X'R_X)^-1 = Var(beta-hat) / sigma^2.
struct ProfiledPieces: Sendable {
    /// log|L_theta|^2 + log|R(phi)| (the second 0 without a residual correlation structure).
    let logDeterminantRandom: Double
    let logDeterminantFixed: Double
    let penalizedResidualSumOfSquares: Double
    let unscaledCovariance: Matrix?
}

/// Factorizations at many parameter vectors at once (theta, then the residual correlation's eta
/// if any), for finite-difference derivatives: each distinct vector is factored once (results are
/// kept, so a point that differs only in sigma costs nothing), and distinct vectors are spread
/// over `workers` factor workspaces running in parallel, with BLAS held to one thread meanwhile.
/// With a residual correlation structure each workspace whitens the data at its point's eta. The
/// result for a point does not depend on which worker computed it.
final class FactorPool: @unchecked Sendable {
    /// The model's own factor, whose structure the workspaces share.
    private let prototype: BlockedCholeskyFactor
    private var factors: [Workspace] = []
    private var memo: [[Double]: ProfiledPieces] = [:]
    let workers: Int
    private let correlation: ResidualCorrelation?
    private let whitened: WhitenedCrossProducts?
    private let thetaCount: Int

    /// One worker's factor, whitened at `eta`.
    private final class Workspace {
        let factor: BlockedCholeskyFactor
        var eta: Double?
        var logDeterminant = 0.0
        init(_ factor: BlockedCholeskyFactor) { self.factor = factor }
    }

    init(model: LinearMixedModel, workers: Int) {
        self.prototype = model.factor
        self.workers = BLASThreading.parallelism(max(1, workers))
        correlation = model.correlation
        whitened = model.whitened
        thetaCount = model.thetaCount
    }

    func pieces(_ thetas: [[Double]], covariance: Bool) throws -> [ProfiledPieces] {
        var pending = [[Double]]()
        var seen = Set<[Double]>()
        for theta in thetas where (memo[theta]?.unscaledCovariance == nil && covariance) || memo[theta] == nil {
            if seen.insert(theta).inserted { pending.append(theta) }
        }
        if !pending.isEmpty {
            while factors.count < min(workers, pending.count) {
                factors.append(Workspace(BlockedCholeskyFactor(sameStructureAs: prototype)))
            }
            let results = UnsafeMutableBufferPointer<Result<ProfiledPieces, any Error>?>.allocate(capacity: pending.count)
            results.initialize(repeating: nil)
            defer { results.deallocate() }
            let taskCount = factors.count
            let shared = Shared(factors: factors, thetas: pending, results: results)
            let work = {
                DispatchQueue.concurrentPerform(iterations: taskCount) { worker in
                    var index = worker
                    while index < shared.thetas.count {
                        shared.results[index] = Result {
                            try self.evaluate(shared.factors[worker], parameters: shared.thetas[index], covariance: covariance)
                        }
                        index += taskCount
                    }
                }
            }
            // BLAS on one thread always, so results do not depend on the number of workers.
            BLASThreading.singleThreaded(work)
            for (k, theta) in pending.enumerated() { memo[theta] = try results[k]!.get() }
        }
        return thetas.map { memo[$0]! }
    }

    private func evaluate(_ workspace: Workspace, parameters: [Double], covariance: Bool) throws -> ProfiledPieces {
        let factor = workspace.factor
        if let correlation {
            let eta = parameters[thetaCount]
            if workspace.eta != eta {
                workspace.eta = nil
                factor.a = try whitened!.at(eta: eta)
                workspace.logDeterminant = correlation.logDeterminant(eta: eta)
                workspace.eta = eta
            }
            try factor.update(theta: Array(parameters[0..<thetaCount]))
        } else {
            try factor.update(theta: parameters)
        }
        return ProfiledPieces(logDeterminantRandom: factor.logDeterminantRandom + workspace.logDeterminant,
                              logDeterminantFixed: factor.logDeterminantFixed,
                              penalizedResidualSumOfSquares: factor.penalizedResidualSumOfSquares,
                              unscaledCovariance: covariance ? try FixedEffectsCovariance.unscaled(factor.fixedFactor) : nil)
    }

    private struct Shared: @unchecked Sendable {
        let factors: [Workspace]
        let thetas: [[Double]]
        let results: UnsafeMutableBufferPointer<Result<ProfiledPieces, any Error>?>
    }
}
