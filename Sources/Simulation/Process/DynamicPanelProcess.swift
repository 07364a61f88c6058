import Numerics
import Tabular

/// A dynamic panel with fixed effects and feedback, the design in which the observed-centred
/// multilevel model has Nickell's bias and the ML-SEM of Allison, Williams & Moral-Benito (2017)
/// does not:
///
///     y_it = alpha_i + rho y_i,t-1 + beta x_i,t-1 + e_it,         e_it ~ N(0, sigma_e^2)
///     x_it = eta_i + phi x_i,t-1 + gamma y_i,t-1 + u_it,            u_it ~ N(0, sigma_u^2)
///     alpha_i ~ N(0, sigma_alpha^2),  eta_i = lambda alpha_i + N(0, sigma_eta^2)
///
/// x responds to earlier y (gamma), so it is predetermined, not strictly exogenous, and its person
/// effect eta correlates with alpha (fixed effects). Each series starts at 0 and runs `burnIn`
/// sessions before session 1, so sessions 1..T come from the stationary process. Patient i draws
/// from the stream (seed, path + [i]): adding patients keeps the first ones.
///
/// Columns: `patient`, `session`, `y`, `x`; a share `missedShare` of the sessions is missed (no
/// row), and a share `dropoutShare` of the patients stops after a uniform last session from
/// `shortestSeries` to T.
public struct DynamicPanelProcess: Sendable, Equatable {
    public var patients = 119
    public var sessions = 16
    public var rho = 0.3
    public var beta = 0.5
    public var phi = 0.3
    public var gamma = 0.2
    public var lambda = 0.5
    public var alphaSD = 1.0
    public var etaSD = 0.75
    public var errorSD = 1.0
    public var predictorErrorSD = 1.0
    public var burnIn = 50
    public var missedShare = 0.0
    public var dropoutShare = 0.0
    public var shortestSeries = 5

    public init() {}

    /// One dataset from the streams keyed by (seed, path).
    public func sample(seed: UInt64, path: [UInt64] = []) throws -> DataTable {
        var patient = [Double](), session = [Double](), ys = [Double](), xs = [Double]()
        for i in 0..<patients {
            let random = RandomStream(seed: seed, path: path + [UInt64(i + 1)])
            let alpha = random.normal(standardDeviation: alphaSD)
            let eta = lambda * alpha + random.normal(standardDeviation: etaSD)
            var y = 0.0, x = 0.0
            let last = random.uniform() < dropoutShare ? shortestSeries + random.integer(below: sessions - shortestSeries + 1) : sessions
            for t in (1 - burnIn)...sessions {
                let yNext = alpha + rho * y + beta * x + random.normal(standardDeviation: errorSD)
                let xNext = eta + phi * x + gamma * y + random.normal(standardDeviation: predictorErrorSD)
                (y, x) = (yNext, xNext)
                let missed = random.uniform() < missedShare
                guard t >= 1, t <= last, !missed else { continue }
                patient.append(Double(i + 1))
                session.append(Double(t))
                ys.append(y)
                xs.append(x)
            }
        }
        return try DataTable(source: "simulated dynamic panel", names: ["patient", "session", "y", "x"],
                             columns: [.numeric(patient), .numeric(session), .numeric(ys), .numeric(xs)])
    }
}
