import DynamicModels
import Foundation
import Numerics
import Tabular
import Testing
@testable import DSEM

/// Every block of the sampler on its own: with all other blocks fixed at a state reached by a
/// short run, the block's full conditional is read off the brute-force joint density (`LogJoint`)
/// and compared with the block's own conditional (to 1e-6 relative), and the block's draws are
/// compared with that closed form (mean within 4 Monte Carlo SEs, variance within 4 SEs of the
/// sample variance).
@Suite struct GibbsBlockTests {
    /// Three models that between them use every block and every kind of cell: random mu, phi and
    /// covariate slope with a fixed covariate and a between covariate, latent initial condition,
    /// missing outcomes (`correlated`); uncorrelated random effects with random residual variances
    /// (`heteroscedastic`); two lags under the conditional initial condition (`secondOrder`).
    enum Model: String, CaseIterable {
        case correlated, heteroscedastic, secondOrder
        var formula: String {
            switch self {
            case .correlated: return "y ~ lag(y) + lag(x) + x + z + (1 + lag(y) + lag(x) | patient)"
            case .heteroscedastic: return "y ~ lag(y) + lag(x) + (1 + lag(y) || patient)"
            case .secondOrder: return "y ~ lag(y) + lag(y, 2) + lag(x) + (1 | patient)"
            }
        }
    }

    /// The simulated data (30 patients, 12 sessions, 10% missing) and the specification of `model`.
    static func model(_ model: Model) throws -> (DynamicModels.LaggedPanel, DSEMSpecification) {
        var process = AutoregressiveProcess()
        process.patients = 30
        process.sessions = 12
        process.covariateRate = 0.3
        process.covariateEffect = 1
        process.missingRate = 0.1
        var table = try process.sample(seed: 17)
        guard case .numeric(let patients) = table["patient"]! else { throw DSEMInputError("no patient column") }
        try table.append(.numeric(patients.map { Double(Int($0) % 3) }), named: "z")
        let formula = try DSEMFormula(model.formula)
        let lagged = try Fixtures.laggedPanel(table, variables: formula.columns)
        var spec = try DSEMSpecification(formula: formula, panel: lagged)
        if model == .heteroscedastic { spec.randomResidualVariance = true }
        if model == .secondOrder { spec.initialCondition = .conditional }
        spec.priors.coefficients["lag(x)"] = DSEMPriors.NormalPrior(mean: 0.5, variance: 4)
        return (lagged, spec)
    }

    /// A chain of `model` after 60 sweeps.
    static func chain(_ model: Model, configure: (inout DSEMSpecification) -> Void = { _ in }) throws -> Chain {
        var (lagged, spec) = try Self.model(model)
        configure(&spec)
        let data = try ModelData(panel: lagged, specification: spec)
        let chain = try Chain(data: data, index: 1, seed: 3, workers: 1)
        try chain.run(sweeps: 60, adaptUntil: 60)
        return chain
    }

    /// Saves the chain's state; `restore` puts it back.
    struct Snapshot {
        let y: [Double], presample: [Double], theta: [Double], gamma: [Double], alpha: [Double], omega: [Double]
        let residualVariance: Double
        init(_ s: ChainState) {
            y = Array(s.y); presample = Array(s.presample); theta = Array(s.theta); gamma = Array(s.gamma)
            alpha = Array(s.alpha); omega = Array(s.omega); residualVariance = s.residualVariance
        }
        func restore(_ s: ChainState) throws {
            for (k, v) in y.enumerated() { s.y[k] = v }
            for (k, v) in presample.enumerated() { s.presample[k] = v }
            for (k, v) in theta.enumerated() { s.theta[k] = v }
            for (k, v) in gamma.enumerated() { s.gamma[k] = v }
            for (k, v) in alpha.enumerated() { s.alpha[k] = v }
            s.residualVariance = residualVariance
            try s.setOmega(Array(omega.prefix(s.randomEffectCount * s.randomEffectCount)))
        }
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double = 1e-6) -> Bool {
        abs(a - b) <= relative * max(1, abs(a), abs(b))
    }

