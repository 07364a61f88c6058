import Numerics

/// The between coefficients alpha: the mean of the latent means and its regression on the
/// between covariates, and the mean of each random slope (and of log sigma_i^2).
///
/// The between model is theta_i = Z_i alpha + u_i, u_i ~ N(0, Omega), where row r of Z_i is
/// (1, z_i) in the columns of mu's coefficients for r = 0 and 1 in the column of random effect r's
/// mean otherwise. With Q = Omega^-1 and prior N(m_a, v_a) per coefficient (flat by default),
/// alpha is normal with precision sum_i Z_i' Q Z_i + diag(1/v) and linear term
/// sum_i Z_i' Q theta_i + m/v. Element (a, b) of the precision is Q_r(a)r(b) times the sum over
/// patients of the product of the two columns' values, taken from the data's cross-products of
/// (1, z_i) once.
struct BetweenCoefficientsBlock {
    let crossProducts: [Double]

    init(data: ModelData) { crossProducts = data.betweenCrossProducts }

    func update(state: ChainState, stream: RandomStream) throws {
        var (precision, linear) = conditional(state: state)
        let a = linear.count
        try precision.withUnsafeMutableBufferPointer { p in
            try linear.withUnsafeMutableBufferPointer { l in
                try CanonicalNormal.draw(precision: p.baseAddress!, linear: l.baseAddress!, order: a, stream: stream)
            }
        }
        ChainState.assign(linear, to: state.alpha)
    }

    func conditional(state: ChainState) -> (precision: [Double], linear: [Double]) {
        let data = state.data
        let count = data.betweenCoefficientCount, r = data.randomEffectCount, k = data.betweenCount + 1
        let q = state.omegaInverse
        var precision = [Double](repeating: 0, count: count * count)
        var linear = [Double](repeating: 0, count: count)
        for a in 0..<count {
            let (ra, ca) = data.betweenCoefficientTarget(a)
            for b in 0..<count {
                let (rb, cb) = data.betweenCoefficientTarget(b)
                precision[a + b * count] = q[ra + rb * r] * crossProducts[ca + cb * k]
            }
        }
        var qTheta = [Double](repeating: 0, count: r)
        for p in 0..<data.patientCount {
            for i in 0..<r {
                var s = 0.0
                for j in 0..<r { s += q[i + j * r] * state.theta[p * r + j] }
                qTheta[i] = s
            }
            for a in 0..<count {
                let (ra, ca) = data.betweenCoefficientTarget(a)
                linear[a] += (ca == 0 ? 1 : data.between[p * data.betweenCount + ca - 1]) * qTheta[ra]
            }
        }
        for a in 0..<count {
            if let prior = data.betweenPriors[a] {
                precision[a + a * count] += prior.precision
                linear[a] += prior.mean * prior.precision
            }
        }
        return (precision, linear)
    }
}
