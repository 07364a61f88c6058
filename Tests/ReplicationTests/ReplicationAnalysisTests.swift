import Foundation
import MixedModels
import Ruptures
import SessionData
import Tabular
import Testing
@testable import Replication

/// The numbers of the replication against direct calls of the modules on variables built by
/// hand (`SessionFixture`): every model is refitted here with `LinearMixedModel` on a table
/// whose lead, centring and detrending were computed without the transforms under test.
@Suite struct ReplicationAnalysisTests {
    static let fixture = SessionFixture()
    static let scales = ["alliance_patient": RatingScale(minimum: 1, maximum: 7, reliability: 0.85),
                         "alliance_therapist": RatingScale(minimum: 1, maximum: 7, reliability: 0.85),
                         "distress": RatingScale(minimum: 0, maximum: 40, higherIsBetter: false)]
    /// The DSEM and ML-SEM of step 5 with fewer kept draws than `alliance replicate`'s default (the
    /// tests compare them with direct fits of the same seed, not with a precision).
    static let dynamic: DynamicModelSettings = {
        var s = DynamicModelSettings()
        s.iterations = 300
        s.seed = 11
        return s
    }()
    static let analysis: ReplicationAnalysis = try! ReplicationAnalysis(panel: try! fixture.panel(scales: scales), dynamic: dynamic)

