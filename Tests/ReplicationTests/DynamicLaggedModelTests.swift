import DSEM
import DynamicModels
import Reports
import Foundation
import Ruptures
import SEM
import SessionData
import Tabular
import Testing
@testable import Replication

/// Step 5 by DSEM and ML-SEM against the engines called directly on data built here: the
/// fixture's rows with the rupture and repair indicators of the chosen criterion added as plain
/// columns (no derived variable of the replication), the formulas written out by hand. The same
/// seed and iterations must give the same draws, so the replication's numbers equal the direct
/// fits' exactly; the tables, the published comparison and the figure must carry them.
@Suite struct DynamicLaggedModelTests {
    static let analysis = ReplicationAnalysisTests.analysis
    static let settings = ReplicationAnalysisTests.dynamic

    /// The fixture as a CSV with the drop criterion's indicators of both raters (NA = not judged).
    func annotatedPanel() throws -> Panel {
        let fixture = ReplicationAnalysisTests.fixture
        let panel = Self.analysis.panel
        var columns = [(String, [Int8])]()
        for rater in Rater.allianceRaters(in: panel) {
            let r = try RuptureDetector(criterion: .drop).detect(in: panel, rater: rater)
            columns += [("rupture_\(rater.name)", r.ruptureIndicator), ("repair_\(rater.name)", r.repairIndicator)]
        }
        var lines = fixture.csv().split(separator: "\n").map(String.init)
        lines[0] += "," + columns.map(\.0).joined(separator: ",")
        for k in 1..<lines.count {
            lines[k] += "," + columns.map { $0.1[k - 1] < 0 ? "NA" : "\($0.1[k - 1])" }.joined(separator: ",")
        }
        let table = try DelimitedTextReader().read(text: lines.joined(separator: "\n") + "\n", source: "annotated.csv")
        return try Panel(file: SessionFile(table: table), scales: ReplicationAnalysisTests.scales)
    }

    @Test func dsemRowsAreTheDirectDSEMFitsWithTheSameSeed() throws {
        let panel = try annotatedPanel()
        let estimates = try #require(Self.analysis.laggedEstimates.first { $0.name == LaggedEstimates.dsemName })
        let sd = try #require(Self.analysis.variables.withinPatientDistressSD)
        for rater in ["patient", "therapist"] {
            let formula = "distress ~ lag(distress) + lag(rupture_\(rater)) + lag(repair_\(rater)) + session + factor(therapist) + (1 + lag(distress) | patient)"
            let lagged = try LaggedPanel(panel: panel, variables: ["distress", "rupture_\(rater)", "repair_\(rater)"])
            var sampler = SamplerSettings()
            sampler.seed = Self.settings.seed
            sampler.iterations = Self.settings.iterations
            sampler.threads = 1
            let direct = try DSEM.fit(lagged, specification: DSEMSpecification(formula: DSEMFormula(formula), panel: lagged), settings: sampler)
            let model = try #require(Self.analysis.dsemModel(rater))
            #expect(model.formula == formula)
            for event in LaggedEffect.Event.allCases {
                let s = try #require(direct.fixedEffect("lag(\(event.rawValue)_\(rater))")).summary
                let e = try #require(estimates.effect(event, rater: rater))
                #expect(e.estimate == s.median && e.lower == s.lower && e.upper == s.upper, "\(rater) \(event)")
                #expect(e.p == min(1, 2 * s.p) && e.standardized == s.median / sd, "\(rater) \(event)")
            }
            #expect(estimates.autoregressions[rater] == direct.fixedEffect("lag(distress)")?.summary.median)
            #expect(direct.iterations.kept == Self.settings.iterations && direct.iterations.chains == 2 && direct.iterations.seed == Self.settings.seed)
        }
    }

