import Foundation
import Testing
import SessionData
import Tabular

/// `alliance sequences` tried as a new user would: bad event files, codebooks and options give
/// one line and exit status 2 with nothing written; results agree with hand-worked values; SPSS
/// and Stata event tables give the same results as the CSV.
@Suite struct SequencesCommandTests {
    static let codebook = """
    categories:
      attending: facilitating
    codes:
      W: withdrawal
      C: confrontation
      AT: attending
      H: hindering
      R: resolution
    model: [withdrawal|confrontation, attending, resolution]
    """

    // Categories by session (lag 1 between categories):
    // P1 s1: withdrawal attending resolution withdrawal hindering
    // P1 s2: withdrawal attending withdrawal hindering confrontation
    // P2 s1: confrontation hindering withdrawal attending resolution
    static let events = """
    patient,session,segment,actor,code
    P1,1,1,patient,W
    P1,1,2,therapist,AT
    P1,1,3,patient,R
    P1,1,4,patient,W
    P1,1,5,therapist,H
    P1,2,1,patient,W
    P1,2,2,therapist,AT
    P1,2,3,patient,W
    P1,2,4,therapist,H
    P1,2,5,patient,C
    P2,1,1,patient,C
    P2,1,2,therapist,H
    P2,1,3,patient,W
    P2,1,4,therapist,AT
    P2,1,5,patient,R
    """

    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-sequences-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    static let badFiles: [(name: String, text: String, message: String)] = [
        ("bad-code.csv", "patient,session,segment,actor,code\nP1,1,1,patient,W\nP1,1,2,therapist,XX\n",
         "bad-code.csv:3: column 'code': code 'XX' is not in the codebook book.yaml (codes: W, C, AT, H, R)"),
        ("out-of-order.csv", "patient,session,segment,actor,code\nP1,1,1,patient,W\nP1,1,4,therapist,AT\nP1,1,3,patient,R\n",
         "out-of-order.csv:4: column 'segment': segment 3 comes after segment 4 (line 3) in session 1 of patient 'P1'; events must be in time order"),
        ("repeated.csv", "patient,session,onset,actor,code\nP1,1,0:30,patient,W\nP1,1,0:30,therapist,AT\n",
         "repeated.csv:3: column 'onset': onset 0:30 twice in session 1 of patient 'P1' (also at line 2); events must be in time order"),
        ("empty-session.csv", "patient,session,segment,actor,code\nP1,1,1,patient,W\nP1,1,2,patient,R\nP1,2,1,patient,\n",
         "empty-session.csv:4: session 2 of patient 'P1' has no coded events (column 'code' is empty in all its rows); leave sessions that were not coded out of the file"),
        ("no-actor.csv", "patient,session,segment,code\nP1,1,1,W\n",
         "no-actor.csv: missing required column 'actor' (columns: patient, session, segment, code); rename with --columns actor=NAME"),
        ("wrong-actor.csv", "patient,session,segment,actor,code\nP1,1,1,patient,W\nP1,1,2,patient,H\n",
         "wrong-actor.csv:3: column 'actor': code 'H' is for the therapist in the codebook (a hindering move is the therapist's), but coded for the patient here"),
        ("empty.csv", "", "empty.csv: file is empty"),
    ]

