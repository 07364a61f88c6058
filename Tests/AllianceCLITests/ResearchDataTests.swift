import Foundation
import Testing
import SessionData
import Tabular

/// Data as researchers have them (issue 15): an SPSS file with value labels and user-missing
/// codes, a Swedish Excel export, a missing-value code in a CSV; and the files alliance writes
/// back: SPSS with its metadata kept, tidy CSV in `--out` folders.
@Suite struct ResearchDataTests {
    static let labelled = CommandRunner.repositoryRoot.appendingPathComponent("datasets/labelled").path
    static let roles = "patient=id,therapist=clinician,session=sess,alliance_patient=wai_pat,alliance_therapist=wai_ther,distress=core10"

    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-data-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    /// A labelled session number is a number in `fit`: one slope, not a factor of 4 levels, and
    /// the same estimates as the CSV of the same values.
    @Test func labelledNumbersAreNumbersInFit() throws {
        let dir = try folder(["s.csv": """
        id,sess,wai_ther
        SUD-001,1,5
        SUD-001,2,6
        SUD-001,3,7
        SUD-002,1,4
        SUD-002,2,NA
        SUD-002,4,4.5
        SUD-003,1,6
        SUD-003,2,1

        """])
        defer { try? FileManager.default.removeItem(at: dir) }
        let formula = "wai_ther ~ sess + (1 | id)"
        let sav = try CommandRunner.run(["fit", "\(Self.labelled)/sessions-labelled.sav", "--formula", formula, "--format", "csv"])
        let csv = try CommandRunner.run(["fit", "s.csv", "--formula", formula, "--format", "csv"], in: dir)
        #expect(sav.status == 0 && csv.status == 0)
        #expect(sav.standardOutput.contains("\nfixed,,sess,"))
        #expect(sav.standardOutput == csv.standardOutput)
    }

    /// The ICCs of labelled ratings are numbers in describe (they were "NA ... not numeric").
    @Test func labelledRatingsHaveICCsAndVariablesAreListed() throws {
        let out = try CommandRunner.run(["describe", "\(Self.labelled)/sessions-labelled.sav", "--columns", Self.roles, "--format", "json"])
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let icc = json["icc"] as! [[String: Any]]
        #expect(icc.allSatisfy { $0["problem"] is NSNull })
        let variables = json["variables"] as! [[String: Any]]
        let core = try #require(variables.first { $0["name"] as? String == "core10" })
        #expect(core["label"] as? String == "CORE-10 total")
        #expect(core["declared_missing"] as? String == "-99, -98")
        #expect(core["value_labels"] as? String == "-99 = Not administered; -98 = Refused")
        #expect(core["missing"] as? Int == 2)
        let file = json["file"] as! [String: Any]
        #expect(file["format"] as? String == "SPSS .sav")
    }

