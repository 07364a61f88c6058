import DynamicModels
import Foundation

/// The data of a DSEM laid out for the sampler, and where each coefficient lives.
///
/// **Cells.** Each patient's sessions from the first with an observed outcome to the last (Mplus
/// leaves out the sessions before the first and after the last observation, with a warning; so do
/// we, silently: they carry no information), one cell per session number: a missed session or a
/// missing rating is a missing outcome, sampled by the sampler. Patients are numbered 0..<P in the
/// panel's order; patient p owns cells `cellStart[p] ..< cellStart[p + 1]`, cell t (from 0) of a
/// patient being session `firstSession[p] + t`.
///
/// **Equations.** Cell t has an equation y_t = mu + sum_k phi_k d_t-k + sum_j beta_j x_jt + e_t
/// when its covariates are known. Lags reaching before the first cell are the latent pre-sample
/// values (initial condition `latent`; cell 0 then has an equation) or are not available
/// (`first`: cells 0..<maxLag have none). A covariate whose lag reaches before the patient's first
/// session in the data is 0 under the latent initial condition (no session, no event; for other
/// covariates its contribution is absorbed by the latent pre-sample value, whose prior is wide)
/// and missing under `first`. A cell with a missing covariate has no equation: its outcome, if
/// observed, is conditioned on (the next sessions' lags still use it); if missing, it is a latent
/// value with the same prior as a pre-sample value [I: our rule; Mplus deletes observations with
/// missing exogenous covariates].
///
/// **Coefficients.** Within term w of the specification is either random (slot `r` of the
/// patient's random-effect vector theta, where slot 0 is mu and the log residual variance, if
/// random, is the last slot) or fixed (slot g of the fixed within coefficients gamma). The
/// between coefficients A (alpha) are: the intercept of mu, one per between covariate, then the
/// mean of each random slope and of the log residual variance.
struct ModelData: Sendable {
    let specification: DSEMSpecification
    /// Patients kept, as indices of the lagged panel, and their identifiers.
    let panelPatient: [Int]
    let patientIDs: [String]
    /// Patients left out, with the reason.
    let droppedPatients: [(id: String, reason: String)]
    let cellStart: [Int]
    let firstSession: [Int]
    /// The outcome per cell (NaN: missing, to be sampled).
    let outcome: [Double]
    let missing: [Bool]
    let hasEquation: [Bool]
    /// Covariate j of cell c at `covariates[c * covariateCount + j]` (0 where the cell has no equation).
    let covariates: [Double]
    let covariateCount: Int
    /// The outcome's lags, one per autoregressive term, in term order.
    let lags: [Int]
    let maximumLag: Int
    /// Latent pre-sample values per patient (maxLag under `latent`, else 0).
    let presampleCount: Int
    /// Between covariates: patient p's value of covariate b at `between[p * betweenCount + b]`.
    let between: [Double]
    let betweenCount: Int

    /// Coefficient slots: random slot (>= 1) or -1, fixed slot (>= 0) or -1, per term.
    let autoregressiveRandomSlot: [Int], autoregressiveFixedSlot: [Int]
    let covariateRandomSlot: [Int], covariateFixedSlot: [Int]
    /// Random effects R (mu, random slopes, log sigma^2), fixed within coefficients G, between
    /// coefficients A.
    let randomEffectCount: Int, fixedCount: Int, betweenCoefficientCount: Int
    /// The slot of log sigma_i^2, or nil.
    let logVarianceSlot: Int?
    /// The within term index (in `specification.withinTerms`) of each random slot >= 1 that is a
    /// slope, and of each fixed slot.
    let randomSlotTerm: [Int], fixedSlotTerm: [Int]

    /// The normal priors of the fixed within coefficients (by gamma slot) and of the between
    /// coefficients (by alpha index); nil: flat. Looked up by name once, not at every iteration.
    let fixedPriors: [DSEMPriors.NormalPrior?]
    let betweenPriors: [DSEMPriors.NormalPrior?]

    let equationCount: Int, observedCount: Int, missingCount: Int
    /// For starting values: each patient's observed mean, the pooled within-patient variance and
    /// the variance of the patient means.
    let patientMeans: [Double]
    let withinVariance: Double, betweenVariance: Double