    /// Mean and variance of draws against N(mean, variance).
    static func expectMoments(_ draws: [Double], mean: Double, variance: Double, _ what: String) {
        let n = Double(draws.count)
        let m = draws.reduce(0, +) / n
        let v = draws.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        #expect(abs(m - mean) < 4 * (variance / n).squareRoot(), "\(what): mean \(m), expected \(mean)")
        #expect(abs(v - variance) < 4 * variance * (2 / (n - 1)).squareRoot(), "\(what): variance \(v), expected \(variance)")
    }

    // MARK: the patients' blocks

    @Test(arguments: Model.allCases) func latentValues(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        let workspace = PatientWorkspace(data: data)
        let snapshot = Snapshot(state)
        var checked = Set<String>()
        for p in 0..<data.patientCount {
            let v = workspace.view(patient: p, state: state)
            let k = data.presampleCount
            var slots = Array(-k..<0)
            slots += (0..<v.count).filter { v.missing[$0] }
            for s in slots {
                let kind = s < 0 ? "pre-sample" : (v.hasEquation[s] ? "missing with equation" : "missing without equation")
                let (precision, linear) = LatentValuesBlock.conditional(slot: s, v)
                let form = LogJoint.canonicalForm(dimension: 1, state: state) { x in
                    if s < 0 { v.presample[s] = x[0] } else { v.y[s] = v.mu + x[0] }
                }
                try snapshot.restore(state)
                #expect(Self.close(precision, form.precision[0]), "\(model) patient \(p) slot \(s): precision")
                #expect(Self.close(linear / precision, form.linear[0] / form.precision[0]), "\(model) patient \(p) slot \(s): mean")
                if !checked.contains(kind) {
                    checked.insert(kind)
                    let stream = RandomStream(seed: 1, path: [UInt64(p), UInt64(s + 10)])
                    let draws = (0..<20_000).map { _ in LatentValuesBlock.draw(slot: s, v, stream: stream) }
                    Self.expectMoments(draws, mean: linear / precision, variance: 1 / precision, "\(model) \(kind)")
                }
            }
        }
        // Every kind of latent value occurs in these data.
        switch model {
        case .correlated, .heteroscedastic: #expect(checked.contains("pre-sample") && checked.contains("missing with equation"))
        case .secondOrder: #expect(checked.contains("missing without equation"))
        }
    }

    @Test(arguments: Model.allCases) func randomMeans(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        let workspace = PatientWorkspace(data: data)
        let snapshot = Snapshot(state)
        let r = data.randomEffectCount
        for p in [0, 7, 29] {
            let v = workspace.view(patient: p, state: state)
            let (precision, linear) = RandomMeanBlock.conditional(v, state: state)
            let form = LogJoint.canonicalForm(dimension: 1, state: state) { x in state.theta[p * r] = x[0] }
            try snapshot.restore(state)
            #expect(Self.close(precision, form.precision[0]), "\(model) patient \(p): precision")
            #expect(Self.close(linear / precision, form.linear[0] / form.precision[0]), "\(model) patient \(p): mean")
            if p == 7 {
                let stream = RandomStream(seed: 2)
                var view = v
                let draws = (0..<20_000).map { _ -> Double in
                    RandomMeanBlock.update(&view, workspace: workspace, state: state, stream: stream)
                    return state.theta[p * r]
                }
                try snapshot.restore(state)
                Self.expectMoments(draws, mean: linear / precision, variance: 1 / precision, "\(model) mu")
            }
        }
    }

