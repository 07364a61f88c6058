import Dispatch
import Numerics

/// What one factorization at theta tells: the pieces of the profiled deviance and, when asked,
/// (R_X'R_X)^-1 = Var(beta-hat) / sigma^2.
struct ProfiledPieces: Sendable {
    let logDeterminantRandom: Double
    let logDeterminantFixed: Double
    let penalizedResidualSumOfSquares: Double
    let unscaledCovariance: Matrix?
}

/// Factorizations at many theta at once, for finite-difference derivatives: each distinct theta
/// is factored once (results are kept, so a point that differs only in sigma costs nothing), and
/// distinct thetas are spread over `workers` factor workspaces running in parallel, with BLAS held
/// to one thread meanwhile. The result for a theta does not depend on which worker computed it.
final class FactorPool: @unchecked Sendable {
    /// The model's own factor, whose structure the workspaces share.
    private let prototype: BlockedCholeskyFactor
    private var factors: [BlockedCholeskyFactor] = []
    private var memo: [[Double]: ProfiledPieces] = [:]
    let workers: Int

    init(prototype: BlockedCholeskyFactor, workers: Int) {
        self.prototype = prototype
        self.workers = BLASThreading.parallelism(max(1, workers))
    }

    func pieces(_ thetas: [[Double]], covariance: Bool) throws -> [ProfiledPieces] {
        var pending = [[Double]]()
        var seen = Set<[Double]>()
        for theta in thetas where (memo[theta]?.unscaledCovariance == nil && covariance) || memo[theta] == nil {
            if seen.insert(theta).inserted { pending.append(theta) }
        }
        if !pending.isEmpty {
            while factors.count < min(workers, pending.count) {
                factors.append(BlockedCholeskyFactor(sameStructureAs: prototype))
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
                            try Self.evaluate(shared.factors[worker], theta: shared.thetas[index], covariance: covariance)
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

    private static func evaluate(_ factor: BlockedCholeskyFactor, theta: [Double], covariance: Bool) throws -> ProfiledPieces {
        try factor.update(theta: theta)
        return ProfiledPieces(logDeterminantRandom: factor.logDeterminantRandom,
                              logDeterminantFixed: factor.logDeterminantFixed,
                              penalizedResidualSumOfSquares: factor.penalizedResidualSumOfSquares,
                              unscaledCovariance: covariance ? try FixedEffectsCovariance.unscaled(factor.fixedFactor) : nil)
    }

    private struct Shared: @unchecked Sendable {
        let factors: [BlockedCholeskyFactor]
        let thetas: [[Double]]
        let results: UnsafeMutableBufferPointer<Result<ProfiledPieces, any Error>?>
    }
}
