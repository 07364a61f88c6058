import Foundation
import Numerics
@testable import DSEM

/// The log of the joint density of everything a chain holds, written out from the model's
/// equations (DSEMSpecification's doc comment), independently of the sampler's blocks: the tests
/// read each block's full conditional off this function (a Gaussian conditional is quadratic in
/// its variable, an inverse gamma one is linear in log v and 1/v) and compare.
///
///     log p = sum over equations of log N(d_t; sum_k phi_k d_(t-L_k) + sum_j beta_j x_jt, sigma_i^2)
///           + sum over pre-sample values and equation-less missing outcomes of log N(d; m0, v0)
///           + sum_i log MVN(theta_i; Z_i alpha, Omega)
///           + log priors (normal coefficients, IG residual variance, IW or IG covariance)
enum LogJoint {
    static func value(_ state: ChainState) -> Double {
        let data = state.data, spec = data.specification
        let r = data.randomEffectCount, k = data.presampleCount
        var total = 0.0
        func logNormal(_ x: Double, _ mean: Double, _ variance: Double) -> Double {
            -0.5 * log(2 * Double.pi * variance) - (x - mean) * (x - mean) / (2 * variance)
        }
        for p in 0..<data.patientCount {
            let theta = (0..<r).map { state.theta[p * r + $0] }
            let mu = theta[0]
            let variance = data.logVarianceSlot.map { exp(theta[$0]) } ?? state.residualVariance
            let cells = data.cells(of: p)
            func d(_ s: Int) -> Double {
                s < 0 ? state.presample[p * k + k + s] : state.y[cells.lowerBound + s] - mu
            }
            // Coefficient of each within term for this patient.
            func coefficient(_ w: Int) -> Double {
                if let slot = data.randomSlotTerm.firstIndex(of: w) { return theta[slot] }
                return state.gamma[data.fixedSlotTerm.firstIndex(of: w)!]
            }
            for s in stride(from: -k, to: 0, by: 1) { total += logNormal(d(s), state.initialMean, state.initialVariance) }
            for t in 0..<cells.count {
                let c = cells.lowerBound + t
                if data.hasEquation[c] {
                    var mean = 0.0
                    var j = 0
                    for (w, term) in spec.withinTerms.enumerated() {
                        if term.variable.name == spec.outcome {
                            mean += coefficient(w) * d(t - term.variable.lag)
                        } else {
                            mean += coefficient(w) * data.covariates[c * data.covariateCount + j]
                            j += 1
                        }
                    }
                    total += logNormal(d(t), mean, variance)
                } else if data.missing[c] {
                    total += logNormal(d(t), state.initialMean, state.initialVariance)
                }
            }
            // The between model.
            var m = [Double](repeating: 0, count: r)
            m[0] = state.alpha[0]
            for b in 0..<data.betweenCount { m[0] += state.alpha[1 + b] * data.between[p * data.betweenCount + b] }
            for e in 1..<max(1, r) { m[e] = state.alpha[data.betweenCount + e] }
            total += logMultivariateNormal(zip(theta, m).map { $0 - $1 }, covariance: (0..<(r * r)).map { state.omega[$0] })
        }
        // Priors.
        for (name, prior) in spec.priors.coefficients {
            if let value = coefficientValue(named: name, state: state) { total += logNormal(value, prior.mean, prior.variance) }
        }
        if data.logVarianceSlot == nil {
            let prior = spec.priors.residualVariance
            total += -(prior.shape + 1) * log(state.residualVariance) - prior.scale / state.residualVariance
        }
        if spec.uncorrelatedRandomEffects {
            let prior = spec.priors.randomEffectVariance
            for e in 0..<r { total += -(prior.shape + 1) * log(state.omega[e + e * r]) - prior.scale / state.omega[e + e * r] }
        } else {
            let prior = spec.priors.randomEffects
            let nu = prior?.degreesOfFreedom ?? Double(-r - 1), scale = prior?.scale ?? 0
            let omega = Matrix(rows: r, columns: r, columnMajor: (0..<(r * r)).map { state.omega[$0] })
            let cholesky = try! Cholesky(omega)
            let inverse = try! cholesky.inverse()
            total += -(nu + Double(r) + 1) / 2 * cholesky.logDeterminant - scale * (0..<r).map { inverse[$0, $0] }.reduce(0, +) / 2
        }
        return total
    }

    static func logMultivariateNormal(_ x: [Double], covariance: [Double]) -> Double {
        let n = x.count
        let c = try! Cholesky(Matrix(rows: n, columns: n, columnMajor: covariance))
        let solved = try! c.solve(x)
        let quadratic = zip(x, solved).map(*).reduce(0, +)
        return -0.5 * (Double(n) * log(2 * Double.pi) + c.logDeterminant + quadratic)
    }

    /// The value of a fixed-part coefficient by its printed name.
    static func coefficientValue(named name: String, state: ChainState) -> Double? {
        let data = state.data
        for a in 0..<data.betweenCoefficientCount where data.betweenCoefficientName(a) == name { return state.alpha[a] }
        for g in 0..<data.fixedCount where data.specification.withinTerms[data.fixedSlotTerm[g]].variable.term == name { return state.gamma[g] }
        return nil
    }

    /// The canonical form (precision P, linear b) of log p as a function of the variables that
    /// `set` writes (a quadratic -x'Px/2 + b'x + c), read off by finite differences at 0, e_a and
    /// e_a + e_b, which are exact for a quadratic. `set` must restore nothing; the caller saves
    /// and restores the state.
    static func canonicalForm(dimension n: Int, state: ChainState, set: ([Double]) -> Void) -> (precision: [Double], linear: [Double]) {
        func at(_ x: [Double]) -> Double { set(x); return value(state) }
        let zero = [Double](repeating: 0, count: n)
        let l0 = at(zero)
        var unit = [Double](), precision = [Double](repeating: 0, count: n * n), linear = [Double](repeating: 0, count: n)
        for a in 0..<n {
            var e = zero
            e[a] = 1
            unit.append(at(e))
        }
        for a in 0..<n {
            for b in 0..<n {
                var e = zero
                e[a] += 1
                e[b] += 1
                let lab = at(e)
                if a == b {
                    // L(2 e_a) - 2 L(e_a) + L(0) = -P_aa.
                    precision[a + a * n] = -(lab - 2 * unit[a] + l0)
                } else {
                    precision[a + b * n] = -(lab - unit[a] - unit[b] + l0)
                }
            }
        }
        for a in 0..<n { linear[a] = unit[a] - l0 + precision[a + a * n] / 2 }
        return (precision, linear)
    }
}