    @Test(arguments: [Model.correlated, .heteroscedastic]) func randomSlopes(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        let workspace = PatientWorkspace(data: data)
        let snapshot = Snapshot(state)
        let r = data.randomEffectCount, q = RandomSlopesBlock.slopeCount(data)
        #expect(q == (model == .correlated ? 2 : 1))
        for p in [3, 18] {
            let v = workspace.view(patient: p, state: state)
            RandomSlopesBlock.accumulate(v, workspace: workspace, state: state)
            let precision = Array(workspace.precision.prefix(q * q))
            var mean = Array(workspace.linear.prefix(q))
            var factor = precision
            try factor.withUnsafeMutableBufferPointer { f in
                try mean.withUnsafeMutableBufferPointer { m in try CanonicalNormal.mean(precision: f.baseAddress!, linear: m.baseAddress!, order: q) }
            }
            let form = LogJoint.canonicalForm(dimension: q, state: state) { x in
                for i in 0..<q { state.theta[p * r + 1 + i] = x[i] }
            }
            try snapshot.restore(state)
            let expectedMean = try Cholesky(Matrix(rows: q, columns: q, columnMajor: form.precision)).solve(form.linear)
            for i in 0..<(q * q) { #expect(Self.close(precision[i], form.precision[i]), "\(model) patient \(p): precision \(i)") }
            for i in 0..<q { #expect(Self.close(mean[i], expectedMean[i]), "\(model) patient \(p): mean \(i)") }
            if p == 3 {
                let covariance = try Cholesky(Matrix(rows: q, columns: q, columnMajor: form.precision)).inverse()
                let stream = RandomStream(seed: 4)
                var draws = [[Double]](repeating: [], count: q)
                for _ in 0..<20_000 {
                    let view = workspace.view(patient: p, state: state)
                    try RandomSlopesBlock.update(view, workspace: workspace, state: state, stream: stream)
                    for i in 0..<q { draws[i].append(state.theta[p * r + 1 + i]) }
                }
                try snapshot.restore(state)
                for i in 0..<q { Self.expectMoments(draws[i], mean: expectedMean[i], variance: covariance[i, i], "\(model) slope \(i)") }
            }
        }
    }

    /// The Metropolis step of log sigma_i^2 against the conditional density by quadrature
    /// (trapezoid rule on a fine grid); the Monte Carlo SE uses the draws' ESS.
    @Test func randomResidualVariance() throws {
        let chain = try Self.chain(.heteroscedastic)
        let state = chain.state, data = state.data
        let workspace = PatientWorkspace(data: data)
        let snapshot = Snapshot(state)
        let r = data.randomEffectCount, slot = data.logVarianceSlot!, p = 5
        let current = state.theta[p * r + slot]
        var grid = [Double](), logDensity = [Double]()
        for k in 0...4000 {
            let s = current - 4 + 8 * Double(k) / 4000
            state.theta[p * r + slot] = s
            grid.append(s)
            logDensity.append(LogJoint.value(state))
        }
        try snapshot.restore(state)
        let top = logDensity.max()!
        let weights = logDensity.map { exp($0 - top) }
        let total = weights.reduce(0, +)
        let mean = zip(grid, weights).map(*).reduce(0, +) / total
        let variance = zip(grid, weights).map { ($0 - mean) * ($0 - mean) * $1 }.reduce(0, +) / total
        #expect(weights.first! < 1e-8 && weights.last! < 1e-8, "the grid covers the density")

        state.proposalScale[p] = 2.4 * variance.squareRoot()
        let stream = RandomStream(seed: 5)
        var view = workspace.view(patient: p, state: state)
        var draws = [Double]()
        for _ in 0..<40_000 {
            RandomResidualVarianceBlock.update(&view, state: state, stream: stream)
            draws.append(state.theta[p * r + slot])
        }
        try snapshot.restore(state)
        let ess = EffectiveSampleSize.of([draws[...]])
        let m = draws.reduce(0, +) / Double(draws.count)
        let v = draws.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(draws.count - 1)
        #expect(abs(m - mean) < 4 * (variance / ess).squareRoot(), "mean \(m), expected \(mean) (ESS \(ess))")
        #expect(abs(v - variance) < 4 * variance * (2 / ess).squareRoot(), "variance \(v), expected \(variance)")
    }

    // MARK: the whole-sample blocks

    /// Fills every patient's statistics slot for the current state.
    static func recordStatistics(_ state: ChainState) {
        let workspace = PatientWorkspace(data: state.data)
        for p in 0..<state.patientCount {
            PatientStatistics.record(workspace.view(patient: p, state: state), workspace: workspace, state: state)
        }
    }

    @Test(arguments: Model.allCases) func withinCoefficients(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        Self.recordStatistics(state)
        let snapshot = Snapshot(state)
        let g = data.fixedCount, q = RandomSlopesBlock.slopeCount(data), m = g + q, r = data.randomEffectCount
        let (precision, linear) = WithinCoefficientsBlock.conditional(state: state)
        let u = WithinCoefficientsBlock.slopeDeviations(state: state)
        // Non-centred: the slopes move with their means, the deviations u_i fixed.
        let form = LogJoint.canonicalForm(dimension: m, state: state) { x in
            for a in 0..<g { state.gamma[a] = x[a] }
            for s in 0..<q {
                state.alpha[data.betweenIndex(ofRandomEffect: 1 + s)] = x[g + s]
                for p in 0..<data.patientCount { state.theta[p * r + 1 + s] = x[g + s] + u[p * q + s] }
            }
        }
        try snapshot.restore(state)
        for i in 0..<(m * m) { #expect(Self.close(precision[i], form.precision[i]), "\(model): precision \(i)") }
        let covariance = try Cholesky(Matrix(rows: m, columns: m, columnMajor: form.precision)).inverse()
        let mean = try Cholesky(Matrix(rows: m, columns: m, columnMajor: form.precision)).solve(form.linear)
        let own = try Cholesky(Matrix(rows: m, columns: m, columnMajor: precision)).solve(linear)
        for i in 0..<m { #expect(Self.close(own[i], mean[i]), "\(model): mean \(i)") }
        let stream = RandomStream(seed: 6)
        var draws = [[Double]](repeating: [], count: m)
        for _ in 0..<20_000 {
            try snapshot.restore(state)
            try WithinCoefficientsBlock.update(state: state, stream: stream)
            for a in 0..<g { draws[a].append(state.gamma[a]) }
            for s in 0..<q { draws[g + s].append(state.alpha[data.betweenIndex(ofRandomEffect: 1 + s)]) }
        }
        try snapshot.restore(state)
        for i in 0..<m { Self.expectMoments(draws[i], mean: mean[i], variance: covariance[i, i], "\(model) coefficient \(i)") }
    }

    /// The latent means' location with the fixed covariate effects, non-centred: mu_i moves with
    /// (alpha_mu), u_i fixed.
    @Test(arguments: Model.allCases) func latentMeanLocation(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        let workspace = PatientWorkspace(data: data)
        for p in 0..<data.patientCount {
            LatentMeanLocationBlock.record(workspace.view(patient: p, state: state), workspace: workspace, state: state)
        }
        let snapshot = Snapshot(state)
        let b = data.betweenCount, fixed = state.fixedCovariates, size = 1 + b + fixed.count, r = data.randomEffectCount
        let (precision, linear, u) = LatentMeanLocationBlock.conditional(state: state)
        let form = LogJoint.canonicalForm(dimension: size, state: state) { x in
            for a in 0...b { state.alpha[a] = x[a] }
            for (j, f) in fixed.enumerated() { state.gamma[f.slot] = x[1 + b + j] }
            for p in 0..<data.patientCount { state.theta[p * r] = state.randomEffectMean(patient: p, effect: 0) + u[p] }
        }
        try snapshot.restore(state)
        for i in 0..<(size * size) { #expect(Self.close(precision[i], form.precision[i]), "\(model): precision \(i)") }
        let mean = try Cholesky(Matrix(rows: size, columns: size, columnMajor: form.precision)).solve(form.linear)
        let own = try Cholesky(Matrix(rows: size, columns: size, columnMajor: precision)).solve(linear)
        for i in 0..<size { #expect(Self.close(own[i], mean[i]), "\(model): mean \(i)") }
        let covariance = try Cholesky(Matrix(rows: size, columns: size, columnMajor: form.precision)).inverse()
        let stream = RandomStream(seed: 10)
        var draws = [[Double]](repeating: [], count: size)
        for _ in 0..<20_000 {
            try snapshot.restore(state)
            try LatentMeanLocationBlock.update(state: state, stream: stream)
            for a in 0...b { draws[a].append(state.alpha[a]) }
            for (j, f) in fixed.enumerated() { draws[1 + b + j].append(state.gamma[f.slot]) }
        }
        try snapshot.restore(state)
        for i in 0..<size { Self.expectMoments(draws[i], mean: mean[i], variance: covariance[i, i], "\(model) location \(i)") }
    }

    @Test(arguments: [Model.correlated, .secondOrder]) func residualVariance(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state
        Self.recordStatistics(state)
        let snapshot = Snapshot(state)
        let (shape, scale) = ResidualVarianceBlock.conditional(PooledStatistics(state: state), state: state)
        // log p(v) = -(shape + 1) log v - scale / v + c: solve from three values.
        let v = [2.0, 3.0, 5.0].map { $0 * state.residualVariance }
        let l = v.map { x -> Double in state.residualVariance = x; return LogJoint.value(state) }
        try snapshot.restore(state)
        // l1 - l0 = -(a + 1) (log v1 - log v0) - b (1/v1 - 1/v0), likewise l2 - l0.
        let a11 = -(log(v[1]) - log(v[0])), a12 = -(1 / v[1] - 1 / v[0])
        let a21 = -(log(v[2]) - log(v[0])), a22 = -(1 / v[2] - 1 / v[0])
        let det = a11 * a22 - a12 * a21
        let aPlusOne = ((l[1] - l[0]) * a22 - a12 * (l[2] - l[0])) / det
        let b = (a11 * (l[2] - l[0]) - a21 * (l[1] - l[0])) / det
        #expect(Self.close(shape, aPlusOne - 1, 1e-5), "shape \(shape) vs \(aPlusOne - 1)")
        #expect(Self.close(scale, b, 1e-5), "scale \(scale) vs \(b)")
        let stream = RandomStream(seed: 7)
        let pooled = PooledStatistics(state: state)
        let draws = try (0..<20_000).map { _ -> Double in
            try ResidualVarianceBlock.update(pooled, state: state, stream: stream)
            return state.residualVariance
        }
        try snapshot.restore(state)
        Self.expectMoments(draws, mean: scale / (shape - 1), variance: scale * scale / ((shape - 1) * (shape - 1) * (shape - 2)), "\(model) sigma^2")
    }

    @Test(arguments: Model.allCases) func betweenCoefficients(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        let snapshot = Snapshot(state)
        let block = BetweenCoefficientsBlock(data: data)
        let n = data.betweenCoefficientCount
        let (precision, linear) = block.conditional(state: state)
        // Centred: the random effects stay, the means move.
        let form = LogJoint.canonicalForm(dimension: n, state: state) { x in for a in 0..<n { state.alpha[a] = x[a] } }
        try snapshot.restore(state)
        for i in 0..<(n * n) { #expect(Self.close(precision[i], form.precision[i]), "\(model): precision \(i)") }
        let mean = try Cholesky(Matrix(rows: n, columns: n, columnMajor: form.precision)).solve(form.linear)
        let own = try Cholesky(Matrix(rows: n, columns: n, columnMajor: precision)).solve(linear)
        for i in 0..<n { #expect(Self.close(own[i], mean[i]), "\(model): mean \(i)") }
        let covariance = try Cholesky(Matrix(rows: n, columns: n, columnMajor: form.precision)).inverse()
        let stream = RandomStream(seed: 8)
        var draws = [[Double]](repeating: [], count: n)
        for _ in 0..<20_000 {
            try block.update(state: state, stream: stream)
            for a in 0..<n { draws[a].append(state.alpha[a]) }
        }
        try snapshot.restore(state)
        for i in 0..<n { Self.expectMoments(draws[i], mean: mean[i], variance: covariance[i, i], "\(model) alpha \(i)") }
    }

    /// Omega | rest against the inverse Wishart (or inverse gamma per variance) worked out here
    /// from the random effects: E Omega = Psi / (nu - p - 1) with Psi = sum u u' (prior scale 0),
    /// nu = N - p - 1 (Mplus's IW(0, -p-1)); with `||` each variance IG(N/2 - 1, sum u^2 / 2).
    @Test(arguments: Model.allCases) func randomEffectsCovariance(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        let snapshot = Snapshot(state)
        let r = data.randomEffectCount, n = Double(data.patientCount)
        var scatter = [Double](repeating: 0, count: r * r)
        for p in 0..<data.patientCount {
            var m = [Double](repeating: 0, count: r)
            m[0] = state.alpha[0]
            for b in 0..<data.betweenCount { m[0] += state.alpha[1 + b] * data.between[p * data.betweenCount + b] }
            for e in 1..<max(1, r) { m[e] = state.alpha[data.betweenCount + e] }
            for i in 0..<r { for j in 0..<r { scatter[i + j * r] += (state.theta[p * r + i] - m[i]) * (state.theta[p * r + j] - m[j]) } }
        }
        let stream = RandomStream(seed: 9)
        var sums = [Double](repeating: 0, count: r * r), squares = [Double](repeating: 0, count: r * r)
        let draws = 20_000
        for _ in 0..<draws {
            try RandomEffectsCovarianceBlock.update(state: state, stream: stream)
            for k in 0..<(r * r) { sums[k] += state.omega[k]; squares[k] += state.omega[k] * state.omega[k] }
        }
        try snapshot.restore(state)
        let uncorrelated = data.specification.uncorrelatedRandomEffects
        let p = Double(r), nu = n - p - 1
        for i in 0..<r {
            for j in 0...i {
                let k = i + j * r
                let expected: Double, variance: Double
                if uncorrelated {
                    let a = n / 2 - 1, b = scatter[i + i * r] / 2
                    expected = i == j ? b / (a - 1) : 0
                    variance = i == j ? b * b / ((a - 1) * (a - 1) * (a - 2)) : 0
                } else {
                    expected = scatter[k] / (nu - p - 1)
                    variance = ((nu - p + 1) * scatter[k] * scatter[k] + (nu - p - 1) * scatter[i + i * r] * scatter[j + j * r])
                        / ((nu - p) * (nu - p - 1) * (nu - p - 1) * (nu - p - 3))
                }
                let mean = sums[k] / Double(draws)
                if variance == 0 {
                    #expect(mean == 0)
                } else {
                    #expect(abs(mean - expected) < 4 * (variance / Double(draws)).squareRoot(), "\(model) Omega[\(i),\(j)]: \(mean) vs \(expected)")
                }
            }
        }
    }

    /// The rescaling move's density of c is the joint density at the rescaled state times the
    /// Jacobian c^(N + p + 1) (c^(N + 2) with `||`) and the Haar measure 1/c.
    @Test(arguments: [Model.correlated, .heteroscedastic]) func slopeRescaling(_ model: Model) throws {
        let chain = try Self.chain(model)
        let state = chain.state, data = state.data
        Self.recordStatistics(state)
        let snapshot = Snapshot(state)
        let r = data.randomEffectCount, n = Double(data.patientCount)
        let jacobian = data.specification.uncorrelatedRandomEffects ? n + 2 : n + Double(r) + 1
        for s in 0..<RandomSlopesBlock.slopeCount(data) {
            try snapshot.restore(state)
            let density = RandomSlopeScaleBlock.logDensity(slope: s, state: state)
            let effect = 1 + s
            func joint(_ c: Double) throws -> Double {
                try snapshot.restore(state)
                let mean = state.alpha[data.betweenIndex(ofRandomEffect: effect)]
                for p in 0..<data.patientCount { state.theta[p * r + effect] = mean + c * (state.theta[p * r + effect] - mean) }
                var omega = (0..<(r * r)).map { state.omega[$0] }
                for j in 0..<r where j != effect { omega[effect + j * r] *= c; omega[j + effect * r] *= c }
                omega[effect + effect * r] *= c * c
                try state.setOmega(omega)
                return LogJoint.value(state) + (jacobian - 1) * log(c)
            }
            let base = try joint(1)
            for c in [0.6, 1.4, 2.5] {
                let expected = try joint(c) - base
                let own = density.value(c) - density.value(1)
                #expect(Self.close(own, expected, 1e-6), "\(model) slope \(s), c = \(c): \(own) vs \(expected)")
            }
        }
        try snapshot.restore(state)
    }

    /// The shear's c is normal with the precision and linear term read off the joint density along
    /// the sheared states (Jacobian 1, Haar measure dc), also with a proper IW prior.
    @Test(arguments: [false, true]) func slopeShear(properPrior: Bool) throws {
        let chain = try Self.chain(.correlated) { spec in
            if properPrior { spec.priors.randomEffects = DSEMPriors.InverseWishartPrior(scale: 0.7, degreesOfFreedom: 5) }
        }
        let target = chain.state, data = target.data
        Self.recordStatistics(target)
        let snapshot = Snapshot(target)
        let r = data.randomEffectCount
        for s in 0..<RandomSlopesBlock.slopeCount(data) {
            for source in 0..<r where source != 1 + s {
                try snapshot.restore(target)
                let (precision, linear) = RandomSlopeShearBlock.conditional(slope: s, source: source, state: target)
                let form = LogJoint.canonicalForm(dimension: 1, state: target) { x in
                    try! snapshot.restore(target)
                    let c = x[0], t = 1 + s
                    for p in 0..<data.patientCount {
                        let u = target.theta[p * r + source] - target.randomEffectMean(patient: p, effect: source)
                        target.theta[p * r + t] += c * u
                    }
                    var omega = (0..<(r * r)).map { target.omega[$0] }
                    var rows = omega
                    for j in 0..<r { rows[t + j * r] += c * omega[source + j * r] }
                    omega = rows
                    for i in 0..<r { omega[i + t * r] += c * rows[i + source * r] }
                    try! target.setOmega(omega)
                }
                #expect(Self.close(precision, form.precision[0]), "slope \(s) by \(source): precision \(precision) vs \(form.precision[0])")
                #expect(Self.close(linear, form.linear[0]), "slope \(s) by \(source): linear \(linear) vs \(form.linear[0])")
            }
        }
        try snapshot.restore(target)
    }

    @Test func initialConditionPrior() throws {
        let chain = try Self.chain(.correlated)
        let state = chain.state, data = state.data
        Self.recordStatistics(state)
        InitialConditionPrior.update(PooledStatistics(state: state), state: state)
        var d = [Double]()
        for p in 0..<data.patientCount {
            let mu = state.theta[p * data.randomEffectCount]
            for c in data.cells(of: p) { d.append(state.y[c] - mu) }
        }
        let mean = d.reduce(0, +) / Double(d.count)
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count - 1)
        #expect(Self.close(state.initialMean, mean, 1e-10) && Self.close(state.initialVariance, variance, 1e-10))
    }
}
