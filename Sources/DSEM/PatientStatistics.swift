/// What each patient contributes to the blocks that pool all patients, computed at the end of the
/// patient's blocks and stored in the patient's own slot of `ChainState.statistics` (so patients
/// can run on any thread, and sums are taken in patient order: the same bits on any number of
/// threads).
///
/// Every equation is linear in the within coefficients: d_t = x_t' b_i + e_t, with x_t the
/// regressors of the fixed coefficients (G: d_(t - L_k) for a fixed phi_k, x_jt for a fixed beta_j)
/// followed by those of the random slopes (q), and b_i = (gamma, the patient's slopes). With weight
/// w = 1 (common residual variance) or 1 / sigma_i^2 (random), the slot holds, over the
/// patient's equations,
///
///     n,  sum w d_t^2,  sum w x_t d_t (m = G + q values),  sum w x_t x_t' (m x m),
///
/// which give the residual sum of squares for any b: SSE(b) = sum w d^2 - 2 b' sum w x d +
/// b' (sum w x x') b. Then, over all cells, the count, sum and sum of squares of d_t = y_t - mu for
/// the data-based prior of the initial values. Nothing of this changes until the next patient pass
/// (the whole-sample blocks move only gamma, the slopes' means and scales, and Omega), so the
/// blocks after the pass can evaluate the likelihood exactly from these sums.
enum PatientStatistics {
    /// Slots per patient for m within coefficients.
    static func stride(coefficients m: Int) -> Int { 2 + m + m * m + 3 }

    /// Offsets within a slot.
    static let equations = 0, sumOfSquares = 1, crossProducts = 2
    static func products(_ m: Int) -> Int { 2 + m }
    static func moments(_ m: Int) -> Int { 2 + m + m * m }

    /// The number of within coefficients: fixed ones, then random slopes.
    static func coefficientCount(_ data: ModelData) -> Int { data.fixedCount + RandomSlopesBlock.slopeCount(data) }

    static func record(_ v: PatientView, workspace w: PatientWorkspace, state: ChainState) {
        let data = state.data
        let g = data.fixedCount
        let m = coefficientCount(data)
        let slot = state.statistics.baseAddress! + v.patient * stride(coefficients: m)
        for i in 0..<stride(coefficients: m) { slot[i] = 0 }
        let weight = data.logVarianceSlot == nil ? 1 : 1 / v.variance
        let cross = slot + crossProducts, products = slot + products(m), moments = slot + moments(m)
        let x = w.withinRegressors
        for t in 0..<v.count {
            let d = v.y[t] - v.mu
            moments[0] += 1
            moments[1] += d
            moments[2] += d * d
            guard v.hasEquation[t] else { continue }
            for a in 0..<v.lagCount {
                let value = v.deviation(t - v.lags[a])
                let fixed = state.autoregressiveFixedSlot[a]
                x[fixed >= 0 ? fixed : g + state.autoregressiveRandomSlot[a] - 1] = value
            }
            let row = v.covariates + t * v.covariateCount
            for k in 0..<v.covariateCount {
                let fixed = state.covariateFixedSlot[k]
                x[fixed >= 0 ? fixed : g + state.covariateRandomSlot[k] - 1] = row[k]
            }
            slot[equations] += 1
            slot[sumOfSquares] += weight * d * d
            for a in 0..<m {
                let xa = weight * x[a]
                cross[a] += xa * d
                for b in 0..<m { products[a + b * m] += xa * x[b] }
            }
        }
    }

    /// The coefficients b_i = (gamma, the patient's slopes) of patient p, into `b` (m values).
    static func coefficients(patient p: Int, state: ChainState, into b: inout [Double]) {
        let g = state.data.fixedCount, r = state.randomEffectCount
        for a in 0..<g { b[a] = state.gamma[a] }
        for s in 0..<(b.count - g) { b[g + s] = state.theta[p * r + 1 + s] }
    }

    /// sum w e^2 of patient p for coefficients b (the weighted residual sum of squares).
    static func residualSumOfSquares(patient p: Int, coefficients b: [Double], state: ChainState) -> Double {
        let m = b.count
        let slot = state.statistics.baseAddress! + p * stride(coefficients: m)
        var sse = slot[sumOfSquares]
        for a in 0..<m {
            sse -= 2 * b[a] * slot[crossProducts + a]
            var s = 0.0
            for c in 0..<m { s += slot[products(m) + a + c * m] * b[c] }
            sse += b[a] * s
        }
        return sse
    }
}

/// The patients' equation counts and deviation moments summed in patient order.
struct PooledStatistics {
    var equations = 0.0
    var deviationCount = 0.0, deviationSum = 0.0, deviationSumOfSquares = 0.0

    init(state: ChainState) {
        let m = PatientStatistics.coefficientCount(state.data)
        let stride = PatientStatistics.stride(coefficients: m)
        for p in 0..<state.patientCount {
            let slot = state.statistics.baseAddress! + p * stride
            equations += slot[PatientStatistics.equations]
            let moments = slot + PatientStatistics.moments(m)
            deviationCount += moments[0]
            deviationSum += moments[1]
            deviationSumOfSquares += moments[2]
        }
    }
}
