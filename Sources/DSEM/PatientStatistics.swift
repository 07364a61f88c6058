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
        let m = coefficientCount(state.data)
        let slot = state.statistics.baseAddress! + v.patient * stride(coefficients: m)
        let weight = state.data.logVarianceSlot == nil ? 1 : 1 / v.variance
        let x = w.withinRegressors.baseAddress!, lead = w.longest
        let arColumn = state.autoregressiveColumn.baseAddress!, covColumn = state.covariateColumn.baseAddress!
        let dColumn = x + m * lead
        var n = 0.0, sumD = 0.0, sumD2 = 0.0, rows = 0
        for t in 0..<v.count {
            let d = v.y[t] - v.mu
            n += 1
            sumD += d
            sumD2 += d * d
            guard v.hasEquation[t] else { continue }
            for a in 0..<v.lagCount { x[rows + arColumn[a] * lead] = v.deviation(t - v.lags[a]) }
            let row = v.covariates + t * v.covariateCount
            for k in 0..<v.covariateCount { x[rows + covColumn[k] * lead] = row[k] }
            dColumn[rows] = d
            rows += 1
        }
        // [X d]' [X d] gives X'X, X'd and d'd at once.
        let p = w.products.baseAddress!, size = m + 1
        ColumnCrossProducts.compute(x, rows: rows, columns: size, leading: lead, into: p)
        slot[PatientStatistics.equations] = Double(rows)
        slot[sumOfSquares] = weight * p[m + m * size]
        for a in 0..<m {
            slot[crossProducts + a] = weight * p[a + m * size]
            for b in 0..<m { slot[products(m) + a + b * m] = weight * p[a + b * size] }
        }
        let moments = slot + moments(m)
        moments[0] = n
        moments[1] = sumD
        moments[2] = sumD2
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
