import Foundation
import Numerics

extension LinearMixedModel {
    /// The optimum of theta and how it was reached.
    struct Optimum {
        var theta: [Double]
        var objective: Double
        /// Evaluations of the criterion by BOBYQA, the boundary checks and the polish's line
        /// searches (not counting the factorizations of finite differences).
        var evaluations: Int
        var stopReason: OptimizerStopReason
        /// The derivatives of the deviance at theta.
        var derivatives: DevianceDerivatives
        var polish: PolishOutcome
    }

    /// Diagonal elements of theta~ below this are tried at their bound (0) after the optimizer.
    static let nearBoundary = 1e-2

    /// Finds the exact optimum of theta:
    /// 1. BOBYQA in the scale-free coordinates theta~ (`ThetaScaling`) from T = I, with lme4's
    ///    nloptwrap tolerances; as lme4's `optimizeLmer`, when it stops with an element exactly
    ///    on its bound and a forward difference (step 1e-5) shows the criterion decreasing into
    ///    the interior, BOBYQA restarts there.
    /// 2. The boundary check: each standard-deviation element of theta~ below 0.01 is set to
    ///    0 when that does not increase the criterion by more than rounding (1e-13 relative)
    ///    (lme4 does this within 1e-5 of the bound;
    ///    BOBYQA can stop much further away from a boundary optimum).
    /// 3. The Newton polish (`NewtonPolish`) over the elements not at their bound; then steps 2
    ///    and 3 again if the polish left an element near its bound, and a restart of the polish
    ///    from the interior if the criterion decreases inward from an element at its bound.
    func optimize() throws -> Optimum {
        // BLAS threads pay off only on a large dense block (crossed factors with many levels);
        // on the small calls of other models they cost more in waking and yielding than they save
        // (alliance's BLAS policy is one thread otherwise; see BLASThreading).
        if factor.largestDenseBlock >= 256 && threads > 1 { return try BLASThreading.multiThreaded { try optimizeTheta() } }
        return try optimizeTheta()
    }

    private func optimizeTheta() throws -> Optimum {
        if parameterStart.isEmpty {
            // No random effects: nothing to optimize (lme4 refuses such a model; a fixed-only fit
            // is still well defined and is what a user of `alliance fit` gets).
            let value = try objective(theta: [])
            return Optimum(theta: [], objective: value, evaluations: 1, stopReason: .success,
                           derivatives: try DevianceDerivatives(model: self, theta: []), polish: .notRun)
        }
        let scaling = thetaScaling
        let f: ([Double]) throws -> Double = { try self.objective(theta: scaling.theta($0)) }
        var result: OptimizationResult
        var stopReason: OptimizerStopReason
        var evaluations = 0
        do {
            result = try optimizer.minimize(f, from: parameterStart)
            evaluations = result.evaluations
            stopReason = result.stopReason
            let onBound = result.minimizer.indices.filter { result.minimizer[$0] == parameterLowerBounds[$0] }
            if !onBound.isEmpty {
                let d0 = try f(result.minimizer)
                let step = 1e-5
                let decreasesInward = try onBound.contains { i in
                    var t = result.minimizer
                    t[i] = parameterLowerBounds[i] + step
                    return (try f(t) - d0) / step < 0
                }
                evaluations += 1 + onBound.count
                if decreasesInward {
                    result = try optimizer.minimize(f, from: result.minimizer)
                    evaluations += result.evaluations
                    if stopReason != .roundoffLimited { stopReason = result.stopReason }
                }
            }
        } catch let error as OptimizationError {
            if case .objectiveFailed(let inner) = error { throw inner }
            throw MixedModelError.optimizerFailed(error.description)
        }
        var theta = scaling.theta(result.minimizer)
        var value = result.minimum
        let trial = try boundaryTrial(theta: theta, value: value)
        evaluations += trial.evaluations
        var polish = try NewtonPolish.run(self, from: trial.theta, value: trial.value)
        evaluations += polish.evaluations
        for _ in 0..<2 {
            // The polish may have moved an element close to its bound: try it there, polish again.
            let again = try boundaryTrial(theta: polish.theta, value: polish.objective)
            evaluations += again.evaluations
            if again.theta == polish.theta { break }
            polish = try NewtonPolish.run(self, from: again.theta, value: again.value)
            evaluations += polish.evaluations
        }
        theta = polish.theta
        value = polish.objective
        // An element held at its bound where the criterion decreases inward: polish from there.
        let x = scaling.scaled(theta)
        for i in x.indices where parameterLowerBounds[i] == 0 && x[i] == 0 {
            var t = x
            t[i] = 1e-5
            let inside = try f(t)
            evaluations += 1
            if inside < value {
                let inward = try NewtonPolish.run(self, from: scaling.theta(t), value: inside)
                evaluations += inward.evaluations
                if inward.objective < value { polish = inward; theta = inward.theta; value = inward.objective }
            }
        }
        return Optimum(theta: theta, objective: value, evaluations: evaluations, stopReason: stopReason,
                       derivatives: polish.derivatives, polish: polish.outcome)
    }

    /// Standard-deviation elements of theta~ strictly between 0 and `nearBoundary`.
    private func nearBoundaryElements(_ theta: [Double]) -> [Int] {
        let x = thetaScaling.scaled(theta)
        return x.indices.filter { parameterLowerBounds[$0] == 0 && x[$0] > 0 && x[$0] < Self.nearBoundary }
    }

    /// Sets each element near its bound to the bound when the criterion does not increase.
    func boundaryTrial(theta: [Double], value: Double) throws -> (theta: [Double], value: Double, evaluations: Int) {
        var theta = theta, value = value, evaluations = 0
        for i in nearBoundaryElements(theta) {
            var t = theta
            t[i] = 0
            let v = try objective(theta: t)
            evaluations += 1
            // "Not worse" up to rounding: a boundary optimum reached from inside can sit a few
            // units in the last place below the criterion at the bound.
            if v <= value + 1e-13 * max(1, abs(value)) { theta = t; value = v }
        }
        return (theta, value, evaluations)
    }
}

extension LinearMixedModel {
    /// BOBYQA alone from `start` (parameters: theta, then eta), for the many refits of profiles and
    /// bootstraps, where the Newton polish's derivatives would cost more than they add:
    /// `tight` tolerances (1e-10 on the parameters, 1e-12 on the criterion) for profiles, lme4's
    /// otherwise (MixedModels.jl's bootstrap also refits with its usual tolerances); then the
    /// boundary check of `optimize()`. Returns the parameters and the criterion there.
    func minimizeCriterion(from start: [Double], tight: Bool) throws -> (parameters: [Double], value: Double, evaluations: Int) {
        if parameterStart.isEmpty { return ([], try objective(theta: []), 1) }
        let scaling = thetaScaling
        var bobyqa = optimizer
        if tight {
            bobyqa.absoluteParameterTolerance = 1e-10
            bobyqa.absoluteFunctionTolerance = 1e-12
        }
        let lower = parameterLowerBounds, upper = parameterUpperBounds
        let x0 = zip(scaling.scaled(start), zip(lower, upper)).map { min(max($0, $1.0), $1.1) }
        let result: OptimizationResult
        do {
            result = try bobyqa.minimize({ try self.objective(theta: scaling.theta($0)) }, from: x0)
        } catch let error as OptimizationError {
            if case .objectiveFailed(let inner) = error { throw inner }
            throw MixedModelError.optimizerFailed(error.description)
        }
        let trial = try boundaryTrial(theta: scaling.theta(result.minimizer), value: result.minimum)
        return (trial.theta, trial.value, result.evaluations + trial.evaluations)
    }
}
