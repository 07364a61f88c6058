import Numerics
import Tabular

/// The data-generating process of the simulations of Asparouhov, Hamaker & Muthén (2018, Table 1)
/// with an optional lagged binary covariate and missing ratings, for checking the sampler
/// (tests, `Benchmarks/`):
///
///     y_it = mu_i + phi_i (y_i,t-1 - mu_i) + beta x_i,t-1 + e_it,   e_it ~ N(0, sigma^2)
///     mu_i ~ N(mean, meanVariance),  phi_i ~ N(phi, phiVariance) (independent),
///     x_it ~ Bernoulli(covariateRate)
///
/// Each series starts at y_i,-B = mu_i and runs `discarded` = B sessions before the first one
/// kept (the paper discards the first 10 generated values); x before the first kept session is
/// drawn too, so the first kept session's lagged covariate is known to the process (in the data,
/// it is before the first session). A rating is missing with probability `missingRate` (the
/// session stays, as a missed rating). Patient i (from 1) draws from the stream (seed, path + [i]).
public struct AutoregressiveProcess: Sendable {
    public var patients = 100
    public var sessions = 10
    public var mean = 0.0
    public var meanVariance = 3.0
    public var phi = 0.3
    public var phiVariance = 0.01
    public var residualVariance = 3.0
    public var covariateEffect = 0.0
    public var covariateRate = 0.0
    public var missingRate = 0.0
    public var discarded = 10

    public init() {}

    /// Columns `patient`, `session` (1...T), `y`, and `x` when the covariate rate is above 0.
    public func sample(seed: UInt64, path: [UInt64] = []) throws -> DataTable {
        var patient = [Double](), session = [Double](), y = [Double](), x = [Double]()
        let sd = residualVariance.squareRoot()
        for i in 0..<patients {
            let stream = RandomStream(seed: seed, path: path + [UInt64(i + 1)])
            let mu = mean + meanVariance.squareRoot() * stream.normal()
            let phiI = phi + phiVariance.squareRoot() * stream.normal()
            var previous = mu, previousX = 0.0
            for t in (1 - discarded)...sessions {
                let value = mu + phiI * (previous - mu) + covariateEffect * previousX + sd * stream.normal()
                let event = covariateRate > 0 && stream.bernoulli(covariateRate) ? 1.0 : 0.0
                if t >= 1 {
                    patient.append(Double(i + 1))
                    session.append(Double(t))
                    let isMissing = missingRate > 0 && stream.bernoulli(missingRate)
                    y.append(isMissing ? .nan : value)
                    x.append(event)
                }
                previous = value
                previousX = event
            }
        }
        var names = ["patient", "session", "y"], columns: [Column] = [.numeric(patient), .numeric(session), .numeric(y)]
        if covariateRate > 0 {
            names.append("x")
            columns.append(.numeric(x))
        }
        return try DataTable(source: "simulated AR(1) panel", names: names, columns: columns)
    }
}