    /// Relative agreement to `tolerance` (absolute near zero).
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-7) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    /// The indicators of `criterion` for both raters, as 1/0/NaN per row.
    func indicators(_ criterion: RuptureCriterion, panel: Panel) throws -> [String: [Double]] {
        var out = [String: [Double]]()
        for rater in Rater.allianceRaters(in: panel) {
            let r = try RuptureDetector(criterion: criterion).detect(in: panel, rater: rater)
            out["rupture_\(rater.name)"] = r.ruptureIndicator.map { $0 < 0 ? .nan : Double($0) }
            out["repair_\(rater.name)"] = r.repairIndicator.map { $0 < 0 ? .nan : Double($0) }
        }
        return out
    }

    func expectSameFixedEffects(_ fit: LinearMixedModelFit?, _ direct: LinearMixedModelFit) {
        guard let fit else { Issue.record("model not fitted"); return }
        #expect(fit.formula == direct.formula)
        #expect(fit.observationCount == direct.observationCount)
        #expect(fit.fixedEffects.count == direct.fixedEffects.count)
        for (a, b) in zip(fit.fixedEffects, direct.fixedEffects) {
            #expect(a.term == b.term)
            #expect(close(a.estimate, b.estimate), "\(a.term) estimate")
            #expect(close(a.standardError, b.standardError), "\(a.term) SE")
            #expect(close(a.degreesOfFreedom, b.degreesOfFreedom, 1e-5), "\(a.term) df")
            #expect(close(a.p, b.p, 1e-5), "\(a.term) p")
        }
    }

    @Test func panelOrderIsTheFixtureOrder() throws {
        let panel = Self.analysis.panel
        #expect(panel.rowCount == Self.fixture.records.count)
        #expect(panel.sessions.map(Int.init) == Self.fixture.records.map(\.session))
    }

    @Test func sixTherapistsGetFixedEffects() {
        #expect(Self.analysis.therapists.kind == .fixedEffects)
        #expect(Self.analysis.therapists.therapists == 6)
        #expect(Self.analysis.therapists.reason.contains("6 therapists are too few"))
    }

    @Test func laggedModelsEqualDirectFitsOnHandBuiltVariables() throws {
        let panel = Self.analysis.panel
        let table = try Self.fixture.table(indicators: indicators(.drop, panel: panel))
        let formulas: [LaggedModel.Raters: String] = [
            .patient: "distress_next ~ rupture_patient + repair_patient + distress_within + session + factor(therapist) + (1 | patient)",
            .therapist: "distress_next ~ rupture_therapist + repair_therapist + distress_within + session + factor(therapist) + (1 | patient)",
            .both: "distress_next ~ rupture_patient + repair_patient + rupture_therapist + repair_therapist + distress_within + session + factor(therapist) + (1 | patient)",
        ]
        for (raters, formula) in formulas {
            let direct = try LinearMixedModel(formula: formula, data: table).fit()
            expectSameFixedEffects(Self.analysis.laggedModel(raters).outcome.fit, direct)
        }
    }

    @Test func standardizedEffectIsBOverThePooledWithinPatientSD() throws {
        // s_w by hand: squared deviations from patient means over N - P.
        let within = Self.fixture.distressWithin.filter { !$0.isNaN }
        let patients = Set(Self.fixture.records.filter { !$0.distress.isNaN }.map(\.patient)).count
        let sw = (within.reduce(0) { $0 + $1 * $1 } / Double(within.count - patients)).squareRoot()
        #expect(close(Self.analysis.variables.withinPatientDistressSD!, sw, 1e-12))
        for model in Self.analysis.lagged {
            for effect in model.effects {
                let e = try #require(effect.estimate)
                #expect(close(effect.standardized!, e.estimate / sw, 1e-12))
            }
        }
    }

    @Test func growthModelsEqualDirectFits() throws {
        let table = try Self.fixture.table(indicators: [:])
        for rater in ["patient", "therapist"] {
            let direct = try LinearMixedModel(formula: "alliance_\(rater) ~ session + factor(therapist) + (1 + session | patient)", data: table).fit()
            expectSameFixedEffects(Self.analysis.growthModel(rater)?.outcome.fit, direct)
        }
    }

    @Test func ruptureReportIsTheRupturesCommandReport() throws {
        let panel = Self.analysis.panel
        let direct = try RuptureReport(panel: panel, raters: Rater.allianceRaters(in: panel), criterion: .drop)
        #expect(Self.analysis.ruptures.raters.map(\.patientsWithRupture) == direct.raters.map(\.patientsWithRupture))
        #expect(Self.analysis.ruptures.raters.map(\.ruptures) == direct.raters.map(\.ruptures))
        #expect(Self.analysis.ruptures.raters.map(\.repairs) == direct.raters.map(\.repairs))
    }

    @Test func sensitivityRefitsEachCriterionAndTheDetrendedModel() throws {
        let panel = Self.analysis.panel
        let criteria = SensitivityAnalysis.criteria
        #expect(Self.analysis.sensitivity.rows.map(\.criterion.name) == criteria.map(\.name))
        let direct = try SensitivityAnalysis(panel: panel, raters: Rater.allianceRaters(in: panel))
        for (k, criterion) in criteria.enumerated() {
            let row = Self.analysis.sensitivity.rows[k]
            let marks = try indicators(criterion, panel: panel)
            let table = try Self.fixture.table(indicators: marks)
            for (j, cell) in row.raters.enumerated() {
                #expect(cell.prevalence.prevalence == direct.rows[k].raters[j].prevalence)
                let r = cell.rater
                let observed = try LinearMixedModel(formula: "distress_next ~ rupture_\(r) + repair_\(r) + distress_within + session + factor(therapist) + (1 | patient)", data: table).fit()
                let detrended = try LinearMixedModel(formula: "distress_next_detrended ~ rupture_\(r) + repair_\(r) + distress_detrended + session + factor(therapist) + (1 | patient)", data: table).fit()
                expectSameFixedEffects(cell.observed.outcome.fit, observed)
                expectSameFixedEffects(cell.detrended.outcome.fit, detrended)
            }
        }
    }

    @Test func chosenCriterionRowOfTheSensitivityMatchesTheMainModels() {
        let drop = Self.analysis.sensitivity.rows.first { $0.criterion.name == "drop" }!
        for cell in drop.raters {
            let main = Self.analysis.laggedModel(LaggedModel.Raters(rawValue: cell.rater)!)
            #expect(cell.observed.effect(.rupture, rater: cell.rater)?.estimate?.estimate == main.effect(.rupture, rater: cell.rater)?.estimate?.estimate)
        }
    }

    @Test func alliancePatientTherapistCorrelationByHand() throws {
        // Complete pairs only; between = r of patient means, within = r of deviations.
        let pairs = Self.fixture.records.filter { !$0.alliancePatient.isNaN && !$0.allianceTherapist.isNaN }
        let byPatient = Dictionary(grouping: pairs, by: \.patient)
        var mp = [Double](), mt = [Double](), dp = [Double](), dt = [Double]()
        for rows in byPatient.values {
            let a = rows.map(\.alliancePatient).reduce(0, +) / Double(rows.count)
            let b = rows.map(\.allianceTherapist).reduce(0, +) / Double(rows.count)
            mp.append(a); mt.append(b)
            if rows.count >= 2 { for r in rows { dp.append(r.alliancePatient - a); dt.append(r.allianceTherapist - b) } }
        }
        func r(_ x: [Double], _ y: [Double]) -> Double {
            let n = Double(x.count), xm = x.reduce(0, +) / n, ym = y.reduce(0, +) / n
            let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - xm) * ($1.1 - ym) }
            return sxy / (x.reduce(0) { $0 + ($1 - xm) * ($1 - xm) } * y.reduce(0) { $0 + ($1 - ym) * ($1 - ym) }).squareRoot()
        }
        let c = try #require(Self.analysis.correlation)
        #expect(c.patients == byPatient.count && c.sessions == dp.count)
        #expect(close(c.between!, r(mp, mt), 1e-12))
        #expect(close(c.within!, r(dp, dt), 1e-12))
    }

    @Test func iccsAreThoseOfTheEmptyModelsUnderTheTherapistRule() throws {
        let panel = Self.analysis.panel
        // replicate: 6 therapists are fixed effects, in the ICC models as in the others.
        #expect(Self.analysis.therapists.kind == .fixedEffects)
        for icc in Self.analysis.iccs {
            let fit = try LinearMixedModel(formula: "\(icc.rating) ~ 1 + factor(therapist) + (1 | patient)", data: panel.table).fit(satterthwaite: false)
            let variances = Dictionary(fit.varianceComponents.map { ($0.group, $0.variance) }, uniquingKeysWith: { a, _ in a })
            #expect(close(icc.patient!, variances["patient"]! / (variances["patient"]! + variances["Residual"]!), 1e-9))
            #expect(icc.therapist == nil)
        }
        // describe (no rule): the empty three-level model.
        for rating in panel.ratingColumns {
            let icc = RatingIntraclassCorrelations(panel: panel, rating: rating)
            let fit = try LinearMixedModel(formula: "\(rating) ~ 1 + (1 | therapist/patient)", data: panel.table).fit(satterthwaite: false)
            let variances = Dictionary(fit.varianceComponents.map { ($0.group, $0.variance) }, uniquingKeysWith: { a, _ in a })
            let total = variances.values.reduce(0, +)
            #expect(close(icc.patient!, variances["patient:therapist"]! / total, 1e-9))
            #expect(close(icc.therapist!, variances["therapist"]! / total, 1e-9))
        }
    }

    @Test func publishedComparisonJudgesByTheStatedRules() throws {
        let a = Self.analysis
        // The DSEM and ML-SEM rows: DynamicLaggedModelTests.
        let byTheStudysEstimators = a.published.comparisons.filter {
            [PublishedFindings.proportionEstimator, PublishedFindings.growthEstimator, LaggedEstimates.multilevelName].contains($0.estimator)
        }
        for c in byTheStudysEstimators {
            switch c.published {
            case .proportion(let p):
                let rater = c.finding.contains("patient-rated") ? "patient" : "therapist"
                let summary = a.ruptures.raters.first { $0.rater == rater }!
                #expect(c.proportion == summary.prevalence)
                #expect(c.holds == (summary.prevalenceCI!.lower <= p && p <= summary.prevalenceCI!.upper))
            case .significant(let direction):
                let e = try #require(c.effect)
                #expect(c.holds == (e.p < 0.05 && (e.estimate > 0 ? 1 : -1) == direction))
            case .notSignificant:
                let e = try #require(c.effect)
                #expect(c.holds == (e.p >= 0.05))
            }
        }
        // The published figures themselves: 52% and 73%, growth up, patient-rated ruptures up,
        // therapist-rated ruptures n.s., repairs down.
        #expect(byTheStudysEstimators.map(\.published) == [
            .proportion(0.52), .proportion(0.73), .significant(direction: 1), .significant(direction: 1),
            .significant(direction: 1), .notSignificant, .significant(direction: -1), .significant(direction: -1),
        ])
        let growth = a.published.comparisons[2]
        #expect(growth.effect?.estimate == a.growthModel("patient")?.slope?.estimate)
    }
}