    var patientCount: Int { panelPatient.count }
    var cellCount: Int { outcome.count }
    func cells(of p: Int) -> Range<Int> { cellStart[p] ..< cellStart[p + 1] }

    /// The alpha index of the mean of random effect r.
    func betweenIndex(ofRandomEffect r: Int) -> Int { r == 0 ? 0 : betweenCount + r }

    /// The random effect whose mean alpha_a belongs to, and the column of (1, z_i) it multiplies.
    func betweenCoefficientTarget(_ a: Int) -> (effect: Int, column: Int) {
        a <= betweenCount ? (0, a) : (a - betweenCount, 0)
    }

    /// The name of a random effect: `(Intercept)` for mu, the term of a random slope, and
    /// `log(residual variance)`.
    func randomEffectName(_ r: Int) -> String {
        if r == 0 { return "(Intercept)" }
        if r == logVarianceSlot { return Self.logVarianceName }
        return specification.withinTerms[randomSlotTerm[r]].variable.term
    }

    static let logVarianceName = "log(residual variance)"

    /// The printed name of between coefficient a (its prior is looked up under this name).
    func betweenCoefficientName(_ a: Int) -> String {
        let (r, column) = betweenCoefficientTarget(a)
        if r == 0 && column > 0 { return specification.betweenTerms[column - 1].label }
        return randomEffectName(r)
    }

    /// sum over patients of (1, z_i)(1, z_i)', (B + 1) x (B + 1), column-major.
    var betweenCrossProducts: [Double] {
        let k = betweenCount + 1
        var s = [Double](repeating: 0, count: k * k)
        for p in 0..<patientCount {
            for a in 0..<k {
                let za = a == 0 ? 1 : between[p * betweenCount + a - 1]
                for b in 0..<k { s[a + b * k] += za * (b == 0 ? 1 : between[p * betweenCount + b - 1]) }
            }
        }
        return s
    }

