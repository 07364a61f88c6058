/// One worker's scratch storage for the patient blocks, allocated once per worker.
final class PatientWorkspace {
    let phi: UnsafeMutableBufferPointer<Double>
    let beta: UnsafeMutableBufferPointer<Double>
    let covariatePart: UnsafeMutableBufferPointer<Double>
    /// The patient's means of its random effects under the between model (R).
    let means: UnsafeMutableBufferPointer<Double>
    /// For the random-slopes draw: precision (q x q), linear term (q), one equation's regressors (q).
    let precision: UnsafeMutableBufferPointer<Double>
    let linear: UnsafeMutableBufferPointer<Double>
    let regressors: UnsafeMutableBufferPointer<Double>
    /// The patient's equations as a matrix for `PatientStatistics` (rows: equations; columns: the
    /// regressors of the within coefficients, fixed then random, then d), leading dimension
    /// `longest`.
    let withinRegressors: UnsafeMutableBufferPointer<Double>
    /// The same for `LatentMeanLocationBlock` (columns: k, the fixed covariates, r; each row
    /// scaled by the square root of its weight).
    let locationRegressors: UnsafeMutableBufferPointer<Double>
    /// Room for the sums of the two (columns x columns).
    let products: UnsafeMutableBufferPointer<Double>
    /// The most cells of any patient: the leading dimension of the matrices above.
    let longest: Int

    init(data: ModelData) {
        let longest = (0..<data.patientCount).map { data.cellStart[$0 + 1] - data.cellStart[$0] }.max() ?? 0
        let r = data.randomEffectCount
        phi = .filled(data.lags.count, 0.0)
        beta = .filled(data.covariateCount, 0.0)
        covariatePart = .filled(longest, 0.0)
        means = .filled(r, 0.0)
        precision = .filled(r * r, 0.0)
        linear = .filled(r, 0.0)
        regressors = .filled(r, 0.0)
        self.longest = max(1, longest)
        let m = PatientStatistics.coefficientCount(data), n = 1 + LatentMeanLocationBlock.fixedCovariates(data).count
        withinRegressors = .filled(self.longest * (m + 1), 0.0)
        locationRegressors = .filled(self.longest * (n + 1), 0.0)
        products = .filled(max(m + 1, n + 1) * max(m + 1, n + 1), 0.0)
    }

    deinit {
        for b in [phi, beta, covariatePart, means, precision, linear, regressors, withinRegressors, locationRegressors, products] { b.deallocate() }
    }

    /// The view of patient `p` for its blocks: its coefficients, mu, sigma^2, covariate parts and
    /// between-model means, loaded from `state` (without `coefficients`, only mu and sigma^2: what
    /// `PatientStatistics` needs).
    func view(patient p: Int, state: ChainState, coefficients: Bool = true) -> PatientView {
        let data = state.data
        let base = data.cellStart[p], k = data.presampleCount, r = data.randomEffectCount
        let v = PatientView(
            patient: p, count: data.cellStart[p + 1] - base,
            y: state.y.baseAddress! + base, presample: state.presample.baseAddress! + p * k + k,
            hasEquation: UnsafePointer(state.hasEquation.baseAddress! + base),
            missing: UnsafePointer(state.missing.baseAddress! + base),
            covariates: UnsafePointer(state.covariates.baseAddress! + base * data.covariateCount),
            covariateCount: data.covariateCount, covariatePart: covariatePart.baseAddress!,
            phi: phi.baseAddress!, beta: beta.baseAddress!,
            lags: UnsafePointer(state.lags.baseAddress!), lagCount: data.lags.count,
            theta: state.theta.baseAddress! + p * r, means: means.baseAddress!,
            mu: state.theta[p * r], variance: state.residualVariance(patient: p),
            initialMean: state.initialMean, initialVariance: state.initialVariance)
        guard coefficients else { return v }
        for e in 0..<r { means[e] = state.randomEffectMean(patient: p, effect: e) }
        v.loadCoefficients(state: state)
        return v
    }
}

/// One patient as its blocks see it: pointers into the chain's storage at the patient's cells,
/// pre-sample values and random effects, and its current coefficients (phi_k per autoregressive
/// term, beta_j per covariate, each from the patient's random effects or the fixed coefficients),
/// mu, sigma^2, and the covariate part c_t = sum_j beta_j x_jt of each equation.
///
/// Notation of the blocks: cell t = 0..<n of the patient, d_t = y_t - mu the deviation from the
/// latent mean (for t < 0 the latent pre-sample value), and the residual of equation t
///
///     e_t = d_t - sum_k phi_k d_(t - L_k) - c_t.
struct PatientView {
    let patient: Int
    let count: Int
    let y: UnsafeMutablePointer<Double>
    /// One past the patient's pre-sample values: d_s for s < 0 is `presample[s]`.
    let presample: UnsafeMutablePointer<Double>
    let hasEquation: UnsafePointer<Bool>
    let missing: UnsafePointer<Bool>
    let covariates: UnsafePointer<Double>
    let covariateCount: Int
    let covariatePart: UnsafeMutablePointer<Double>
    let phi: UnsafeMutablePointer<Double>
    let beta: UnsafeMutablePointer<Double>
    let lags: UnsafePointer<Int>
    let lagCount: Int
    /// The patient's random effects, and their means under the between model.
    let theta: UnsafeMutablePointer<Double>
    let means: UnsafeMutablePointer<Double>
    var mu: Double
    var variance: Double
    let initialMean: Double
    let initialVariance: Double

    /// Re-reads phi and beta (after the random slopes changed) and recomputes the covariate parts
    /// (unless `covariateParts` is false: only autoregressions changed).
    func loadCoefficients(state: ChainState, covariateParts: Bool = true) {
        for a in 0..<lagCount {
            let r = state.autoregressiveRandomSlot[a]
            phi[a] = r >= 0 ? theta[r] : state.gamma[state.autoregressiveFixedSlot[a]]
        }
        guard covariateParts else { return }
        for k in 0..<covariateCount {
            let r = state.covariateRandomSlot[k]
            beta[k] = r >= 0 ? theta[r] : state.gamma[state.covariateFixedSlot[k]]
        }
        for t in 0..<count {
            var s = 0.0
            if hasEquation[t] {
                let row = covariates + t * covariateCount
                for k in 0..<covariateCount { s += beta[k] * row[k] }
            }
            covariatePart[t] = s
        }
    }

    /// d_s: the deviation of cell s from mu, or (s < 0) the latent pre-sample value.
    @inline(__always)
    func deviation(_ s: Int) -> Double { s < 0 ? presample[s] : y[s] - mu }

    /// The part of equation t explained by the past and the covariates,
    /// sum_k phi_k d_(t - L_k) + c_t.
    @inline(__always)
    func prediction(_ t: Int) -> Double {
        var s = covariatePart[t]
        for a in 0..<lagCount { s += phi[a] * deviation(t - lags[a]) }
        return s
    }

    /// The residual e_t of equation t.
    @inline(__always)
    func residual(_ t: Int) -> Double { deviation(t) - prediction(t) }
}
