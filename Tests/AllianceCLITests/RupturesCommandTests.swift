import Foundation
import Testing
import SessionData
import Tabular

/// `alliance ruptures` and `alliance describe` tried as a new user would: bad files and options
/// give one line and exit status 2 with nothing written; SPSS and Stata files give the same
/// results as the CSV.
@Suite struct RupturesCommandTests {
    static let valid = """
    therapist,patient,session,alliance_patient,alliance_therapist,distress
    T1,P1,1,6,5,20
    T1,P1,2,5,5,22
    T1,P1,3,5.5,4,21
    T1,P1,4,6,5,18
    T1,P1,5,4.5,5,19
    T2,P2,1,6,6,15
    T2,P2,2,6,5,14
    T2,P2,4,4,5,16
    T2,P2,5,4,4,17
    T1,P3,1,5,6,25
    T1,P3,2,NA,5,24
    T1,P3,3,3,6,26
    """

    /// A scratch folder with the given files.
    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-cli-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    static let badFiles: [(name: String, text: String, message: String)] = [
        ("missing-column.csv", "id,session,alliance_patient\n1,1,5\n",
         "missing-column.csv: missing required column 'patient' (columns: id, session, alliance_patient); rename with --columns patient=NAME"),
        ("non-numeric.csv", "patient,session,alliance_patient\nP,1,5\nP,2,five\n",
         "non-numeric.csv:3: column 'alliance_patient': 'five' is not a number"),
        ("duplicate.csv", "patient,session,alliance_patient\nP,1,5\nP,2,6\nP,2,4\n",
         "duplicate.csv:4: columns 'patient', 'session': patient 'P' has session 2 twice (also at line 3)"),
        ("two-therapists.csv", "patient,therapist,session,alliance_patient\nP,T1,1,5\nP,T2,2,6\n",
         "two-therapists.csv:3: column 'therapist': patient 'P' has therapist 'T2' here but 'T1' at line 2 (a patient must have one therapist)"),
        ("fractional-session.csv", "patient,session,alliance_patient\nP,1,5\nP,1.5,6\n",
         "fractional-session.csv:3: column 'session': session 1.5 is not a whole number"),
        ("negative-session.csv", "patient,session,alliance_patient\nP,-2,5\n",
         "negative-session.csv:2: column 'session': session -2 is negative (sessions count from 0 or 1)"),
        ("empty.csv", "", "empty.csv: file is empty"),
        ("header-only.csv", "patient,session,alliance_patient\n", "header-only.csv: file has a header but no data rows"),
    ]

