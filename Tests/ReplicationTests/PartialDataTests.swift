import Foundation
import MixedModels
import Ruptures
import SessionData
import Tabular
import Testing
@testable import Replication

/// Datasets with less than the study had: one rater, no therapists, no distress, many
/// therapists. The steps that cannot run say why; the others still match direct fits.
@Suite struct PartialDataTests {
    static let fixture = SessionFixture(patients: 30, sessions: 10, seed: 11)

    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-7) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func singleRaterRunsThatRatersStepsAndSaysWhyNotTheOthers() throws {
        let a = try ReplicationAnalysis(panel: Self.fixture.panel(without: ["alliance_therapist"]), dynamic: ReplicationAnalysisTests.dynamic)
        #expect(a.correlation == nil)
        #expect(a.growthModel("patient")?.outcome.fit != nil)
        #expect(a.growthModel("therapist")?.outcome.reason == "the data have no therapist-rated alliance (column 'alliance_therapist')")
        #expect(a.laggedModel(.patient).outcome.fit != nil)
        #expect(a.laggedModel(.therapist).outcome.reason == "the data have no therapist-rated alliance (column 'alliance_therapist')")
        #expect(a.laggedModel(.both).outcome.reason == "the data have no therapist-rated alliance (column 'alliance_therapist')")
        #expect(a.sensitivity.rows.allSatisfy { $0.raters.map(\.rater) == ["patient"] })
        let therapistFindings = a.published.comparisons.filter { $0.finding.lowercased().contains("therapist-rated") }
        // Prevalence, growth, and the rupture and repair effects by each of the three estimators.
        #expect(therapistFindings.count == 8 && therapistFindings.allSatisfy { $0.holds == nil && $0.unavailable != nil })
        #expect(a.dsemModel("therapist")?.unavailable == "the data have no therapist-rated alliance (column 'alliance_therapist')")
        #expect(a.dsemModel("patient")?.fit != nil)
        let text = ReplicationReport(analysis: a).rendered(as: .text)
        #expect(text.contains("Therapist-rated: not fitted: the data have no therapist-rated alliance"))
        #expect(text.contains("Both raters: not fitted: the data have no therapist-rated alliance"))
    }

    @Test func withoutTherapistsTheModelsHaveNoTherapistTerm() throws {
        let panel = try Self.fixture.panel(without: ["therapist"])
        let a = try ReplicationAnalysis(panel: panel, dynamic: ReplicationAnalysisTests.dynamic)
        #expect(a.therapists.kind == .notModelled)
        #expect(a.therapists.reason == "therapists not modelled: the data have no therapist column")
        #expect(a.laggedModel(.patient).outcome.formula == "distress_next ~ rupture_patient + repair_patient + distress_within + session + (1 | patient)")
        #expect(a.growthModel("patient")?.outcome.formula == "alliance_patient ~ session + (1 + session | patient)")
        #expect(a.iccs.allSatisfy { $0.therapist == nil && $0.patient != nil })
        // Same numbers as a direct fit on the hand-built table.
        let marks = try RuptureDetector(criterion: .drop).detect(in: panel, rater: Rater.named("patient", in: panel))
        let table = try Self.fixture.table(indicators: ["rupture_patient": marks.ruptureIndicator.map { $0 < 0 ? .nan : Double($0) },
                                                       "repair_patient": marks.repairIndicator.map { $0 < 0 ? .nan : Double($0) }])
        let direct = try LinearMixedModel(formula: "distress_next ~ rupture_patient + repair_patient + distress_within + session + (1 | patient)", data: table).fit()
        let fit = try #require(a.laggedModel(.patient).outcome.fit)
        for (x, y) in zip(fit.fixedEffects, direct.fixedEffects) { #expect(close(x.estimate, y.estimate) && close(x.standardError, y.standardError)) }
        #expect(ReplicationReport(analysis: a).rendered(as: .text).contains("Therapists: therapists not modelled: the data have no therapist column"))
    }

    @Test func withoutDistressTheLaggedStepsSayWhy() throws {
        let a = try ReplicationAnalysis(panel: Self.fixture.panel(without: ["distress"]), dynamic: ReplicationAnalysisTests.dynamic)
        let reason = "the data have no distress column (rename yours with --columns distress=NAME)"
        #expect(a.lagged.allSatisfy { $0.outcome.reason == reason })
        #expect(a.sensitivity.rows.allSatisfy { $0.raters.allSatisfy { $0.observed.outcome.reason == reason && $0.detrended.outcome.reason == reason } })
        #expect(a.growthModel("patient")?.outcome.fit != nil)
        let report = ReplicationReport(analysis: a)
        #expect(!report.figures.contains { $0.fileName == "lagged-effects.svg" })
        #expect(report.figuresNotDrawn.contains { $0.hasPrefix("lagged-effects.svg: no lagged effect could be estimated") })
        // JSON lists the models that did not run instead of leaving them out silently.
        let json = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as! [String: Any]
        let notRun = json["not_run"] as! [[String: String]]
        #expect(Set(notRun.filter { $0["step"] == "lagged" }.map { $0["model"]! }) == ["patient", "therapist", "both"])
        for step in ["dsem", "mlsem"] {
            #expect(notRun.filter { $0["step"] == step }.map { $0["model"]! } == ["patient", "therapist"], "\(step)")
            #expect(notRun.filter { $0["step"] == step }.allSatisfy { $0["reason"] == reason }, "\(step)")
        }
        #expect((json["lagged"] as! [String: Any]).isEmpty)
    }

    @Test func aModelThatCannotBeFittedIsReportedNotFatal() throws {
        // Distress 20 at every session: nothing to model in the lagged models.
        let lines = Self.fixture.csv().split(separator: "\n").map(String.init)
        let constant = ([lines[0]] + lines.dropFirst().map { line -> String in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[5] = "20"
            return fields.joined(separator: ",")
        }).joined(separator: "\n") + "\n"
        let table = try DelimitedTextReader().read(text: constant, source: "constant.csv")
        let a = try ReplicationAnalysis(panel: Panel(file: SessionFile(table: table)), dynamic: ReplicationAnalysisTests.dynamic)
        let reason = try #require(a.laggedModel(.patient).outcome.reason)
        #expect(reason == "could not be fitted: response 'distress_next' has no variance (every value is 20); there is nothing to model")
        #expect(a.laggedModel(.patient).effects.allSatisfy { $0.estimate == nil && $0.unavailable == reason })
        #expect(a.growthModel("patient")?.outcome.fit != nil)
        let text = ReplicationReport(analysis: a).rendered(as: .text)
        #expect(text.contains("Patient-rated: not fitted: could not be fitted: response 'distress_next' has no variance"))
        // The DSEM and ML-SEM of constant distress: a reason each, in one note, never a NaN.
        for rater in ["patient", "therapist"] {
            let dsem = try #require(a.dsemModel(rater)), mlsem = try #require(a.mlsemModel(rater))
            #expect(dsem.fit == nil && dsem.unavailable?.hasPrefix("could not be fitted: ") == true, "\(dsem.unavailable ?? "fitted")")
            #expect(mlsem.fit == nil && mlsem.unavailable?.hasPrefix("could not be fitted: ") == true, "\(mlsem.unavailable ?? "fitted")")
        }
        let words = Set(text.lowercased().split { !$0.isLetter })
        #expect(!words.contains("nan") && !words.contains("inf"))
        #expect(try JSONSerialization.jsonObject(with: Data(ReplicationReport(analysis: a).json().utf8)) is [String: Any])
    }

    @Test func noAllianceRatingsIsBadInput() throws {
        #expect(throws: DataError.self) {
            _ = try ReplicationAnalysis(panel: Self.fixture.panel(without: ["alliance_patient", "alliance_therapist"]), dynamic: ReplicationAnalysisTests.dynamic)
        }
    }

    @Test func therapistModellingByCountAndChoice() throws {
        let six = try Self.fixture.panel()
        #expect(try TherapistModelling(panel: six).kind == .fixedEffects)
        #expect(try TherapistModelling(panel: six, choice: .random).kind == .randomIntercept)
        #expect(try TherapistModelling(panel: six, choice: .none).kind == .notModelled)
        let ten = try SessionFixture(patients: 30, therapists: 10, sessions: 6, seed: 3).panel()
        let auto = try TherapistModelling(panel: ten)
        #expect(auto.kind == .randomIntercept && auto.randomTerm == "(1 | therapist)" && auto.fixedTerm == nil)
        let nine = try SessionFixture(patients: 27, therapists: 9, sessions: 6, seed: 3).panel()
        #expect(try TherapistModelling(panel: nine).kind == .fixedEffects)
        let none = try Self.fixture.panel(without: ["therapist"])
        #expect(throws: DataError(location: "--therapists fixed", message: "fixture.csv has no therapist column (rename yours with --columns therapist=NAME)")) {
            _ = try TherapistModelling(panel: none, choice: .fixed)
        }
    }

    @Test func tenTherapistsGiveARandomInterceptInEveryModel() throws {
        let a = try ReplicationAnalysis(panel: SessionFixture(patients: 40, therapists: 10, sessions: 8, seed: 5).panel(), dynamic: ReplicationAnalysisTests.dynamic)
        #expect(a.laggedModel(.patient).outcome.formula == "distress_next ~ rupture_patient + repair_patient + distress_within + session + (1 | therapist) + (1 | patient)")
        #expect(a.growthModel("therapist")?.outcome.formula == "alliance_therapist ~ session + (1 | therapist) + (1 + session | patient)")
        #expect(a.laggedModel(.both).outcome.fit?.groups.map(\.name) == ["patient", "therapist"])
    }
}