    @Test(arguments: badFiles.indices)
    func badEventsGiveOneLineAndExitTwo(index: Int) throws {
        let bad = Self.badFiles[index]
        let dir = try folder([bad.name: bad.text, "book.yaml": Self.codebook])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["sequences", bad.name, "--codebook", "book.yaml", "--out", "results", "--sessions-out", "observer.csv"], in: dir)
        #expect(out.status == 2, "\(bad.name)")
        #expect(out.standardError == "alliance: \(bad.message)\n")
        #expect(out.standardOutput.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("observer.csv").path))
    }

    @Test func badOptionsAndCodebooksNameTheOptionOrLine() throws {
        let dir = try folder(["e.csv": Self.events, "book.yaml": Self.codebook,
                              "typo.yaml": "codes:\n  W: withdrawl\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["--lag", "0"], "alliance: --lag must be at least 1, not 0 (see 'alliance --help')\n"),
            (["--lag", "5"], "alliance: --lag 5: no session of e.csv has more than 5 events, so there are no lag-5 transitions\n"),
            (["--permutations=-1"], "alliance: --permutations must be from 0 to 1,000,000, not -1 (see 'alliance --help')\n"),
            (["--sessions-out", "observer.txt"], "alliance: --sessions-out: unknown file type for 'observer.txt' (use .csv, .sav, .zsav, .por or .dta) (see 'alliance --help')\n"),
            (["--model", "withdrawal,attendng"], "alliance: --model: stage 'attendng': no category 'attendng' in the codebook (categories: withdrawal, confrontation, attending, hindering, resolution)\n"),
            (["--columns", "kode=x"], "alliance: --columns: unknown role 'kode' (roles: patient, session, segment, onset, actor, code)\n"),
            (["--columns", "code=rrs"], "alliance: e.csv: missing required column 'rrs' (columns: patient, session, segment, actor, code)\n"),
            (["--codebook", "typo.yaml"], "alliance: typo.yaml:2: code 'W': unknown category 'withdrawl' (built in: withdrawal, confrontation, facilitating, hindering, resolution; declare others under 'categories')\n"),
            (["--codebook", "nope.yaml"], "alliance: nope.yaml: no such file\n"),
        ]
        for (options, expected) in cases {
            var arguments = ["sequences", "e.csv", "--codebook", "book.yaml", "--out", "results"] + options
            if options.first == "--codebook" { arguments.removeSubrange(3...4) }
            let out = try CommandRunner.run(arguments, in: dir)
            #expect(out.status == 2, "\(options)")
            #expect(out.standardError == expected, "\(options)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))
        }
    }

    @Test func jsonHasHandWorkedTransitionsEpisodesAndStages() throws {
        let dir = try folder(["e.csv": Self.events, "book.yaml": Self.codebook])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["sequences", "e.csv", "--codebook", "book.yaml", "--format", "json", "--permutations", "999", "--seed", "11"], in: dir)
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        #expect(json["lag"] as? Int == 1 && json["permutations"] as? Int == 999 && json["seed"] as? Int == 11)
        #expect(json["units"] as? [String] == ["withdrawal", "confrontation", "attending", "hindering", "resolution"])
        // Lag-1 pairs, 4 per session, N = 12:
        //   s1: W→AT, AT→R, R→W, W→H;  s2: W→AT, AT→W, W→H, H→C;  s3: C→H, H→W, W→AT, AT→R.
        // withdrawal→attending: x = 3; row withdrawal = 5 (W→AT 3, W→H 2); column attending = 3.
        // e = 5 x 3 / 12 = 1.25; p(T|G) = 3/5 = .6; z = 1.75 / sqrt(1.25 x 7/12 x 9/12) = 2.3664319;
        // a = 3, b = 2, c = 0, d = 12 - 5 - 3 + 3 = 7: Q = (21 - 0)/(21 + 0) = 1.
        #expect(json["total_transitions"] as? Int == 12)
        let cells = json["transitions"] as! [[String: Any]]
        #expect(cells.count == 25)
        let wa = cells.first { $0["given"] as? String == "withdrawal" && $0["target"] as? String == "attending" }!
        #expect(wa["count"] as? Int == 3)
        #expect(abs(wa["expected"] as! Double - 1.25) < 1e-12)
        #expect(abs(wa["transitional_probability"] as! Double - 0.6) < 1e-12)
        #expect(abs(wa["adjusted_residual"] as! Double - 1.75 / (1.25 * 7.0 / 12 * 9.0 / 12).squareRoot()) < 1e-12)
        #expect(wa["yules_q"] as? Double == 1)
        let p = wa["p_value"] as! Double
        #expect(p > 0 && p <= 1 && abs(p * 1000 - (p * 1000).rounded()) < 1e-9)   // a multiple of 1/(m + 1)

        // Episodes: s1 W..R resolved, W H unresolved; s2 W AT W H C unresolved; s3 C H W AT R resolved.
        let episodes = json["episodes"] as! [[String: Any]]
        #expect(episodes.map { $0["resolved"] as! Bool } == [true, false, false, true])
        #expect(episodes.map { $0["events"] as! Int } == [3, 2, 5, 5])
        #expect(episodes[3]["therapist_moves"] as? [String] == ["H", "AT"])
        // Moves: resolved episodes F = 1 + 1, H = 0 + 1; unresolved F = 0 + 1, H = 1 + 1.
        // R: fisher.test(matrix(c(2, 1, 1, 2), 2))$p.value = 1.
        let moves = json["moves_by_resolution"] as! [String: Any]
        #expect(moves["facilitating_in_resolved"] as? Int == 2 && moves["hindering_in_resolved"] as? Int == 1)
        #expect(moves["facilitating_in_unresolved"] as? Int == 1 && moves["hindering_in_unresolved"] as? Int == 2)
        #expect(moves["fisher_exact_p"] as? Double == 1)   // exactly 1, as R prints it
        // Stages (1 = W|C, 2 = attending, 3 = resolution): episode 3 (s2) is W AT W (H) C:
        // 1 2 1 1, a step back to stage 1 at segment 3 after stage 2.
        let stage = json["stage_model"] as! [String: Any]
        let sequences = stage["episodes"] as! [[String: Any]]
        #expect(sequences.map { $0["stages"] as! [Int] } == [[1, 2, 3], [1], [1, 2, 1, 1], [1, 1, 2, 3]])
        let deviation = sequences[2]["deviation"] as! [String: Any]
        #expect(deviation["at"] as? String == "segment 3" && deviation["stage"] as? Int == 1 && deviation["after_stage"] as? Int == 2)
        #expect(sequences[0]["deviation"] is NSNull)
        let fit = stage["fit_all"] as! [String: Any]
        #expect(fit["episodes"] as? Int == 4 && fit["in_order"] as? Int == 3 && fit["complete"] as? Int == 2)
        #expect(abs(fit["share_in_order"] as! Double - 0.75) < 1e-12)
    }

    @Test func undefinedStatisticsAreNullNotNaN() throws {
        // Two sessions W AT: the only transition is withdrawal→attending (N = 2). attending starts
        // none: p(T|attending) undefined; column attending's total is N: every z undefined; Q of
        // withdrawal→attending has b = c = d = 0: undefined.
        let dir = try folder(["e.csv": "patient,session,segment,actor,code\nP,1,1,patient,W\nP,1,2,therapist,AT\nP,2,1,patient,W\nP,2,2,therapist,AT\n",
                              "book.yaml": Self.codebook])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["sequences", "e.csv", "--codebook", "book.yaml", "--format", "json"], in: dir)
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let cells = json["transitions"] as! [[String: Any]]
        let wa = cells.first { $0["given"] as? String == "withdrawal" && $0["target"] as? String == "attending" }!
        #expect(wa["count"] as? Int == 2 && wa["transitional_probability"] as? Double == 1)
        #expect(wa["adjusted_residual"] is NSNull && wa["yules_q"] is NSNull)
        // Shuffled, each session is W AT or AT W with probability 1/2, so the count is
        // binomial(2, 1/2): P(X >= 2) = 1/4, P(X <= 2) = 1, exact two-sided p = 2 x 1/4 = .5;
        // 9,999 permutations estimate it within about 3 x 0.0043 (two-sided: doubled).
        #expect(abs(wa["p_value"] as! Double - 0.5) < 0.03)
        let aw = cells.first { $0["given"] as? String == "attending" }!
        #expect(aw["transitional_probability"] is NSNull)
        #expect(!out.standardOutput.lowercased().contains("nan"))
        // The text table shows a dash for each.
        let text = try CommandRunner.run(["sequences", "e.csv", "--codebook", "book.yaml"], in: dir)
        #expect(text.standardOutput.contains("withdrawal  attending   2      2.00    1.00  -  -"))
    }

    @Test func sameSeedSameOutput() throws {
        let dir = try folder(["e.csv": Self.events, "book.yaml": Self.codebook])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = { (seed: String) in try CommandRunner.run(["sequences", "e.csv", "--codebook", "book.yaml", "--format", "csv", "--seed", seed], in: dir) }
        let a = try run("5"), b = try run("5"), c = try run("6")
        #expect(a.status == 0 && a.standardOutput == b.standardOutput)
        #expect(a.standardOutput != c.standardOutput)   // other shuffles: some p-values differ
    }

    @Test func outFolderAndSessionsFile() throws {
        let dir = try folder(["e.csv": Self.events, "book.yaml": Self.codebook])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["sequences", "e.csv", "--codebook", "book.yaml", "--out", "results", "--sessions-out", "observer.csv",
                                         "--permutations", "99"], in: dir)
        #expect(out.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results").path).sorted()
        #expect(names == ["coded-sessions.csv", "codes.csv", "episodes.csv", "moves-by-resolution.csv", "observer-sessions.csv",
                          "report.html", "sequences.json", "stage-model-fit.csv", "stage-model.csv", "stage-sequences.csv", "transitional-probabilities.csv",
                          "transitions-by-session.csv", "transitions.csv", "transitions.svg"])
        let svg = try String(contentsOf: dir.appendingPathComponent("results/transitions.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.contains(">withdrawal</text>"))
        // The session file: the long format, one row per coded session.
        let sessions = try DelimitedTextReader().read(path: dir.appendingPathComponent("observer.csv").path)
        #expect(sessions.names == ["patient", "session", "events", "markers_withdrawal", "markers_confrontation", "markers", "episodes",
                                   "episodes_resolved", "moves_facilitating", "moves_hindering", "resolution_seen", "rupture_observer",
                                   "repair_observer"])
        #expect(sessions["session"] == .numeric([1, 2, 1]))
        #expect(sessions["markers"] == .numeric([2, 3, 2]))
        #expect(sessions["rupture_observer"] == .numeric([1, 1, 1]) && sessions["repair_observer"] == .numeric([1, 0, 1]))
        // The transitions table as CSV at full precision: withdrawal→attending, z = 2.3664319...
        let transitions = try String(contentsOf: dir.appendingPathComponent("results/transitions.csv"), encoding: .utf8)
        #expect(transitions.contains("\nwithdrawal,attending,3,1.25,0.6,2.36643191323984"))
    }

    @Test(arguments: ["sav", "dta"])
    func spssAndStataGiveTheSameResultsAsCSV(ext: String) throws {
        let dir = try folder(["e.csv": Self.events, "book.yaml": Self.codebook])
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try DelimitedTextReader().read(path: dir.appendingPathComponent("e.csv").path)
        let binary = dir.appendingPathComponent("e.\(ext)").path
        try StatisticalFileWriter.data(for: SessionFile(table: table), format: ext == "sav" ? .spss : .stata, destination: binary)
            .write(to: URL(fileURLWithPath: binary))
        let arguments = ["--codebook", "book.yaml", "--format", "json", "--permutations", "199"]
        let fromCSV = try CommandRunner.run(["sequences", "e.csv"] + arguments, in: dir)
        let fromBinary = try CommandRunner.run(["sequences", "e.\(ext)"] + arguments, in: dir)
        #expect(fromCSV.status == 0 && fromBinary.status == 0)
        #expect(fromBinary.standardOutput.replacingOccurrences(of: "\"e.\(ext)\"", with: "\"e.csv\"") == fromCSV.standardOutput)
        // A bad code in the binary file is named by row.
        var bad = table
        try bad.append(.categorical(codes: [0, 1, 2, 0, 3, 0, 1, 0, 3, 4, 4, 3, 0, 1, 5],
                                    labels: ["W", "AT", "R", "H", "C", "XX"]), named: "code")
        let badPath = dir.appendingPathComponent("bad.\(ext)").path
        try StatisticalFileWriter.data(for: SessionFile(table: bad), format: ext == "sav" ? .spss : .stata, destination: badPath)
            .write(to: URL(fileURLWithPath: badPath))
        let out = try CommandRunner.run(["sequences", "bad.\(ext)", "--codebook", "book.yaml"], in: dir)
        #expect(out.status == 2)
        #expect(out.standardError == "alliance: bad.\(ext), row 15: column 'code': code 'XX' is not in the codebook book.yaml (codes: W, C, AT, H, R)\n")
    }

    @Test func theBundledSyntheticExampleRuns() throws {
        let root = CommandRunner.repositoryRoot
        let out = try CommandRunner.run(["sequences", "datasets/coded-sessions-synthetic.csv",
                                         "--codebook", "datasets/coded-sessions-codebook.yaml", "--format", "markdown"], in: root)
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("| Sessions, n | 16 |"))
        #expect(out.standardOutput.contains("**Table 9. Fit of episodes to the stage model**"))
    }
}