    @Test(arguments: badFiles.indices)
    func badFileGivesOneLineAndExitTwo(index: Int) throws {
        let bad = Self.badFiles[index]
        let dir = try folder([bad.name: bad.text])
        defer { try? FileManager.default.removeItem(at: dir) }
        for command in ["ruptures", "describe"] {
            let extra = command == "ruptures" ? ["--annotate", "out.csv", "--episodes", "episodes.csv"] : []
            let out = try CommandRunner.run([command, bad.name] + extra, in: dir)
            #expect(out.status == 2, "\(bad.name) \(command)")
            #expect(out.standardError == "alliance: \(bad.message)\n")
            #expect(out.standardOutput.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out.csv").path))
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("episodes.csv").path))
        }
    }

    @Test func outOfRangeRatingNamesTheScale() throws {
        let dir = try folder(["d.csv": "patient,session,alliance_patient\nP,1,5\nP,2,9\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["ruptures", "d.csv", "--scale", "alliance_patient=1:7", "--annotate", "a.csv"], in: dir)
        #expect(out.status == 2)
        #expect(out.standardError == "alliance: d.csv:3: column 'alliance_patient': 9 is outside the scale 1 to 7\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a.csv").path))
    }

    @Test func badOptionsNameTheOption() throws {
        let dir = try folder(["d.csv": Self.valid, "book.yaml": "scales:\n  alliance_patient:\n    rnage: [1, 7]\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["--criterion", "stiles"], "alliance: --criterion: unknown criterion 'stiles' (choose drop, rci, stiles-2sd, strauss-1sd, gumz, sudden-loss)\n"),
            (["--criterion", "rci"], "alliance: --criterion rci: needs the reliability of 'alliance_patient': give it with --scale alliance_patient=MIN:MAX,reliability=R or in a codebook\n"),
            (["--threshold=-1"], "alliance: --threshold: must be a positive number, not -1.0\n"),
            (["--scale", "alliance_patient=7:1"], "alliance: --scale alliance_patient=7:1: the scale minimum 7.0 is not below the maximum 1.0\n"),
            (["--columns", "pt=id"], "alliance: --columns: unknown role 'pt' (roles: patient, therapist, session, alliance_patient, alliance_therapist, distress)\n"),
            (["--rater", "observer"], "alliance: --rater 'observer': no such column in d.csv (columns: therapist, patient, session, alliance_patient, alliance_therapist, distress)\n"),
            (["--codebook", "book.yaml"], "alliance: book.yaml:3: unknown key 'rnage' in the scale of 'alliance_patient' (expected range, higher_is_better, reliability, sd)\n"),
            (["--codebook", "nope.yaml"], "alliance: nope.yaml: no such file\n"),
        ]
        for (options, expected) in cases {
            let out = try CommandRunner.run(["ruptures", "d.csv", "--annotate", "a.csv"] + options, in: dir)
            #expect(out.status == 2, "\(options)")
            #expect(out.standardError == expected, "\(options)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a.csv").path))
        }
    }

    @Test func jsonCarriesCriterionAndRaters() throws {
        let dir = try folder(["d.csv": Self.valid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["ruptures", "d.csv", "--format", "json", "--threshold", "1", "--repair", "return"], in: dir)
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let criterion = json["criterion"] as! [String: Any]
        #expect(criterion["name"] as? String == "drop")
        #expect((criterion["threshold"] as! [String: Any])["amount"] as? Double == 1)
        #expect(criterion["window"] is NSNull)
        let raters = json["raters"] as! [[String: Any]]
        #expect(raters.map { $0["rater"] as! String } == ["patient", "therapist"])
        for key in ["rater", "patients", "patients_with_rupture", "prevalence", "prevalence_ci", "ruptures", "repairs",
                    "repaired_share", "patients_with_repair", "episodes"] {
            #expect(raters[0][key] != nil, "\(key)")
        }
        // Patient ratings: P1 6, 5, 5.5, 6, 4.5 -> ruptures at 2 (repaired at 4) and 5 (unrepaired);
        // P2 6, 6, -, 4, 4: session 4 follows a gap, no rupture; P3 5, NA, 3: nothing judgeable but
        // P3 is judged (two ratings). Patients with a rupture: P1 only, of 3.
        #expect(raters[0]["patients"] as? Int == 3)
        #expect(raters[0]["patients_with_rupture"] as? Int == 1)
        #expect(raters[0]["ruptures"] as? Int == 2 && raters[0]["repairs"] as? Int == 1)
        let episodes = raters[0]["episodes"] as! [[String: Any]]
        #expect(episodes.map { $0["onset"] as! Int } == [2, 5])
        #expect(episodes[1]["repair"] is NSNull)
    }

    @Test func annotateWritesIndicators() throws {
        let dir = try folder(["d.csv": Self.valid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["ruptures", "d.csv", "--rater", "patient", "--annotate", "a.csv", "--episodes", "e.csv"], in: dir)
        #expect(out.status == 0)
        let a = try DelimitedTextReader().read(path: dir.appendingPathComponent("a.csv").path)
        // P1's rows: rupture NA, 1, 0, 0, 1; repair 0, 0, 0, 1, 0.
        guard case .numeric(let rupture) = a["rupture_patient"]!, case .numeric(let repair) = a["repair_patient"]! else {
            Issue.record("indicators not numeric"); return
        }
        #expect(rupture[0].isNaN && Array(rupture[1...4]) == [1, 0, 0, 1])
        #expect(Array(repair[0...4]) == [0, 0, 0, 1, 0])
        #expect(a["class_patient"]?.text(at: 0) == "Rupture")
        let e = try DelimitedTextReader().read(path: dir.appendingPathComponent("e.csv").path)
        #expect(e.rowCount == 2 && e["onset"] == .numeric([2, 5]))
    }

    @Test(arguments: ["sav", "dta"])
    func spssAndStataGiveTheSameResultsAsCSV(ext: String) throws {
        let dir = try folder(["d.csv": Self.valid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try DelimitedTextReader().read(path: dir.appendingPathComponent("d.csv").path)
        let binary = dir.appendingPathComponent("d.\(ext)").path
        try StatisticalFileWriter.data(for: SessionFile(table: table), format: ext == "sav" ? .spss : .stata, destination: binary)
            .write(to: URL(fileURLWithPath: binary))
        for command in [["ruptures", "--format", "json"], ["describe", "--format", "json"]] {
            let fromCSV = try CommandRunner.run([command[0], "d.csv"] + command.dropFirst(), in: dir)
            let fromBinary = try CommandRunner.run([command[0], "d.\(ext)"] + command.dropFirst(), in: dir)
            #expect(fromCSV.status == 0 && fromBinary.status == 0)
            // Only the file name differs, and how the file was read (describe's file and variables).
            func results(_ text: String) throws -> NSDictionary {
                let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
                return json.filter { !["source", "file", "variables"].contains($0.key) } as NSDictionary
            }
            #expect(try results(fromBinary.standardOutput) == results(fromCSV.standardOutput))
        }
    }

    @Test func describePrintsTheSample() throws {
        let dir = try folder(["d.csv": Self.valid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["describe", "d.csv", "--format", "csv"], in: dir)
        #expect(out.status == 0)
        // 3 patients, 2 therapists, 12 sessions; sessions per patient 5, 4, 3: M = 4, SD = 1,
        // range 3-5; one of 12 patient ratings missing (8.333...%).
        #expect(out.standardOutput.hasPrefix("""
        patients,therapists,sessions,sessions_per_patient_mean,sessions_per_patient_sd,sessions_per_patient_min,sessions_per_patient_max,\
        missing_alliance_patient_n,missing_alliance_patient_percent,missing_alliance_therapist_n,missing_alliance_therapist_percent,\
        missing_distress_n,missing_distress_percent
        3,2,12,4,1,3,5,1,8.333333333333334,0,0,0,0

        """))
    }
}
