import DynamicModels
import MixedModels
import SessionData
import Tabular
import Testing
@testable import DSEM

/// The DSEM formula (lme4's language with lag()) and how its terms land on the two levels.
@Suite struct FormulaTests {
    @Test func termsAndRandomPart() throws {
        let f = try DSEMFormula("distress ~ lag(distress) + lag(rupture) + lag(repair) + session + factor(therapist) + (1 + lag(distress) | patient)")
        #expect(f.outcome == "distress" && f.group == "patient" && !f.uncorrelated)
        #expect(f.terms.map(\.label) == ["lag(distress)", "lag(rupture)", "lag(repair)", "session", "factor(therapist)"])
        #expect(f.randomSlopes == [LaggedVariable(name: "distress", lag: 1)])
        #expect(f.autoregressiveLags == [1])
        #expect(f.columns == ["distress", "rupture", "repair", "session", "therapist"])
        let g = try DSEMFormula("y ~ 1 + lag(y) + lag(y, 2) + (1 + lag(y) || id)")
        #expect(g.autoregressiveLags == [1, 2] && g.uncorrelated && g.group == "id")
    }

    /// The bad formulas of issue #12, each one line naming the problem.
    @Test(arguments: [
        ("y ~ x + (1 | patient)", "needs the lagged outcome"),
        ("y ~ lag(y) + (1 + x | patient)", "needs the same term in the fixed part"),
        ("y ~ lag(y)", "the random part is missing"),
        ("y ~ lag(y) + (1 | patient) + (1 | therapist)", "one random-effects term"),
        ("y ~ lag(y) + (0 + lag(y) | patient)", "must keep the intercept"),
        ("y ~ 0 + lag(y) + (1 | patient)", "always has an intercept"),
        ("y ~ lag(y) * x + (1 | patient)", "interactions are not supported"),
        ("y ~ y + (1 | patient)", "cannot predict itself"),
        ("y ~ lag(y) + lag(x, 11) + (1 | patient)", "whole number of sessions"),
        ("y ~ lag(y) + log(x) + (1 | patient)", "is not a term DSEM reads"),
        ("y ~ lag(y) + lag(y) + (1 | patient)", "appears twice"),
        ("y ~ lag(y) + mean(y) + (1 | patient)", "is its latent mean"),
        ("y ~ lag(y) + mean(x, 2) + (1 | patient)", "mean() takes one column"),
        ("y ~ lag(y) + mean(x) + (1 + mean(x) | patient)", "cannot have a random effect"),
        ("y ~ lag(y) + factor(g) + (1 + factor(g) | patient)", "cannot have a random effect"),
    ]) func badFormulas(_ formula: String, _ message: String) {
        do {
            _ = try DSEMFormula(formula)
            Issue.record("'\(formula)' was accepted")
        } catch let error as FormulaError {
            #expect(error.message.contains(message), "\(error.message)")
            #expect(!error.message.contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    static let csv = """
    patient,therapist,session,y,x,age
    A,T2,1,10,0,30
    A,T2,2,12,1,30
    A,T2,4,11,0,30
    B,T1,1,20,0,41
    B,T1,2,18,0,41
    B,T1,3,19,1,41
    C,T2,1,15,1,25
    C,T2,2,,0,25
    C,T2,3,16,0,25
    """

    static func lagged(_ formula: DSEMFormula, csv: String = csv) throws -> LaggedPanel {
        let panel = try Panel(file: SessionFile(table: try DelimitedTextReader().read(text: csv, source: "t.csv")))
        return try LaggedPanel(panel: panel, variables: formula.columns.filter { $0 != panel.column(for: .therapist) })
    }

    /// A column constant within every patient is between-level; factor() of the therapist becomes
    /// R's treatment dummies; session and lagged columns stay within.
    @Test func levelsOfTerms() throws {
        let f = try DSEMFormula("y ~ lag(y) + x + age + session + factor(therapist) + (1 | patient)")
        let spec = try DSEMSpecification(formula: f, panel: try Self.lagged(f))
        #expect(spec.withinTerms.map(\.variable.term) == ["lag(y)", "x", "session"])
        #expect(spec.betweenTerms.map(\.label) == ["age", "factor(therapist)T2"])
        let random = try DSEMFormula("y ~ lag(y) + age + (1 + age | patient)")
        #expect(throws: DSEMInputError.self) { try DSEMSpecification(formula: random, panel: try Self.lagged(random)) }
        let varying = try DSEMFormula("y ~ lag(y) + factor(x) + (1 | patient)")
        #expect(throws: DSEMInputError.self) { try DSEMSpecification(formula: varying, panel: try Self.lagged(varying)) }
    }

    /// `||` in the formula makes the random effects of the specification independent: the fit
    /// reports their variances and no covariances.
    @Test func uncorrelatedRandomEffects() throws {
        let f = try DSEMFormula("y ~ lag(y) + lag(x) + (1 + lag(y) || patient)")
        let spec = try DSEMSpecification(formula: f, panel: try Self.lagged(f))
        #expect(spec.uncorrelatedRandomEffects)
        let g = try DSEMFormula("y ~ lag(y) + lag(x) + (1 + lag(y) | patient)")
        #expect(try !DSEMSpecification(formula: g, panel: try Self.lagged(g)).uncorrelatedRandomEffects)
        var process = AutoregressiveProcess()
        process.patients = 20
        process.covariateRate = 0.3
        var settings = SamplerSettings()
        settings.burnIn = 50
        settings.iterations = 50
        let fit = try Fixtures.fit("y ~ lag(y) + lag(x) + (1 + lag(y) || patient)", to: try process.sample(seed: 3), settings: settings)
        #expect(fit.random.map { $0.var2 == nil } == [true, true, true])
        #expect(fit.priors.contains("random-effect variances ~ IG(-1, 0)"))
    }

    /// mean(x) is the patient's mean of x over its observed values (A: 1/3, B: 1/3, C: 1/3 of the
    /// sessions with x = 1; here made to differ), a between-level covariate; a patient without an
    /// observed x is left out. The identifier columns are not covariates.
    @Test func patientMeans() throws {
        let csv = Self.csv.replacingOccurrences(of: "B,T1,2,18,0,41", with: "B,T1,2,18,1,41")
            .replacingOccurrences(of: "C,T2,1,15,1,25", with: "C,T2,1,15,,25")
        let f = try DSEMFormula("y ~ lag(y) + mean(x) + (1 | patient)")
        let lagged = try Self.lagged(f, csv: csv)
        let spec = try DSEMSpecification(formula: f, panel: lagged)
        #expect(spec.betweenTerms == [DSEMSpecification.BetweenTerm(column: "x", patientMean: true)])
        #expect(spec.betweenTerms[0].label == "mean(x)" && spec.withinTerms.map(\.variable.term) == ["lag(y)"])
        let data = try ModelData(panel: lagged, specification: spec)
        // A: x = 0, 1, (missed session), 0 -> 1/3; B: 0, 1, 1 -> 2/3; C: (missing), 0, 0 -> 0.
        #expect(data.between == [1.0 / 3, 2.0 / 3, 0])
        let none = csv.replacingOccurrences(of: "C,T2,2,,0,25", with: "C,T2,2,,,25").replacingOccurrences(of: "C,T2,3,16,0,25", with: "C,T2,3,16,,25")
        var proper = spec
        proper.priors.randomEffects = DSEMPriors.InverseWishartPrior(scale: 1, degreesOfFreedom: 1)
        let dropped = try ModelData(panel: try Self.lagged(f, csv: none), specification: proper)
        #expect(dropped.patientIDs == ["A", "B"] && dropped.droppedPatients.map(\.reason) == ["no observed 'x' for mean(x)"])
        for bad in ["y ~ lag(y) + therapist + (1 | patient)", "y ~ lag(y) + lag(therapist) + (1 | patient)",
                    "y ~ lag(y) + mean(session) + (1 | patient)"] {
            let b = try DSEMFormula(bad)
            #expect(throws: DSEMInputError.self, "\(bad)") { try DSEMSpecification(formula: b, panel: try Self.lagged(b)) }
        }
    }

    /// Cells by session number: patient A's missed session 3 is a missing outcome, C's missing
    /// rating too; lag(x) before the first session is 0 under the latent initial condition.
    @Test func cellsAndEquations() throws {
        let f = try DSEMFormula("y ~ lag(y) + lag(x) + (1 | patient)")
        let lagged = try Self.lagged(f)
        let spec = try DSEMSpecification(formula: f, panel: lagged)
        let data = try ModelData(panel: lagged, specification: spec)
        #expect(data.cellStart == [0, 4, 7, 10])
        #expect(data.missing == [false, false, true, false, false, false, false, false, true, false])
        // A's session 4 follows the missed session 3, whose x is missing: no equation.
        #expect(data.hasEquation == [true, true, true, false, true, true, true, true, true, true])
        #expect(data.covariates[0] == 0 && data.covariates[1] == 0 && data.covariates[2] == 1)
        #expect(data.equationCount == 9 && data.observedCount == 8 && data.missingCount == 2)
        var conditional = spec
        conditional.initialCondition = .conditional
        let first = try ModelData(panel: lagged, specification: conditional)
        #expect(first.hasEquation == [false, true, true, false, false, true, true, false, true, true])
        #expect(first.presampleCount == 0)
    }

    @Test func tooFewPatientsForTheCovariance() throws {
        // 3 patients, 2 x 2 covariance: Mplus's IW(0, -3) needs 5.
        let f = try DSEMFormula("y ~ lag(y) + (1 + lag(y) | patient)")
        let lagged = try Self.lagged(f)
        do {
            _ = try ModelData(panel: lagged, specification: try DSEMSpecification(formula: f, panel: lagged))
            Issue.record("accepted")
        } catch let error as DSEMInputError {
            #expect(error.description.contains("3 patients") && error.description.contains("at least 5"), "\(error)")
        }
    }

    @Test func constantCovariateIsRefused() throws {
        let csv = Self.csv.replacingOccurrences(of: ",1,", with: ",0,")
        let f = try DSEMFormula("y ~ lag(y) + lag(x) + (1 | patient)")
        let lagged = try Self.lagged(f, csv: csv)
        #expect(throws: DSEMInputError("lag(x) is 0 in every equation, so its coefficient cannot be estimated")) {
            _ = try ModelData(panel: lagged, specification: try DSEMSpecification(formula: f, panel: lagged))
        }
    }

    @Test func priorSettings() throws {
        var priors = DSEMPriors()
        try priors.apply("lag(y) ~ N(0, 0.25)")
        try priors.apply("residual ~ IG(1, 2)")
        try priors.apply("random ~ IW(1, 4)")
        try priors.apply("initial ~ N(0, 9)")
        #expect(priors.coefficients["lag(y)"] == DSEMPriors.NormalPrior(mean: 0, variance: 0.25))
        #expect(priors.residualVariance == DSEMPriors.InverseGammaPrior(shape: 1, scale: 2))
        #expect(priors.randomEffects == DSEMPriors.InverseWishartPrior(scale: 1, degreesOfFreedom: 4))
        #expect(priors.initialValues?.variance == 9)
        // A term is named as the fit prints it, however it was spaced or whether its lag 1 was written.
        try priors.apply("lag( x, 1 ) ~ N(1, 2)")
        try priors.apply("lag(x,2) ~ N(3, 4)")
        try priors.apply("factor(therapist)T2 ~ N(0, 10)")
        #expect(priors.coefficients["lag(x)"] == DSEMPriors.NormalPrior(mean: 1, variance: 2))
        #expect(priors.coefficients["lag(x, 2)"] == DSEMPriors.NormalPrior(mean: 3, variance: 4))
        #expect(priors.coefficients["factor(therapist)T2"]?.variance == 10)
        for bad in ["lag(y) = N(0, 1)", "residual ~ N(0, 1)", "x ~ N(0)", "x ~ N(0, -1)", "initial ~ N(0, infinity)"] {
            #expect(throws: DSEMInputError.self, "\(bad)") { try priors.apply(bad) }
        }
    }
}
