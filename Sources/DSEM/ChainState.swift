import Foundation
import Numerics

/// Everything one chain of the Gibbs sampler holds at one iteration: the sampled outcomes, the
/// latent pre-sample values, each patient's random effects, and the model's parameters.
///
/// Storage is allocated once, when the chain starts, and never again: the blocks read and write
/// it in place through the `let` buffers below (which also spares the hot loops Swift's array
/// bounds and exclusivity checks). Patients' blocks write only their own patient's cells,
/// pre-sample values, random effects, proposal scale and statistics slot, which is what lets them
/// run on several threads (`@unchecked Sendable`: the class has no lock; the sampler never lets two
/// threads write the same element, and the whole-sample values are written only between the
/// patients' passes).
final class ChainState: @unchecked Sendable {
    let data: ModelData
    /// The outcome per cell: the observed value, or the current draw of a missing one.
    let y: UnsafeMutableBufferPointer<Double>
    /// The latent pre-sample deviations d_s = y_s - mu for s = -K..<0 of patient p, at
    /// `presample[p * K + K + s]` (K = `data.presampleCount`).
    let presample: UnsafeMutableBufferPointer<Double>
    /// Patient p's random effects at `theta[p * R + r]`: r = 0 the latent mean mu_p, then the
    /// random slopes, then log sigma_p^2 (if random).
    let theta: UnsafeMutableBufferPointer<Double>
    /// The fixed within coefficients (gamma, G), the between coefficients (alpha, A).
    let gamma: UnsafeMutableBufferPointer<Double>
    let alpha: UnsafeMutableBufferPointer<Double>
    /// The covariance matrix of the random effects (R x R, column-major) and its inverse.
    let omega: UnsafeMutableBufferPointer<Double>
    let omegaInverse: UnsafeMutableBufferPointer<Double>
    /// The residual variance sigma^2 (when it is common to all patients).
    var residualVariance: Double
    /// The prior N(m0, v0) of the pre-sample values and equation-less missing outcomes.
    var initialMean: Double
    var initialVariance: Double
    /// The random-walk scale of each patient's Metropolis step for log sigma_p^2, and the
    /// proposals accepted since the scale was last tuned.
    let proposalScale: UnsafeMutableBufferPointer<Double>
    let accepted: UnsafeMutableBufferPointer<Int>
    /// Each patient's contribution to the sums the whole-sample blocks need (`PatientStatistics`).
    let statistics: UnsafeMutableBufferPointer<Double>

    /// Each patient's sums for the latent means' location (`LatentMeanLocationBlock`).
    let locationStatistics: UnsafeMutableBufferPointer<Double>
    /// The fixed covariates: their covariate index and gamma slot.
    let fixedCovariates: [(covariate: Int, slot: Int)]

    /// The data the patient blocks read, as buffers (copies of `data`'s arrays).
    let hasEquation: UnsafeMutableBufferPointer<Bool>
    let missing: UnsafeMutableBufferPointer<Bool>
    let covariates: UnsafeMutableBufferPointer<Double>
    let lags: UnsafeMutableBufferPointer<Int>
    let autoregressiveRandomSlot: UnsafeMutableBufferPointer<Int>
    let autoregressiveFixedSlot: UnsafeMutableBufferPointer<Int>
    let covariateRandomSlot: UnsafeMutableBufferPointer<Int>
    let covariateFixedSlot: UnsafeMutableBufferPointer<Int>

    /// The column of each autoregression and each covariate among the within regressors of
    /// `PatientStatistics` (fixed coefficients first, then the random slopes).
    let autoregressiveColumn: UnsafeMutableBufferPointer<Int>
    let covariateColumn: UnsafeMutableBufferPointer<Int>
    /// Whether a covariate has a random slope (then the covariate parts change with the slopes).
    let hasRandomCovariateSlope: Bool

    let patientCount: Int
    let randomEffectCount: Int