    init(panel: LaggedPanel, specification spec: DSEMSpecification) throws {
        specification = spec
        let latent = spec.initialCondition == .latent
        guard !spec.autoregressiveTerms.isEmpty else {
            throw DSEMInputError("the model has no lag of '\(spec.outcome)' (a DSEM needs the autoregression)")
        }
        let y = panel.values(of: spec.outcome)
        let arTerms = spec.withinTerms.indices.filter { spec.withinTerms[$0].variable.name == spec.outcome }
        let covTerms = spec.withinTerms.indices.filter { spec.withinTerms[$0].variable.name != spec.outcome }
        lags = arTerms.map { spec.withinTerms[$0].variable.lag }
        guard lags.allSatisfy({ $0 >= 1 }) else { throw DSEMInputError("'\(spec.outcome)' at lag 0 cannot be a predictor of itself") }
        maximumLag = lags.max()!
        presampleCount = latent ? maximumLag : 0
        covariateCount = covTerms.count
        let covariateValues = covTerms.map { w -> [Double] in
            let name = spec.withinTerms[w].variable.name
            return name == panel.sessionColumn ? [] : panel.values(of: name)
        }

        // Slots.
        var randomSlot = 1, fixedSlot = 0
        var randomOfTerm = [Int](repeating: -1, count: spec.withinTerms.count)
        var fixedOfTerm = [Int](repeating: -1, count: spec.withinTerms.count)
        var randomSlotTerm = [-1], fixedSlotTerm = [Int]()
        for (w, term) in spec.withinTerms.enumerated() {
            if term.random {
                randomOfTerm[w] = randomSlot
                randomSlot += 1
                randomSlotTerm.append(w)
            } else {
                fixedOfTerm[w] = fixedSlot
                fixedSlot += 1
                fixedSlotTerm.append(w)
            }
        }
        logVarianceSlot = spec.randomResidualVariance ? randomSlot : nil
        randomEffectCount = randomSlot + (spec.randomResidualVariance ? 1 : 0)
        if spec.randomResidualVariance { randomSlotTerm.append(-1) }
        self.randomSlotTerm = randomSlotTerm
        self.fixedSlotTerm = fixedSlotTerm
        fixedCount = fixedSlot
        autoregressiveRandomSlot = arTerms.map { randomOfTerm[$0] }
        autoregressiveFixedSlot = arTerms.map { fixedOfTerm[$0] }
        covariateRandomSlot = covTerms.map { randomOfTerm[$0] }
        covariateFixedSlot = covTerms.map { fixedOfTerm[$0] }
        betweenCount = spec.betweenTerms.count
        betweenCoefficientCount = 1 + betweenCount + (randomEffectCount - 1)

        // Between covariates per panel patient (NaN: missing).
        var betweenByPanelPatient = [[Double]]()
        for term in spec.betweenTerms {
            if term.patientMean {
                let x = panel.values(of: term.column)
                betweenByPanelPatient.append((0..<panel.patientCount).map { p in
                    var sum = 0.0, count = 0.0
                    for c in panel.cells(ofPatient: p) where !x[c].isNaN { sum += x[c]; count += 1 }
                    return count > 0 ? sum / count : .nan
                })
            } else if let level = term.level {
                let labels = try DSEMSpecification.patientLevelLabels(of: term.column, in: panel)
                betweenByPanelPatient.append(labels.map { $0.map { $0 == level ? 1 : 0 } ?? .nan })
            } else {
                betweenByPanelPatient.append(try panel.personConstant(term.column))
            }
        }

        var kept = [Int](), ids = [String](), dropped = [(id: String, reason: String)]()
        var starts = [0], firsts = [Int](), outcome = [Double](), missing = [Bool](), equation = [Bool]()
        var covariates = [Double](), between = [Double](), means = [Double]()
        var equations = 0, observed = 0, missingCount = 0
        var withinSum = 0.0, withinCount = 0
        for p in 0..<panel.patientCount {
            let cells = panel.cells(ofPatient: p)
            guard let first = cells.first(where: { !y[$0].isNaN }), let last = cells.last(where: { !y[$0].isNaN }) else {
                dropped.append((panel.patientIDs[p], "no observed '\(spec.outcome)'"))
                continue
            }
            if let b = betweenByPanelPatient.firstIndex(where: { $0[p].isNaN }) {
                let term = spec.betweenTerms[b]
                dropped.append((panel.patientIDs[p], term.patientMean ? "no observed '\(term.column)' for \(term.label)" : "missing '\(term.column)'"))
                continue
            }
            kept.append(p)
            ids.append(panel.patientIDs[p])
            firsts.append(panel.session(ofCell: first, patient: p))
            for b in 0..<betweenCount { between.append(betweenByPanelPatient[b][p]) }
            var sum = 0.0, count = 0
            for c in first...last {
                let t = c - first
                let value = y[c]
                outcome.append(value)
                missing.append(value.isNaN)
                if value.isNaN { missingCount += 1 } else { observed += 1; sum += value; count += 1 }
                var row = [Double](repeating: 0, count: covTerms.count)
                var known = latent || t >= maximumLag
                for (j, w) in covTerms.enumerated() where known {
                    let k = spec.withinTerms[w].variable.lag
                    if covariateValues[j].isEmpty {
                        row[j] = Double(panel.session(ofCell: c, patient: p) - k)
                    } else if c - k < cells.lowerBound {
                        if latent { row[j] = 0 } else { known = false }
                    } else {
                        let x = covariateValues[j][c - k]
                        if x.isNaN { known = false } else { row[j] = x }
                    }
                }
                equation.append(known)
                if known { equations += 1 } else { row = [Double](repeating: 0, count: covTerms.count) }
                covariates += row
            }
            let mean = sum / Double(count)
            means.append(mean)
            for c in first...last where !y[c].isNaN {
                withinSum += (y[c] - mean) * (y[c] - mean)
            }
            withinCount += count - 1
            starts.append(outcome.count)
        }
        panelPatient = kept
        patientIDs = ids
        droppedPatients = dropped
        cellStart = starts
        firstSession = firsts
        self.outcome = outcome
        self.missing = missing
        hasEquation = equation
        self.covariates = covariates
        self.between = between
        equationCount = equations
        observedCount = observed
        self.missingCount = missingCount
        patientMeans = means

        // What the data must support.
        let patients = kept.count
        let r = randomEffectCount
        guard patients > 0 else { throw DSEMInputError("no patient has an observed '\(spec.outcome)'") }
        guard equations > 0 else { throw DSEMInputError("no session has all the model's variables (an equation needs the lagged values and covariates)") }
        let observedValues = outcome.filter { !$0.isNaN }
        if let value = observedValues.first, observedValues.allSatisfy({ $0 == value }) {
            throw DSEMInputError("'\(spec.outcome)' is \(FormulaFormatting.number(value)) at every observed session, so there is no variation to model")
        }
        let lag = maximumLag
        guard (0..<patients).contains(where: { starts[$0 + 1] - starts[$0] > lag }) else {
            throw DSEMInputError("no patient has more than \(lag) session\(lag == 1 ? "" : "s") from its first to its last observed '\(spec.outcome)', so the autoregression cannot be estimated")
        }
        if spec.uncorrelatedRandomEffects {
            let shape = spec.priors.randomEffectVariance.shape + Double(patients) / 2
            guard shape > 0 else {
                throw DSEMInputError("\(patients) patients are too few to estimate the random-effect variances with the prior \(spec.priors.randomEffectVariance)")
            }
        } else {
            let prior = spec.priors.randomEffects
            let nu0 = prior?.degreesOfFreedom ?? Double(-r - 1)
            // The posterior IW(Psi0 + sum u u', nu0 + P) needs nu0 + P > r - 1, and with a zero
            // scale (Mplus's default) sum u u' positive definite, so P >= r.
            var minimum = Int((Double(r - 1) - nu0).rounded(.down)) + 1
            if (prior?.scale ?? 0) <= 0 { minimum = max(minimum, r) }
            guard patients >= minimum else {
                throw DSEMInputError("\(patients) patients with '\(spec.outcome)' are too few for the \(r) x \(r) covariance matrix of the random effects (at least \(minimum) with the prior \(prior.map { "\($0)" } ?? "IW(0, -\(r + 1))"))")
            }
        }
        for (j, w) in covTerms.enumerated() {
            var first = Double.nan, varies = false
            for c in 0..<outcome.count where equation[c] {
                let x = covariates[c * covTerms.count + j]
                if first.isNaN { first = x } else if x != first { varies = true; break }
            }
            guard varies else {
                throw DSEMInputError("\(spec.withinTerms[w].variable.term) is \(first.isNaN ? "missing" : FormulaFormatting.number(first)) in every equation, so its coefficient cannot be estimated")
            }
        }
        for (b, term) in spec.betweenTerms.enumerated() {
            let count = spec.betweenTerms.count
            let values = (0..<patients).map { between[$0 * count + b] }
            guard Set(values).count > 1 else {
                throw DSEMInputError("\(term.label) is the same for every patient, so its coefficient cannot be estimated")
            }
        }

        fixedPriors = fixedSlotTerm.map { spec.priors.coefficients[spec.withinTerms[$0].variable.term] }
        var priors = [DSEMPriors.NormalPrior?]()
        for a in 0..<betweenCoefficientCount {
            let target = a <= betweenCount ? (0, a) : (a - betweenCount, 0)
            let name: String
            if target.0 == 0 && target.1 > 0 { name = spec.betweenTerms[target.1 - 1].label }
            else if target.0 == 0 { name = "(Intercept)" }
            else if target.0 == logVarianceSlot { name = Self.logVarianceName }
            else { name = spec.withinTerms[randomSlotTerm[target.0]].variable.term }
            priors.append(spec.priors.coefficients[name])
        }
        betweenPriors = priors
        withinVariance = withinCount > 0 && withinSum > 0 ? withinSum / Double(withinCount) : 1
        let grand = means.reduce(0, +) / Double(patients)
        let spread = means.map { ($0 - grand) * ($0 - grand) }.reduce(0, +) / Double(max(1, patients - 1))
        betweenVariance = spread > 0 ? spread : withinVariance
    }
}

/// Numbers in messages, as R prints them.
enum FormulaFormatting {
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
