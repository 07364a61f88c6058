import DynamicModels
import MixedModels
import Numerics
import SEM
import SessionData
import Tabular

/// The autoregression rho and the lagged effect beta of a `DynamicPanelProcess`, estimated in
/// every replication two ways:
///
/// - **ML-SEM** (Allison, Williams & Moral-Benito 2017): `y ~ pre(lag(x))` with FIML, observed
///   information, Wald intervals;
/// - **the observed-centred multilevel model**: `y ~ y_lag_within + x_lag_within + (1 | patient)`
///   by REML, the lags centred on each patient's mean of the rows used (the lagged model of most
///   process studies), Satterthwaite intervals. With T sessions its rho is biased by about
///   -(1 + rho) / (T - 1) (Nickell 1981), and the bias leaks into beta.
///
/// Replication r uses the streams (seed, [r]). Failed fits are counted, not hidden.
public struct NickellBiasStudy: Sendable {
    public let process: DynamicPanelProcess
    public let replications: Int
    public let seed: UInt64

    public init(process: DynamicPanelProcess, replications: Int, seed: UInt64) {
        self.process = process
        self.replications = replications
        self.seed = seed
    }

    /// One estimate with its 95% interval.
    public struct Estimate: Sendable {
        public let estimate: Double
        public let lower: Double
        public let upper: Double
    }

    /// The estimates of one replication, nil where the fit failed.
    public struct Replication: Sendable {
        public let mlsem: (rho: Estimate, beta: Estimate)?
        public let multilevel: (rho: Estimate, beta: Estimate)?
        /// Why the ML-SEM fit failed, when it did.
        public let mlsemFailure: String?
        /// Seconds of the ML-SEM fit.
        public let mlsemSeconds: Double
    }

    /// Bias, its Monte Carlo standard error, RMSE and the coverage of the intervals, over the
    /// replications where the fit succeeded.
    public struct Summary: Sendable {
        public let truth: Double
        public let fits: Int
        public let meanEstimate: Double
        public var bias: Double { meanEstimate - truth }
        /// SD of the estimates / sqrt(fits).
        public let biasStandardError: Double
        public let rmse: Double
        public let coverage: Double
        /// sqrt(coverage (1 - coverage) / fits).
        public let coverageStandardError: Double

        init(_ estimates: [Estimate], truth: Double) {
            self.truth = truth
            fits = estimates.count
            let n = Double(max(estimates.count, 1))
            meanEstimate = estimates.reduce(0) { $0 + $1.estimate } / n
            let mean = meanEstimate
            let variance = estimates.reduce(0) { $0 + ($1.estimate - mean) * ($1.estimate - mean) } / max(n - 1, 1)
            biasStandardError = (variance / n).squareRoot()
            rmse = (estimates.reduce(0) { $0 + ($1.estimate - truth) * ($1.estimate - truth) } / n).squareRoot()
            coverage = Double(estimates.filter { $0.lower <= truth && truth <= $0.upper }.count) / n
            coverageStandardError = (coverage * (1 - coverage) / n).squareRoot()
        }
    }

    /// Runs replication `r`.
    public func replication(_ r: Int) -> Replication {
        guard let table = try? process.sample(seed: seed, path: [UInt64(r)]) else {
            return Replication(mlsem: nil, multilevel: nil, mlsemFailure: "no data", mlsemSeconds: 0)
        }
        let clock = ContinuousClock(), started = clock.now
        let mlsem = Result { try Self.mlsem(table) }
        let elapsed = (clock.now - started).components
        var failure: String?
        if case .failure(let error) = mlsem { failure = String(describing: error) }
        return Replication(mlsem: try? mlsem.get(), multilevel: try? Self.multilevel(table), mlsemFailure: failure,
                           mlsemSeconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
    }

    /// Every replication, on all cores.
    public func run() throws -> [Replication] {
        try Array(0..<replications).concurrentMap { replication($0) }
    }

    public static func summaries(_ results: [Replication], process: DynamicPanelProcess)
        -> (mlsem: (rho: Summary, beta: Summary), multilevel: (rho: Summary, beta: Summary)) {
        let m = results.compactMap(\.mlsem), l = results.compactMap(\.multilevel)
        return ((Summary(m.map(\.rho), truth: process.rho), Summary(m.map(\.beta), truth: process.beta)),
                (Summary(l.map(\.rho), truth: process.rho), Summary(l.map(\.beta), truth: process.beta)))
    }

    static func mlsem(_ table: DataTable) throws -> (rho: Estimate, beta: Estimate) {
        var options = MLSEMOptions()
        options.fitIndices = false
        let fit = try MLSEM(formula: "y ~ pre(lag(x))", options: options).fit(try Panel(file: SessionFile(table: table)))
        func estimate(_ term: String) throws -> Estimate {
            guard let c = fit.coefficients.first(where: { $0.term == term }) else { throw SEMInputError("no \(term)") }
            return Estimate(estimate: c.estimate, lower: c.ciLower, upper: c.ciUpper)
        }
        return (try estimate("lag(y)"), try estimate("lag(x)"))
    }

    /// The lagged multilevel model with lags centred on the patient's mean (of the rows used).
    static func multilevel(_ table: DataTable) throws -> (rho: Estimate, beta: Estimate) {
        let panel = try Panel(file: SessionFile(table: table))
        let lagged = try LaggedPanel(panel: panel, variables: ["y", "x"])
        let y = lagged.values(of: "y"), yLag = lagged.lagged("y", by: 1), xLag = lagged.lagged("x", by: 1)
        var patient = [Double](), outcome = [Double](), yWithin = [Double](), xWithin = [Double]()
        for p in 0..<lagged.patientCount {
            let used = lagged.cells(ofPatient: p).filter { !y[$0].isNaN && !yLag[$0].isNaN && !xLag[$0].isNaN }
            guard !used.isEmpty else { continue }
            let yMean = used.reduce(0) { $0 + yLag[$1] } / Double(used.count)
            let xMean = used.reduce(0) { $0 + xLag[$1] } / Double(used.count)
            for c in used {
                patient.append(Double(p + 1))
                outcome.append(y[c])
                yWithin.append(yLag[c] - yMean)
                xWithin.append(xLag[c] - xMean)
            }
        }
        let data = try DataTable(source: "lagged", names: ["patient", "y", "y_lag_within", "x_lag_within"],
                                 columns: [.numeric(patient), .numeric(outcome), .numeric(yWithin), .numeric(xWithin)])
        let model = try LinearMixedModel(formula: "y ~ y_lag_within + x_lag_within + (1 | patient)", data: data)
        model.threads = 1
        let fit = try model.fit()
        func estimate(_ term: String) throws -> Estimate {
            guard let e = fit.fixedEffects.first(where: { $0.term == term }) else { throw SEMInputError("no \(term)") }
            return Estimate(estimate: e.estimate, lower: e.confidenceLower, upper: e.confidenceUpper)
        }
        return (try estimate("y_lag_within"), try estimate("x_lag_within"))
    }
}
