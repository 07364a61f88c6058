import Foundation
import MixedModels
import Reports
import SessionData
import Tabular
import Testing
@testable import Replication

/// What the replication claims, checked: the ICCs follow the same therapist rule as the models
/// (lme4 at its exact optimum, `scripts/reference-icc-fixed-therapists.R`), a published null is
/// tested for equivalence (TOST, against R's `pt`/`qt`), every lagged table names its estimator
/// and known bias, the intercept and d are explained, and the user's column names are used.
@Suite struct HonestReportTests {
    static var reference: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/honest-report.json")
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
    static let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/sud-synthetic.csv").path

    @Test func iccsFollowTheTherapistRuleOfTheModels() throws {
        let panel = try Panel.read(path: Self.bundled)
        let therapists = try TherapistModelling(panel: panel)
        #expect(therapists.kind == .fixedEffects)   // 6 therapists
        let expected = Self.reference["icc_fixed_therapists"] as! [String: Any]
        for rating in ["alliance_patient", "alliance_therapist", "distress"] {
            let icc = RatingIntraclassCorrelations(panel: panel, rating: rating, therapists: therapists)
            #expect(icc.formula == "\(rating) ~ 1 + factor(therapist) + (1 | patient)")
            #expect(icc.therapist == nil && icc.therapistShareNotEstimated == therapists.reason)
            let r = expected[rating] as! Double
            #expect(abs(try #require(icc.patient) - r) < 1e-6, "\(rating): \(icc.patient ?? .nan) vs lme4 \(r)")
        }
        let table = RatingIntraclassCorrelations.table(panel.ratingColumns.map { RatingIntraclassCorrelations(panel: panel, rating: $0, therapists: therapists) })
        #expect(table.columns.map(\.header) == ["Rating", "ICC patient"])
        #expect(table.notes[0].contains("No therapist share is estimated, by the rule the models follow: therapist fixed effects"))
        // Without the rule (alliance describe), therapists enter as a random intercept.
        #expect(RatingIntraclassCorrelations(panel: panel, rating: "distress").formula == "distress ~ 1 + (1 | therapist/patient)")
    }

    @Test func equivalenceTestAgreesWithR() throws {
        let r = Self.reference["tost"] as! [String: Double]
        let q = try #require(EquivalenceTest(estimate: r["estimate"]!, standardError: r["se"]!, degreesOfFreedom: r["df"]!, bound: r["bound"]!))
        #expect(abs(q.p - r["p"]!) < 1e-10 && abs(q.lower - r["ci_lower"]!) < 1e-10 && abs(q.upper - r["ci_upper"]!) < 1e-10)
        #expect(!q.equivalent)
        // Inside the bounds with a narrow CI: equivalent; the identity p < alpha <=> 90% CI inside (-bound, bound).
        let narrow = try #require(EquivalenceTest(estimate: 0.1, standardError: 0.1, degreesOfFreedom: 500, bound: 0.5))
        #expect(narrow.equivalent && narrow.lower > -0.5 && narrow.upper < 0.5)
    }

    @Test func publishedNullIsNotSignificantAsPublishedWithItsEquivalenceTest() throws {
        let a = ReplicationAnalysisTests.analysis
        let null = try #require(a.published.comparisons.first { $0.published == .notSignificant })
        let e = try #require(null.effect)
        #expect(null.verdict == (e.p >= 0.05 ? "not significant, as published" : "no: significant here"))
        let q = try #require(null.equivalence)
        #expect(abs(q.bound - 0.2 * a.variables.withinPatientDistressSD!) < 1e-12)
        let table = ReplicationTables.published(a)
        #expect(table.columns.last?.header == "Consistent here")
        #expect(table.notes.contains { $0.contains("equivalence to no effect (TOST") } && table.notes.contains { $0.contains("reconstruction") })
        #expect(!table.rendered(as: .text).contains("Holds"))
    }

    @Test func laggedTablesNameTheirEstimatorBiasInterceptAndD() throws {
        let a = ReplicationAnalysisTests.analysis
        for table in [ReplicationTables.lagged(a), ReplicationTables.laggedByEstimator(a)] {
            let notes = table.notes.joined(separator: " ")
            #expect(notes.contains("observed mean") && notes.contains("Nickell 1981") && notes.contains("Known bias"), "\(table.name)")
            #expect(notes.contains("not Cohen's d"), "\(table.name)")
        }
        let lagged = ReplicationTables.lagged(a).notes.joined(separator: " ")
        #expect(lagged.contains("Intercept: the expected distress at the next session at session = 0"))
        // The reference therapist is the one without a dummy: R sorts the levels, the first is the reference.
        let reference = a.panel.therapistIDs.sorted().first!
        #expect(lagged.contains("for a patient of therapist \(reference), the reference level of factor(therapist)"))
        // Nickell's approximation with this dataset's rho and sessions per patient.
        let rho = try #require(a.laggedModel(.patient).outcome.effect("distress_within")).estimate
        let t = try #require(a.sample.sessionsPerPatient.mean)
        #expect(lagged.contains("(1 + ρ)/(T − 1) = \(CellFormatting.fixed((1 + rho) / (t - 1), decimals: 2)) here"))
        // The estimator table has one row per estimator and effect, extensible by appending estimates;
        // an estimator without an effect has a row that says so, with the reason in the notes.
        var extended = a
        extended.laggedEstimates.append(LaggedEstimates(name: "Another estimator", description: "A test.", interval: "95% credible interval",
                                                        knownBias: nil, effects: []))
        let byEstimator = ReplicationTables.laggedByEstimator(extended)
        #expect(byEstimator.rows.filter { if case .cells(let c) = $0 { return c[0] == .text("Another estimator: not estimated") } else { return false } }.count == 4)
        #expect(byEstimator.notes.contains("Another estimator, Patient-rated: not estimated: no estimate."))
    }

    @Test func formulasAndLabelsUseTheFilesColumnNames() throws {
        // The fixture renamed: id, clinician, sess, wai_pat, wai_ther, core10.
        let csv = ReplicationAnalysisTests.fixture.csv()
        let header = "id,clinician,sess,wai_pat,wai_ther,core10"
        let renamed = header + csv.drop { $0 != "\n" }
        var columns = ColumnMapping()
        try columns.apply(specification: "patient=id,therapist=clinician,session=sess,alliance_patient=wai_pat,alliance_therapist=wai_ther,distress=core10")
        let table = try DelimitedTextReader().read(text: String(renamed), source: "renamed.csv")
        let panel = try Panel(file: SessionFile(table: table), columns: columns,
                              scales: ["wai_pat": RatingScale(minimum: 1, maximum: 7), "wai_ther": RatingScale(minimum: 1, maximum: 7)])
        let a = try ReplicationAnalysis(panel: panel, dynamic: ReplicationAnalysisTests.dynamic)
        let report = ReplicationReport(analysis: a).rendered(as: .text)
        #expect(report.contains("core10_next ~ rupture_wai_pat + repair_wai_pat + core10_within + sess + factor(clinician) + (1 | id)"))
        #expect(report.contains("wai_pat ~ sess + factor(clinician) + (1 + sess | id)"))
        #expect(report.contains("Patient-rated (wai_pat)") && report.contains("Core10 at t (within-patient)"))
        for name in ["distress_next", "alliance_patient", "distress_within", "rupture_patient", "(1 | patient)"] {
            #expect(!report.contains(name), "\(name)")
        }
    }
}