    @Test func mlsemRowsAreTheDirectFitsOrSayWhyNot() throws {
        let panel = try annotatedPanel()
        let estimates = try #require(Self.analysis.laggedEstimates.first { $0.name == LaggedEstimates.mlsemName })
        for rater in ["patient", "therapist"] {
            let lagged = try LaggedPanel(panel: panel, variables: ["distress", "rupture_\(rater)", "repair_\(rater)"])
            var options = MLSEMOptions()
            options.sessions = 3...12
            options.fitIndices = false
            let direct = Result { try MLSEM(formula: "distress ~ pre(lag(rupture_\(rater))) + pre(lag(repair_\(rater)))", options: options).fit(lagged) }
            for event in LaggedEffect.Event.allCases {
                let e = try #require(estimates.effect(event, rater: rater))
                switch direct {
                case .success(let fit):
                    let c = try #require(fit.coefficients.first { $0.term == "lag(\(event.rawValue)_\(rater))" })
                    #expect(e.estimate == c.estimate && e.lower == c.ciLower && e.upper == c.ciUpper && e.p == c.p, "\(rater) \(event)")
                case .failure(let error):
                    // A fit that fails leaves the effect without a number, with the engine's reason.
                    #expect(e.estimate == nil && e.lower == nil && e.p == nil, "\(rater) \(event)")
                    let reason = try #require(e.unavailable)
                    #expect(reason.hasPrefix("could not be fitted: ") && reason.contains(String("\(error)".prefix(30))), "\(reason)")
                }
            }
        }
        // The fixture's patient-rated repairs never happen at session 4, so that model cannot be fitted: its rows say so.
        #expect(Self.analysis.mlsemModel("patient")?.fit == nil)
        let byEstimator = ReplicationTables.laggedByEstimator(Self.analysis)
        #expect(byEstimator.notes.contains { $0.hasPrefix("ML-SEM, fixed effects, Patient-rated: not estimated: could not be fitted: 'repair_patient' at session 4 has no variance") })
        #expect(!byEstimator.rendered(as: .markdown).contains("nan"))
    }

    @Test func tablesAndPublishedFindingsNameEachEstimator() throws {
        let a = Self.analysis
        #expect(a.laggedEstimates.map(\.name) == [LaggedEstimates.multilevelName, LaggedEstimates.dsemName, LaggedEstimates.mlsemName])
        // Every lagged finding is judged once per estimator, in that order, by the stated rules.
        let lagged = a.published.comparisons.filter { $0.finding.contains("distress at t + 1") }
        #expect(lagged.count == 12)
        for (k, c) in lagged.enumerated() {
            let estimator = a.laggedEstimates[k % 3]
            #expect(c.estimator == estimator.name)
            let rater = c.finding.hasPrefix("Patient") ? "patient" : "therapist"
            let event: LaggedEffect.Event = c.finding.contains("rupture") ? .rupture : .repair
            let e = try #require(estimator.effect(event, rater: rater))
            if let b = e.estimate, let p = e.p {
                #expect(c.effect?.estimate == b && c.effect?.p == p && c.effect?.lower == e.lower)
                switch c.published {
                case .significant(let direction): #expect(c.holds == (p < 0.05 && (b > 0 ? 1 : -1) == direction))
                case .notSignificant: #expect(c.holds == (p >= 0.05))
                case .proportion: Issue.record("a lagged finding as a proportion")
                }
            } else {
                #expect(c.holds == nil && c.effect == nil && c.unavailable != nil)
            }
            // The equivalence test is the multilevel model's only.
            #expect((c.equivalence != nil) == (k % 3 == 0 && c.published == .notSignificant))
        }
        let published = ReplicationTables.published(a)
        #expect(published.columns.map(\.header) == ["Finding", "Estimator", "Published", "This dataset", "95% interval", "p", "Consistent here"])
        let dsemRows = published.rows.filter { if case .cells(let c) = $0 { return c[1] == .text(LaggedEstimates.dsemName) } else { return false } }
        #expect(dsemRows.count == 4)

        // Why the estimates differ, with each estimator's autoregression of the patient-rated model (the first with the most).
        let why = try #require(ReplicationTables.laggedByEstimator(a).notes.first)
        #expect(why.hasPrefix("Why the estimates differ:") && why.contains("Nickell's bias"))
        let rho = try #require(a.laggedModel(.patient).outcome.effect("distress_within")).estimate
        let t = try #require(a.sample.sessionsPerPatient.mean)
        #expect(why.contains("(Nickell's bias, by about (1 + ρ)/(T − 1) = \(CellFormatting.fixed((1 + rho) / (t - 1), decimals: 2)) with T = \(CellFormatting.fixed(t, decimals: 1)) sessions per patient)"))
        let rater = ["patient", "therapist"].max { r, s in
            a.laggedEstimates.filter { $0.autoregressions[r] != nil }.count < a.laggedEstimates.filter { $0.autoregressions[s] != nil }.count
        }!
        let multilevel = try #require(a.laggedModel(rater == "patient" ? .patient : .therapist).outcome.effect("distress_within")).estimate
        let dsem = try #require(a.dsemModel(rater)?.fit?.fixedEffect("lag(distress)")).summary.median
        #expect(why.contains("in the \(rater)-rated models: Multilevel model, observed centring \(CellFormatting.fixed(multilevel, decimals: 2)); DSEM, latent centring \(CellFormatting.fixed(dsem, decimals: 2))"))

        // The DSEM table is `alliance dsem`'s, a section per rater; the ML-SEM's has a row per coefficient or says "Not fitted".
        let report = ReplicationReport(analysis: a)
        let dsemTable = try #require(report.tables.first { $0.name == "lagged-dsem" })
        #expect(dsemTable.columns.map(\.header) == ["Parameter", "Estimate", "Posterior SD", "One-tailed p", "95% CI", "Sig.", "PSR", "ESS"])
        let rupture = try #require(a.dsemModel("patient")?.fit?.fixedEffect("lag(rupture_patient)")).summary
        #expect(dsemTable.rendered(as: .csv).contains("lag(rupture_patient),\(rupture.median),"))
        let mlsemText = try #require(report.tables.first { $0.name == "lagged-mlsem" }).rendered(as: .text)
        #expect(mlsemText.contains("Not fitted"))
    }