    init(data: ModelData) {
        self.data = data
        let p = data.patientCount, r = data.randomEffectCount
        patientCount = p
        randomEffectCount = r
        y = .filled(data.cellCount, 0.0)
        presample = .filled(p * data.presampleCount, 0.0)
        theta = .filled(p * r, 0.0)
        gamma = .filled(data.fixedCount, 0.0)
        alpha = .filled(data.betweenCoefficientCount, 0.0)
        omega = .filled(r * r, 0.0)
        omegaInverse = .filled(r * r, 0.0)
        residualVariance = data.withinVariance
        initialMean = 0
        initialVariance = data.withinVariance
        proposalScale = .filled(p, 1.0)
        accepted = .filled(p, 0)
        statistics = .filled(p * PatientStatistics.stride(coefficients: PatientStatistics.coefficientCount(data)), 0.0)
        locationStatistics = .filled(p * LatentMeanLocationBlock.stride(data), 0.0)
        fixedCovariates = LatentMeanLocationBlock.fixedCovariates(data)
        hasEquation = .copy(data.hasEquation)
        missing = .copy(data.missing)
        covariates = .copy(data.covariates)
        lags = .copy(data.lags)
        autoregressiveRandomSlot = .copy(data.autoregressiveRandomSlot)
        autoregressiveFixedSlot = .copy(data.autoregressiveFixedSlot)
        covariateRandomSlot = .copy(data.covariateRandomSlot)
        covariateFixedSlot = .copy(data.covariateFixedSlot)
        let g = data.fixedCount
        autoregressiveColumn = .copy(zip(data.autoregressiveFixedSlot, data.autoregressiveRandomSlot).map { $0 >= 0 ? $0 : g + $1 - 1 })
        covariateColumn = .copy(zip(data.covariateFixedSlot, data.covariateRandomSlot).map { $0 >= 0 ? $0 : g + $1 - 1 })
        hasRandomCovariateSlope = data.covariateRandomSlot.contains { $0 >= 1 }
    }

    deinit {
        for b in [y, presample, theta, gamma, alpha, omega, omegaInverse, proposalScale, statistics, locationStatistics, covariates] { b.deallocate() }
        for b in [lags, autoregressiveRandomSlot, autoregressiveFixedSlot, covariateRandomSlot, covariateFixedSlot, accepted,
                  autoregressiveColumn, covariateColumn] { b.deallocate() }
        hasEquation.deallocate()
        missing.deallocate()
    }

    /// The mean of random effect r for patient p under the between model: alpha_0 + sum_b
    /// alpha_b z_pb for mu, the random effect's mean otherwise.
    @inline(__always)
    func randomEffectMean(patient p: Int, effect r: Int) -> Double {
        if r == 0 {
            var m = alpha[0]
            let b = data.betweenCount
            if b > 0 {
                let base = p * b
                for k in 0..<b { m += alpha[1 + k] * data.between[base + k] }
            }
            return m
        }
        return alpha[data.betweenCount + r]
    }

    /// Patient p's residual variance: sigma^2, or exp(s_p) with random residual variances.
    func residualVariance(patient p: Int) -> Double {
        if let s = data.logVarianceSlot { return exp(theta[p * randomEffectCount + s]) }
        return residualVariance
    }

    /// Sets Omega (column-major) and its inverse.
    func setOmega(_ value: [Double]) throws {
        let r = randomEffectCount
        let inverse = try Cholesky(Matrix(rows: r, columns: r, columnMajor: value)).inverse().elements
        for k in 0..<(r * r) {
            omega[k] = value[k]
            omegaInverse[k] = inverse[k]
        }
    }

    /// Replaces the elements of a parameter buffer.
    static func assign(_ values: [Double], to buffer: UnsafeMutableBufferPointer<Double>) {
        for k in values.indices { buffer[k] = values[k] }
    }
}

extension UnsafeMutableBufferPointer {
    /// A new buffer of `count` elements (at least one, so that every buffer has an address).
    static func filled(_ count: Int, _ value: Element) -> UnsafeMutableBufferPointer<Element> {
        let b = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(1, count))
        b.initialize(repeating: value)
        return b
    }

    /// A new buffer holding a copy of `array`.
    static func copy(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let b = UnsafeMutableBufferPointer<Element>.allocate(capacity: Swift.max(1, array.count))
        _ = b.initialize(from: array)
        return b
    }
}