    /// `--annotate out.sav` keeps each input variable's label, value labels (only where there
    /// were any), user-missing definitions and values, and format; the new variables have labels.
    @Test(arguments: ["sav", "zsav", "dta"])
    func annotatedSPSSAndStataKeepTheirMetadata(ext: String) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = "\(Self.labelled)/sessions-labelled.\(ext == "zsav" ? "zsav" : ext)"
        let out = try CommandRunner.run(["ruptures", input, "--columns", Self.roles, "--annotate", "annotated.\(ext)"], in: dir)
        #expect(out.status == 0)
        let original = try SessionFile.read(path: input).table
        let annotated = try SessionFile.read(path: dir.appendingPathComponent("annotated.\(ext)").path).table
        // The panel is in the file's order already (patients by first appearance, sessions increasing).
        for name in original.names {
            #expect(annotated.metadata[name] == original.metadata[name], "\(name)")
            switch (annotated[name], original[name]) {
            case (.numeric(let a)?, .numeric(let b)?): #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(name)")
            default: #expect(annotated[name] == original[name], "\(name)")
            }
        }
        #expect(annotated.metadata["wai_pat"]?.valueLabels.count == 2)
        #expect(annotated.metadata["sess"]?.valueLabels.map(\.label) == ["Intake"])
        #expect(annotated.metadata["rupture_patient"]?.label?.hasPrefix("Patient-rated rupture starts") == true)
        #expect(annotated.metadata["rupture_patient"]?.valueLabels.map(\.label) == ["No", "Yes"])
        #expect(annotated.names.suffix(6) == ["rupture_patient", "repair_patient", "class_patient", "rupture_therapist", "repair_therapist", "class_therapist"])
    }

    /// A Swedish Excel CSV: semicolons, decimal commas, Windows-1252 letters in a column the
    /// analysis does not use. describe says how it read the file.
    @Test func swedishExcelCSVIsRead() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bytes = Array("id;sess;wai_pat;site\r\n".utf8)
        for (p, s, w, site) in [(1, 1, "3,25", "Link\u{F6}ping"), (1, 2, "4,5", "Link\u{F6}ping"), (2, 1, "5", "Malm\u{F6}"), (2, 2, "4,75", "Malm\u{F6}")] {
            bytes += Array("\(p);\(s);\(w);".utf8) + site.unicodeScalars.map { UInt8($0.value) } + Array("\r\n".utf8)
        }
        try Data(bytes).write(to: dir.appendingPathComponent("sv.csv"))
        let out = try CommandRunner.run(["describe", "sv.csv", "--columns", "patient=id,session=sess,alliance_patient=wai_pat"], in: dir)
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("Read as: CSV, Windows-1252 (detected), semicolon-delimited (detected), decimal comma (detected)."))
        // Mean of 3.25, 4.5, 5, 4.75 = 4.375.
        #expect(out.standardOutput.contains("\nwai_pat  4  4.38  0.78  3.25–5.00"))
        // And the decimal mark can be given: read with a point, "3,25" is not a number.
        let pointed = try CommandRunner.run(["describe", "sv.csv", "--columns", "patient=id,session=sess,alliance_patient=wai_pat", "--decimal", "."], in: dir)
        #expect(pointed.status == 2)
        #expect(pointed.standardError == "alliance: sv.csv:2: column 'wai_pat': '3,25' is not a number (the file was read with a decimal point; give --decimal , if it uses decimal commas)\n")
    }

    /// A 99 among 1-5 ratings: describe flags it; --na 99 makes it missing; a patient 99 stays.
    @Test func missingCodesAreFlaggedAndDeclared() throws {
        let rows = (1...99).flatMap { p in (1...3).map { s in "\(p),\(s),\(p == 50 && s == 2 ? 99 : (p + s) % 5 + 1)" } }
        let dir = try folder(["d.csv": "patient,session,alliance_patient\n" + rows.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let flagged = try CommandRunner.run(["describe", "d.csv"], in: dir)
        #expect(flagged.status == 0)
        #expect(flagged.standardOutput.contains("Check alliance_patient: 99 (1 rating, the first at d.csv:150) lies far from the other ratings (1 to 5); likely a missing-value code or a typo"))
        let declared = try CommandRunner.run(["describe", "d.csv", "--na", "99", "--format", "json"], in: dir)
        let json = try JSONSerialization.jsonObject(with: Data(declared.standardOutput.utf8)) as! [String: Any]
        #expect(json["patients"] as? Int == 99)
        let rating = (json["ratings"] as! [[String: Any]])[0]
        #expect(rating["missing"] as? Int == 1)
        #expect((rating["likely_missing_codes"] as! [Any]).isEmpty)
        // With the scale given, the 99 is refused with its line, as before.
        let scaled = try CommandRunner.run(["describe", "d.csv", "--scale", "alliance_patient=1:5"], in: dir)
        #expect(scaled.standardError == "alliance: d.csv:150: column 'alliance_patient': 99 is outside the scale 1 to 5\n")
    }

    /// describe --out and ruptures --out: one tidy CSV per table, the JSON, the figure and the HTML report.
    @Test func outFoldersHoldTidyCSVs() throws {
        let root = CommandRunner.repositoryRoot
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = root.appendingPathComponent("datasets/sud-synthetic.csv").path
        #expect(try CommandRunner.run(["describe", data, "--out", "d"], in: dir).status == 0)
        #expect(try CommandRunner.run(["ruptures", data, "--out", "r"], in: dir).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("d").path).sorted()
            == ["describe.json", "icc.csv", "ratings-by-session.csv", "ratings-by-session.svg", "ratings.csv", "report.html", "report.md", "sample.csv", "variables.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("r").path).sorted()
            == ["episodes.csv", "patient-series.svg", "report.html", "report.md", "rupture-agreement.csv", "rupture-sensitivity.csv", "ruptures.csv", "ruptures.json"])
        // report.md: every table exactly as --format markdown prints it (but the variables, whose
        // columns of metadata a CSV file does not have are left out, as in report.html), the figure linked to
        // the file next to it, and the data file's SHA-256 (as sha256sum computes it, here by OpenSSL
        // through ReportProvenance, checked against the HTML report's footer).
        for (sub, command, figure) in [("d", "describe", "ratings-by-session.svg"), ("r", "ruptures", "patient-series.svg")] {
            let markdown = try String(contentsOf: dir.appendingPathComponent("\(sub)/report.md"), encoding: .utf8)
            let printed = try CommandRunner.run([command, data, "--format", "markdown"], in: dir).standardOutput
            for table in printed.components(separatedBy: "\n\n") where table.contains("|") && !table.contains("| Variable |") {
                #expect(markdown.contains(table.trimmingCharacters(in: .newlines)), "\(command): \(table.prefix(60))")
            }
            #expect(markdown.contains("](\(figure))"))
            let html = try String(contentsOf: dir.appendingPathComponent("\(sub)/report.html"), encoding: .utf8)
            let hash = try #require(html.firstMatch(of: /class="hash">([0-9a-f]{64})</)?.1)
            #expect(markdown.contains("SHA-256 `\(hash)`"))
        }
        for sub in ["d", "r"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(sub).path) where name.hasSuffix(".csv") {
                let table = try DelimitedTextReader().read(path: dir.appendingPathComponent("\(sub)/\(name)").path)
                for column in table.names {
                    #expect(column.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name): \(column)")
                }
                let text = try String(contentsOf: dir.appendingPathComponent("\(sub)/\(name)"), encoding: .utf8)
                #expect(!text.contains("%") && !text.contains("–") && !text.contains("NaN") && !text.contains("Inf"), "\(name)")
            }
        }
        // The prevalence table: one row per rater, filled (60 of 119 patients, 50.42%, counted from the
        // file by hand; Wilson CI 41.57 to 59.25, R's prop.test(60, 119, correct = FALSE)).
        let ruptures = try DelimitedTextReader().read(path: dir.appendingPathComponent("r/ruptures.csv").path)
        #expect(ruptures.rowCount == 2 && ruptures["rater"] == .categorical(codes: [0, 1], labels: ["patient", "therapist"]))
        guard case .numeric(let prevalence)? = ruptures["patients_with_rupture_percent"],
              case .numeric(let lower)? = ruptures["patients_with_rupture_percent_ci_lower"] else {
            Issue.record("prevalence not numeric"); return
        }
        #expect(abs(prevalence[0] - 100 * 60.0 / 119) < 1e-12)
        #expect(abs(lower[0] - 41.56543085767856) < 1e-10)
        #expect(ruptures["patients_judged"] == .numeric([119, 119]))
    }

    /// A misspelt rater column is named on standard error.
    @Test func aMissingDefaultRaterIsNamed() throws {
        let dir = try folder(["d.csv": "patient,session,alliance_therapist,alliance_patinet\n1,1,5,6\n1,2,4,6\n1,3,5,5\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["ruptures", "d.csv"], in: dir)
        #expect(out.status == 0)
        #expect(out.standardError == "alliance: no column alliance_patient in d.csv: patient-rated ruptures skipped; rename with --columns alliance_patient=NAME\n")
    }

    /// Simulated SPSS data and observer session variables carry variable labels of their own.
    @Test func writtenVariablesHaveLabels() throws {
        let root = CommandRunner.repositoryRoot.path
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CommandRunner.run(["simulate", "--preset", "default", "--seed", "1", "--out", "s.sav", "--truth"], in: dir).status == 0)
        let simulated = try SessionFile.read(path: dir.appendingPathComponent("s.sav").path).table
        #expect(simulated.metadata["alliance_patient"]?.label == "Patient-rated alliance (simulated)")
        #expect(simulated.metadata["true_rupture_patient"]?.valueLabels.map(\.label) == ["No", "Yes"])
        #expect(simulated.metadata["patient"]?.measure == .nominal)
        let out = try CommandRunner.run(["sequences", "\(root)/datasets/coded-sessions-synthetic.csv", "--codebook",
                                         "\(root)/datasets/coded-sessions-codebook.yaml", "--permutations", "0", "--sessions-out", "o.dta"], in: dir)
        #expect(out.status == 0)
        let observer = try SessionFile.read(path: dir.appendingPathComponent("o.dta").path).table
        #expect(observer.metadata["rupture_observer"]?.label == "Observer: rupture in the session")
    }
}
