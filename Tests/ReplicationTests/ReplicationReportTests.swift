import Foundation
import MixedModels
import Reports
import Ruptures
import SessionData
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Replication

/// The documents of the replication carry the analysis' numbers: tables, results.json, figures,
/// and the output folder written whole.
@Suite struct ReplicationReportTests {
    static let analysis = ReplicationAnalysisTests.analysis
    static let report = ReplicationReport(analysis: analysis, dataNote: "SYNTHETIC DATA: a test.")

    func table(_ name: String) -> Table { Self.report.tables.first { $0.name == name }! }

    /// The data rows of a CSV rendering, as fields (no quoted commas in these tables' numbers).
    func csvRows(_ t: Table) -> [[String]] {
        t.rendered(as: .csv).split(separator: "\n").dropFirst().map { line in
            var fields = [String](), field = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { fields.append(field); field = "" } else { field.append(ch) }
            }
            return fields + [field]
        }
    }

    @Test func tablesAreNumberedInOrderAndNamedForTheirFiles() {
        #expect(Self.report.tables.map(\.name) == ["sample", "ratings", "icc", "alliance-correlation", "ruptures", "rupture-agreement",
                                                   "growth", "lagged-estimators", "lagged", "lagged-dsem", "lagged-mlsem", "sensitivity", "published"])
        for (k, t) in Self.report.tables.enumerated() { #expect(t.title.hasPrefix("Table \(k + 1). ")) }
        #expect(ReplicationTables.untitled("Table 12. Ruptures") == "Ruptures" && ReplicationTables.untitled("Tables") == "Tables")
    }

    @Test func laggedTableCarriesTheFitsAtFullPrecisionInCSV() throws {
        let rows = csvRows(table("lagged"))
        let fit = try #require(Self.analysis.laggedModel(.patient).outcome.fit)
        let rupture = try #require(fit.fixedEffects.first { $0.term == "rupture_patient" })
        let row = try #require(rows.first { $0[0] == "Patient-rated" && $0[1] == "Rupture at t (patient-rated)" })
        // section, parameter, estimate, SE, df, t, p, CI lower, CI upper, d
        #expect(Double(row[2]) == rupture.estimate && Double(row[3]) == rupture.standardError)
        #expect(Double(row[4]) == rupture.degreesOfFreedom && Double(row[6]) == rupture.p)
        #expect(Double(row[7]) == rupture.confidenceLower && Double(row[8]) == rupture.confidenceUpper)
        #expect(Double(row[9]) == rupture.estimate / Self.analysis.variables.withinPatientDistressSD!)
        // Therapist dummies are left out of the table (and counted in a note).
        #expect(!rows.contains { $0[1].contains("therapist)") })
        #expect(table("lagged").notes.contains { $0.contains("5 dummies of factor(therapist) not shown") })
    }

    @Test func sensitivityTableHasEveryCriterionPerRater() throws {
        let rows = csvRows(table("sensitivity"))
        // raters x distress x criteria, and per rater the chosen criterion with AR(1) residuals (issue #13).
        #expect(rows.count == 2 * 2 * SensitivityAnalysis.criteria.count + 2)
        for (k, rater) in ["patient", "therapist"].enumerated() {
            let ar1 = try #require(rows.first { $0[0] == (k == 0 ? "Patient-rated" : "Therapist-rated") && $0[2] == "observed, AR(1) residuals" })
            let model = Self.analysis.laggedAutocorrelated[k]
            #expect(model.outcome.fit?.residualCorrelation?.structure == "ar1(session | patient)")
            #expect(Double(ar1[4]) == model.effect(.rupture, rater: rater)?.estimate?.estimate)
        }
        #expect(table("sensitivity").notes.contains { $0.hasPrefix("AR(1) residuals:") })
        // section, criterion, distress, %, rupture b, rupture p, repair b, repair p
        let observed = try #require(rows.first { $0[0] == "Therapist-rated" && $0[1] == "stiles-2sd" && $0[2] == "observed" })
        // A model near the boundary (here the detrended one: a singular fit) is marked with † (issue #11).
        let detrended = try #require(rows.first { $0[0] == "Therapist-rated" && $0[1].hasPrefix("stiles-2sd") && $0[2] == "detrended" })
        let cell = Self.analysis.sensitivity.rows.first { $0.criterion.name == "stiles-2sd" }!.raters[1]
        #expect(detrended[1] == (cell.detrended.outcome.fit!.isNearBoundary ? "stiles-2sd †" : "stiles-2sd"))
        #expect(table("sensitivity").notes.contains { $0.hasPrefix("† The model is near the boundary") } == rows.contains { $0[1].hasSuffix(" †") })
        #expect(Double(observed[3]) == 100 * cell.prevalence.prevalence! && observed[3] == detrended[3])
        #expect(Double(observed[4]) == cell.observed.effect(.rupture, rater: "therapist")?.estimate?.estimate)
        #expect(Double(detrended[7]) == cell.detrended.effect(.repair, rater: "therapist")?.estimate?.p)
        #expect(rows.contains { $0[1] == "rci, reliable change, z = 1.645" })
    }

    @Test func reportShowsEveryStepAndTheDataNote() {
        let text = Self.report.rendered(as: .text)
        for step in ReplicationReport.steps { #expect(text.contains(step.title + "\n" + String(repeating: "=", count: step.title.count))) }
        #expect(text.contains("Data: fixture.csv\nSYNTHETIC DATA: a test."))
        #expect(text.contains("Therapists: therapist fixed effects (dummies): 6 therapists are too few"))
        let markdown = Self.report.rendered(as: .markdown, figuresIn: "")
        #expect(markdown.contains("## 7. Published vs this dataset") && markdown.contains("![patient-series.svg](patient-series.svg)"))
        // Printed without --out, the Markdown names the figures but links none (they were not written).
        let printed = Self.report.rendered(as: .markdown)
        #expect(!printed.contains("](") && printed.contains("Not written: alliance-by-session.svg"))
        #expect(Self.report.rendered(as: .markdown, figuresIn: "results").contains("![patient-series.svg](results/patient-series.svg)"))
        let latex = Self.report.rendered(as: .latex)
        #expect(latex.components(separatedBy: "\\caption{").count - 1 == Self.report.tables.count)
        #expect(!latex.contains("κ") && latex.contains("$\\kappa$"))
    }

    @Test func resultsJSONHasTheContractKeysAndTheFitsNumbers() throws {
        let json = try JSONSerialization.jsonObject(with: Data(Self.report.json().utf8)) as! [String: Any]
        for key in ["ruptures", "growth", "lagged", "sensitivity", "published", "effects", "sample", "icc", "therapists", "data_note"] {
            #expect(json[key] != nil, "\(key)")
        }
        let growth = json["growth"] as! [String: [String: Any]]
        let lagged = json["lagged"] as! [String: [String: Any]]
        #expect(Set(growth.keys) == ["patient", "therapist"] && Set(lagged.keys) == ["patient", "therapist", "both"])
        // The fit JSON is `alliance fit`'s: the same object JSONOutput makes of the fit.
        let fit = try #require(Self.analysis.laggedModel(.both).outcome.fit)
        // less its timing, which results.json leaves out (the same data and seed give the same bytes).
        var direct = try JSONSerialization.jsonObject(with: Data(JSONOutput.string(fit).utf8)) as! [String: Any]
        #expect(direct.removeValue(forKey: "timing") != nil)
        #expect(NSDictionary(dictionary: lagged["both"]!) == NSDictionary(dictionary: direct))
        #expect(!(try Self.report.json()).contains("\"timing\""))
        // The DSEM and ML-SEM: `alliance dsem`'s and `alliance mlsem`'s JSON per rater, a model not fitted under not_run.
        let dsem = json["dsem"] as! [String: [String: Any]]
        #expect(Set(dsem.keys) == ["patient", "therapist"])
        let dsemFit = try #require(Self.analysis.dsemModel("therapist")?.fit)
        var dsemDirect = try JSONSerialization.jsonObject(with: Data(JSONOutput.string(dsemFit).utf8)) as! [String: Any]
        #expect(dsemDirect.removeValue(forKey: "timing") != nil)
        #expect(NSDictionary(dictionary: dsem["therapist"]!) == NSDictionary(dictionary: dsemDirect))
        let notRun = json["not_run"] as! [[String: Any]]
        #expect(notRun.contains { $0["step"] as? String == "mlsem" && $0["model"] as? String == "patient" })
        let estimators = json["estimators"] as! [[String: Any]]
        #expect(estimators.map { $0["name"] as! String } == Self.analysis.laggedEstimates.map(\.name))
        #expect((json["dynamic"] as! [String: Any])["dsem_iterations_per_chain"] as? Int == ReplicationAnalysisTests.dynamic.iterations)
        // `ruptures` is `alliance ruptures`' JSON of the same report.
        let ruptures = try JSONSerialization.jsonObject(with: Data(JSONOutput.string(Self.analysis.ruptures).utf8)) as! NSDictionary
        #expect(NSDictionary(dictionary: json["ruptures"] as! [String: Any]) == ruptures)
        let sensitivity = json["sensitivity"] as! [[String: Any]]
        #expect(sensitivity.count == SensitivityAnalysis.criteria.count * 2)
    }

    @Test func figuresAreWellFormedAndShowTheData() throws {
        #expect(Self.report.figures.map(\.fileName) == ["alliance-by-session.svg", "patient-series.svg", "lagged-effects.svg"])
        for figure in Self.report.figures {
            #expect(XMLParser(data: Data(figure.svg.utf8)).parse(), "\(figure.fileName)")
        }
        // Patient series: one panel per patient, one marker per rupture onset and per repair.
        let series = Self.report.figures[1].svg
        let episodes = Self.analysis.ruptures.results.flatMap(\.episodes)
        let markers = episodes.count + episodes.filter { $0.repair != nil }.count
        // Each marker is a polygon; the legend adds two, and ruptures/repairs at the same session are separate markers.
        let repairSessions = Self.analysis.ruptures.results.reduce(0) { $0 + $1.repairIndicator.filter { $0 == 1 }.count }
        let onsets = Self.analysis.ruptures.results.reduce(0) { $0 + $1.ruptureIndicator.filter { $0 == 1 }.count }
        #expect(onsets == episodes.count && markers >= onsets + repairSessions)
        #expect(series.components(separatedBy: "<polygon").count - 1 == onsets + repairSessions + 2)
        for id in Self.analysis.panel.patientIDs { #expect(series.contains(">\(id)</text>")) }
        // Lagged effects: one point per estimated effect of each criterion's multilevel models and of
        // the other estimators (the legend adds one per series: observed, detrended, DSEM, ML-SEM).
        let plot = Self.report.figures[2].svg
        let estimated = Self.analysis.sensitivity.rows.flatMap { $0.raters.flatMap { [$0.observed, $0.detrended] } }
            .flatMap(\.effects).filter { $0.estimate != nil }.count
        let others = Self.analysis.laggedEstimates.dropFirst().flatMap(\.effects).filter { $0.estimate != nil }.count
        #expect(others > 0)
        #expect(plot.components(separatedBy: "<circle").count - 1 == estimated + others + 4)
        // Mean alliance by session: the first point of the patient-rated line is the session-1 mean.
        let rating = Self.analysis.sample.ratings.first { $0.role == "alliance_patient" }!
        let chart = try #require(ReplicationFigures.allianceBySession(Self.analysis))
        #expect(chart.series[0].points[0].y == rating.bySession[0].values.mean)
        let n = rating.bySession[0].values.count
        let qt: [Int: Double] = [34: 2.0345152974493383, 35: 2.0322445093177182, 36: 2.0301079282503425]   // R: qt(.975, n - 1)
        let half = try #require(qt[n]) * rating.bySession[0].values.standardDeviation! / Double(n).squareRoot()
        #expect(abs(chart.series[0].band![0].upper - (chart.series[0].points[0].y + half)) < 1e-9)
    }

    @Test func outputFolderIsWrittenWholeOrNotAtAll() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-out-\(UUID())")
        defer { try? FileManager.default.removeItem(at: base) }
        let files = try Self.report.files(provenance: ReportProvenance(dataFile: "fixture.csv", dataSHA256: "00", commandLine: "alliance replicate fixture.csv", version: "alliance test", date: "2026-12-01T00:00:00Z"))
        let folder = base.appendingPathComponent("results")
        try OutputFolder.write(files, to: folder.path)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(written == files.map(\.name).sorted())
        #expect(written.contains("report.md") && written.contains("tables.tex") && written.contains("results.json") && written.contains("lagged.csv"))
        // Into an existing folder, the user's other files stay.
        try "mine".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        try OutputFolder.write(files, to: folder.path)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("notes.txt").path))
        // A folder that cannot be made (its parent is a file) leaves nothing behind.
        let blocker = base.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        #expect(throws: OutputError.self) { try OutputFolder.write(files, to: blocker.appendingPathComponent("out").path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: base.path).sorted() == ["file", "results"])
    }
}
