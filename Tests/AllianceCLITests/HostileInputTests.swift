import Foundation
import Testing

/// The reproducers of the fuzz report of 2026-11-30 (D04-D08, D10, D12, D15; D13 and D14 are in
/// `OutputSafetyTests`), each as a user meets it: one line naming the file, line or field, exit
/// status 2, nothing written, and never a crash, a hang or a NaN.
@Suite struct HostileInputTests {
    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-hostile-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    func contents(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    /// Runs `arguments` in a folder holding `files`; expects exit 2, `message`, and no new file.
    func expectRefused(_ arguments: [String], files: [String: String], message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dir = try folder(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let before = try contents(dir)
        let out = try CommandRunner.run(arguments, in: dir)
        #expect(out.status == 2, "\(arguments)", sourceLocation: sourceLocation)
        #expect(out.standardError == "alliance: \(message)\n", sourceLocation: sourceLocation)
        #expect(try contents(dir) == before, "wrote files", sourceLocation: sourceLocation)
    }

    /// D04: 19 grid factors of 10 values (10^19 cells) overflowed Int before the cell limit.
    @Test func gridOfTooManyCellsIsRefusedWithoutOverflow() throws {
        let factors = ["patients", "therapists", "sessions.mean", "sessions.sd", "ruptures.size_mean", "ruptures.size_sd", "distress.mean",
                       "distress.patient_sd", "distress.slope", "distress.residual_sd", "alliance.patient.mean", "alliance.therapist.mean",
                       "alliance.patient.patient_sd", "alliance.therapist.patient_sd", "alliance.patient.residual_sd",
                       "alliance.therapist.residual_sd", "ruptures.rate", "ruptures.repair_probability", "missing.session"]
        let grid = "preset: default\ngrid:\n" + factors.map { "  \($0): [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]" }.joined(separator: "\n") + "\n"
        for command in [["simulate", "--config", "grid.yaml", "--print-config"], ["power", "--config", "grid.yaml", "--reps", "2", "--seed", "1", "--out", "p.csv"]] {
            try expectRefused(command, files: ["grid.yaml": grid], message: "grid.yaml:3: field 'grid' makes 1e+19 cells; at most 100000 are allowed")
        }
    }

    /// D05: a "billion laughs" configuration (9 levels of 9 aliases) filled memory.
    @Test func billionLaughsConfigurationIsRefused() throws {
        var text = "a0: &a0 [\"lol\"]\n"
        for i in 1...9 { text += "a\(i): &a\(i) [" + (0..<9).map { _ in "*a\(i - 1)" }.joined(separator: ", ") + ", \"x\"]\n" }
        let clock = ContinuousClock()
        let start = clock.now
        try expectRefused(["simulate", "--config", "laughs.yaml", "--print-config"], files: ["laughs.yaml": text],
                          message: "laughs.yaml:1: the configuration holds more than 100000 values (after YAML aliases are expanded); a study configuration has a few hundred")
        #expect(clock.now - start < .seconds(20))
    }

    /// D06 and D07: sizes and means that hung or allocated without bound; D15: sd = 1e300 named the
    /// wrong field and printed -nan.
    @Test(arguments: [
        ("ruptures: {repair_delay_mean: 5e9}", "c.yaml:2: field 'ruptures.repair_delay_mean' must be a number of sessions from 1 to 1000 (the most sessions a patient may have), not '5e9'"),
        ("therapists: 1000000000", "c.yaml:2: field 'therapists' must be a whole number from 1 to 100000, not '1000000000'"),
        ("patients: 100000000", "c.yaml:2: field 'patients' must be a whole number from 1 to 1000000, not '100000000'"),
        ("patients: 1000000", "c.yaml:2: field 'patients' is 1000000 patients with up to 30 sessions each (sessions.maximum), 30000000 planned sessions; at most 20000000 are allowed"),
        ("patients: 1e30", "c.yaml:2: field 'patients' must be a whole number from 1 to 1000000, not '1e30'"),
        ("sessions: {sd: 1e300}", "c.yaml:2: field 'sessions.sd' must be a number larger than 0 and at most 1000, not '1e300'"),
        ("distress: {mean: 1e300}", "c.yaml:2: field 'distress.mean' must be at most 1000000 in size (no parameter of the process is larger), not '1e300'"),
        ("distress: {mean: .nan}", "c.yaml:2: field 'distress.mean' must be a number, not '.nan'"),
        ("distress: {mean: 0x10}", "c.yaml:2: field 'distress.mean' must be a number, not '0x10'"),
        ("patients: " + String(repeating: "9", count: 100_000), "c.yaml:2: field 'patients' must be a whole number from 1 to 1000000, not '" + String(repeating: "9", count: 60) + "…' (100000 characters)"),
    ])
    func designSizesAndMeansAreLimited(line: String, message: String) throws {
        try expectRefused(["simulate", "--config", "c.yaml", "--seed", "1", "--out", "o.csv"],
                          files: ["c.yaml": "preset: default\n\(line)\n"], message: message)
    }

    @Test func replicationsAreLimited() throws {
        try expectRefused(["power", "--preset", "default", "--reps", "20000000", "--seed", "1", "--out", "p.csv"], files: [:],
                          message: "--reps: 20000000 replications of 1 cell are too many; at most 10000000 replications in all are allowed")
    }

    /// D10: a rating of 1e308 overflowed the SD to Inf (printed, or a raw EncodingError in JSON).
    @Test func aHugeRatingIsRefusedWithItsLine() throws {
        let data = "patient,session,alliance_patient\n1,1,5\n1,2,1e308\n1,3,4\n"
        for command in [["describe", "d.csv"], ["describe", "d.csv", "--format", "json"], ["ruptures", "d.csv"], ["replicate", "d.csv", "--quiet", "--format", "json"]] {
            try expectRefused(command, files: ["d.csv": data],
                              message: "d.csv:3: column 'alliance_patient': 1e+308 is too large for a rating (more than 10^100 in size); if it is a code for a missing value, declare it with --na")
        }
    }

    /// D12: merge accepted `nan` in a shard (raw EncodingError, or power counted a NaN p as not significant).
    @Test func nonFiniteShardValuesAreRefused() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for i in 1...2 {
            let out = try CommandRunner.run(["power", "--preset", "default", "--reps", "2", "--seed", "1", "--shard", "\(i)/2", "--out", "s\(i).csv",
                                             "--quiet", "--threads", "1"], in: dir)
            #expect(out.status == 0)
        }
        let text = try String(contentsOf: dir.appendingPathComponent("s2.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let k = try #require(lines.firstIndex { $0.hasPrefix("1,2,patient,lagged-observed,rupture,") })
        for (column, value) in [(6, "nan"), (11, "NaN"), (6, "inf"), (11, "1.5"), (13, "nan")] {
            var fields = lines[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields[column] = value
            var changed = lines
            changed[k] = fields.joined(separator: ",")
            try changed.joined(separator: "\n").write(to: dir.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
            let out = try CommandRunner.run(["merge", "s1.csv", "bad.csv", "--out", "m.json"], in: dir)
            #expect(out.status == 2, "\(column) \(value)")
            #expect(out.standardError.hasPrefix("alliance: bad.csv:\(k + 1): a record "), "\(out.standardError)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.json").path))
        }
        // Unchanged, the shards merge.
        #expect(try CommandRunner.run(["merge", "s1.csv", "s2.csv", "--out", "m.json"], in: dir).status == 0)
    }

    /// D15, the parts that are not about fits.
    @Test func minorMessages() throws {
        let dir = try folder(["file.csv": "x\n", "d.csv": "patient,session,alliance_patient\n1,1,5\n1,2,4\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("loop.csv").path, withDestinationPath: "loop.csv")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("book"), withIntermediateDirectories: false)
        let cases: [([String], String)] = [
            (["simulate", "--preset", "default", "--seed", "1", "--out", "file.csv/x.csv"], "file.csv/x.csv: cannot write: file.csv is a file, not a folder"),
            (["describe", "loop.csv"], "loop.csv: too many levels of symbolic links (a symlink loop?)"),
            (["describe", "d.csv", "--codebook", "book"], "book: is a folder, not a file"),
            (["describe", "book.csv"], "book.csv: no such file"),
            (["power", "--preset", "default", "--seed", "1", "--reps", "2", "--out", "p.xyz"],
             "--out: unknown file type for 'p.xyz' (use .txt, .md, .tex, .csv, .json or .html, or give --format) (see 'alliance --help')"),
            (["ruptures", "d.csv", "--threshold", "0x10"], "The value '0x10' is invalid for '--threshold <threshold>' (see 'alliance --help')"),
            (["ruptures", "d.csv", "--threshold", "nan"], "The value 'nan' is invalid for '--threshold <threshold>' (see 'alliance --help')"),
            (["ruptures", "d.csv", "--annotate", "d.csv"], "d.csv: cannot write: is the input file d.csv; alliance never writes over its input (choose another name)"),
            (["describe", "d.csv", "--na", "99,,1"], "--na: an empty code in '99,,1' (codes are separated by commas, e.g. --na 99,-99,NA)"),
            (["describe", "d.csv", "--delimiter", "ab"], "--delimiter: 'ab' is not a delimiter (comma, semicolon, tab or one ASCII character)"),
        ]
        let before = try contents(dir)
        for (arguments, message) in cases {
            let out = try CommandRunner.run(arguments, in: dir)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.standardError == "alliance: \(message)\n", "\(arguments)")
        }
        #expect(try contents(dir) == before)
        #expect(try String(contentsOf: dir.appendingPathComponent("d.csv"), encoding: .utf8).hasPrefix("patient,session"))
        // A 5 MB value in a configuration is quoted in part: the message stays one short line.
        try ("patients: " + String(repeating: "9", count: 5_000_000) + "\n").write(to: dir.appendingPathComponent("hs.yaml"), atomically: true, encoding: .utf8)
        let out = try CommandRunner.run(["simulate", "--config", "hs.yaml", "--print-config"], in: dir)
        #expect(out.status == 2 && out.standardError.count < 300)
        // A 500-character column name, wherever it is named (a role, a rater, a DSEM or ML-SEM
        // term), is quoted as its first 60 characters and its length.
        let name = String(repeating: "x", count: 500)
        let excerpt = "'" + String(repeating: "x", count: 60) + "…' (500 characters)"
        let named: [([String], String)] = [
            (["ruptures", "d.csv", "--columns", "alliance_patient=\(name)"], "d.csv: missing required column \(excerpt) (columns: patient, session, alliance_patient)"),
            (["ruptures", "d.csv", "--rater", name], "--rater \(excerpt): no such column in d.csv (columns: patient, session, alliance_patient)"),
            (["mlsem", "d.csv", "--formula", "alliance_patient ~ pre(lag(\(name)))"], "d.csv: no column \(excerpt) (columns: patient, session, alliance_patient)"),
        ]
        for (arguments, message) in named {
            let out = try CommandRunner.run(arguments, in: dir)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.standardError == "alliance: \(message)\n", "\(arguments)")
        }
    }
}