    @Test func theFigureShowsEachEstimatorInTheChosenCriterionsRow() throws {
        let a = Self.analysis
        let plot = try #require(ReplicationFigures.laggedEffects(a))
        let chosen = try #require(a.sensitivity.rows.firstIndex { $0.criterion == a.criterion })
        for panel in plot.panels {
            let dsem = try #require(panel.series.first { $0.name == "\(LaggedEstimates.dsemName) (\(a.criterion.name))" })
            #expect(dsem.estimates.indices.filter { dsem.estimates[$0] != nil } == [chosen])
        }
        let rupture = try #require(a.laggedEstimates[1].effect(.rupture, rater: "patient"))
        let point = try #require(plot.panels[0].series.first { $0.name.hasPrefix("DSEM") }?.estimates[chosen])
        #expect(point.value == rupture.estimate && point.lower == rupture.lower && point.upper == rupture.upper)
    }

    @Test func withoutTheDynamicStepTheReportSaysSo() throws {
        let a = try ReplicationAnalysis(panel: ReplicationAnalysisTests.fixture.panel(scales: ReplicationAnalysisTests.scales), dynamic: nil)
        #expect(a.laggedEstimates.count == 1 && a.dsem.isEmpty && a.mlsem.isEmpty)
        let report = ReplicationReport(analysis: a)
        #expect(!report.tables.contains { $0.name == "lagged-dsem" || $0.name == "lagged-mlsem" })
        #expect(ReplicationTables.laggedByEstimator(a).notes.contains { $0.contains("were not run (alliance replicate --no-dynamic)") })
        #expect(!a.published.comparisons.contains { $0.estimator == LaggedEstimates.dsemName })
        #expect(ReplicationSources.of(a) == ReplicationSources.all)
        // The multilevel numbers do not depend on the step.
        #expect(a.laggedEstimates[0].effect(.rupture, rater: "patient")?.estimate == Self.analysis.laggedEstimates[0].effect(.rupture, rater: "patient")?.estimate)
    }
}
