import Foundation
import Testing

/// `alliance simulate`, `alliance power` and `alliance merge` as a user (and a Slurm job array)
/// runs them: files in the long format, byte-identical results however the study is split or
/// interrupted, and one line with exit status 2 for every bad input, with nothing written.
@Suite struct PowerCommandTests {
    /// A small grid over a small version of the sud-2025 design: 2 cells.
    static let grid = """
    preset: sud-2025
    patients: 24
    therapists: 3
    sessions: {mean: 8, sd: 4, minimum: 4, maximum: 14}
    grid:
      patients: [16, 24]
    """

    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-power-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    func read(_ dir: URL, _ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent(name)) }

    func exists(_ dir: URL, _ name: String) -> Bool { FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path) }

    @Test func simulateWritesTheLongFormatThatOtherCommandsRead() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["simulate", "--preset", "sud-2025", "--seed", "1", "--out", "sud.csv"], in: dir)
        #expect(out.status == 0)
        #expect(out.standardOutput.hasPrefix("Simulated data, not real patients: 119 patients with sessions, 6 therapists, "))
        let text = String(decoding: try read(dir, "sud.csv"), as: UTF8.self)
        #expect(text.hasPrefix("patient,therapist,session,alliance_patient,alliance_therapist,distress\n"))
        let ruptures = try CommandRunner.run(["ruptures", "sud.csv", "--scale", "alliance_patient=1:7", "--scale", "alliance_therapist=1:7",
                                              "--format", "json", "--no-sensitivity"], in: dir)
        #expect(ruptures.status == 0)
        #expect(ruptures.standardOutput.contains("\"patients\" : 119"))
        // The same data as SPSS, with the true events added.
        let sav = try CommandRunner.run(["simulate", "--preset", "sud-2025", "--seed", "1", "--out", "sud.sav", "--truth"], in: dir)
        #expect(sav.status == 0)
        let fit = try CommandRunner.run(["fit", "sud.sav", "--formula", "distress ~ true_rupture_patient + (1 | patient)", "--format", "csv"], in: dir)
        #expect(fit.status == 0 && fit.standardOutput.contains("true_rupture_patient"))
        // Another seed, other data.
        _ = try CommandRunner.run(["simulate", "--preset", "sud-2025", "--seed", "2", "--out", "other.csv"], in: dir)
        #expect(try read(dir, "other.csv") != read(dir, "sud.csv"))
    }

    @Test func printConfigWritesAConfigurationThatReadsBack() throws {
        let dir = try folder(["grid.yaml": Self.grid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let printed = try CommandRunner.run(["power", "--config", "grid.yaml", "--print-config"], in: dir)
        #expect(printed.status == 0)
        #expect(printed.standardOutput.contains("patients: 24\n") && printed.standardOutput.contains("  patients: [16, 24]\n"))
        try printed.standardOutput.write(to: dir.appendingPathComponent("full.yaml"), atomically: true, encoding: .utf8)
        let again = try CommandRunner.run(["simulate", "--config", "full.yaml", "--print-config"], in: dir)
        #expect(again.standardOutput == printed.standardOutput)
    }

    @Test func shardsMergeIntoTheUnshardedResultByteForByte() throws {
        let dir = try folder(["grid.yaml": Self.grid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let common = ["power", "--config", "grid.yaml", "--reps", "6", "--seed", "42", "--quiet"]
        #expect(try CommandRunner.run(common + ["--out", "full.md", "--curve", "full.svg", "--replications", "full.csv"], in: dir).status == 0)
        #expect(try CommandRunner.run(common + ["--out", "one-thread.md", "--threads", "1"], in: dir).status == 0)
        #expect(try read(dir, "one-thread.md") == read(dir, "full.md"))
        // Shard 1 by option, shards 2 and 3 as tasks of a Slurm array --array=0-2.
        #expect(try CommandRunner.run(common + ["--shard", "1/3", "--out", "shard-1.csv"], in: dir).status == 0)
        for task in [1, 2] {
            let env = ["SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_ARRAY_TASK_MIN": "0"]
            #expect(try CommandRunner.run(common + ["--out", "shard-\(task + 1).csv"], in: dir, environment: env).status == 0)
            #expect(String(decoding: try read(dir, "shard-\(task + 1).csv"), as: UTF8.self).contains("\n# shard: \(task + 1)/3\n"))
        }
        let merged = try CommandRunner.run(["merge", "shard-3.csv", "shard-1.csv", "shard-2.csv", "--out", "merged.md",
                                            "--curve", "merged.svg", "--replications", "merged.csv"], in: dir)
        #expect(merged.status == 0, "\(merged.standardError)")
        #expect(try read(dir, "merged.md") == read(dir, "full.md"))
        #expect(try read(dir, "merged.svg") == read(dir, "full.svg"))
        #expect(try read(dir, "merged.csv") == read(dir, "full.csv"))
        #expect(!exists(dir, "full.md.checkpoint") && !exists(dir, "shard-1.csv.checkpoint"))
        let summary = String(decoding: try read(dir, "full.md"), as: UTF8.self)
        #expect(summary.contains("Simulated data, not real patients: 6 replications per cell, seed 42"))
        #expect(summary.contains("Cell 2: Patients = 24"))
        // The table says what it simulated and flags the rows whose CIs miss the truth.
        #expect(summary.contains("Design simulated (the grid factors below vary by cell):") && summary.contains("in points of the distress scale"))
        #expect(summary.contains("rows: the 95% CI covered the true effect in less than 90% or more than 98%"))
        #expect(String(decoding: try read(dir, "full.svg"), as: UTF8.self).hasPrefix("<?xml"))
        // JSON and CSV of the same study.
        #expect(try CommandRunner.run(common + ["--out", "full.json"], in: dir).status == 0)
        let json = try JSONSerialization.jsonObject(with: try read(dir, "full.json")) as? [String: Any]
        #expect(json?["simulated"] as? Bool == true)
        // cells x raters x (3 estimators, each also on the true events) x terms.
        let expected: Int = 2 * 2 * (3 * 2) * 2
        #expect((json?["results"] as? [Any])?.count == expected)
        // The flagged rows are those whose coverage (in the JSON) is outside 90-98%, each marked † in the table.
        let coverages = (json?["results"] as? [[String: Any]] ?? []).compactMap { ($0["coverage"] as? [String: Any])?["value"] as? Double }
        let outside = coverages.filter { $0 < 0.9 || $0 > 0.98 }.count
        #expect(summary.contains("† \(outside) of \(expected) rows"), "\(outside)")
        #expect(summary.components(separatedBy: " †").count - 1 == outside + 1)   // the rows and the note
    }

    @Test func mergeRefusesShardsThatDoNotBelongTogether() throws {
        let dir = try folder(["grid.yaml": Self.grid, "other.yaml": Self.grid.replacingOccurrences(of: "[16, 24]", with: "[16, 20]")])
        defer { try? FileManager.default.removeItem(at: dir) }
        func shard(_ spec: String, _ out: String, seed: String = "42", config: String = "grid.yaml", reps: String = "3") throws {
            let run = try CommandRunner.run(["power", "--config", config, "--reps", reps, "--seed", seed, "--quiet",
                                             "--shard", spec, "--out", out], in: dir)
            #expect(run.status == 0, "\(run.standardError)")
        }
        try shard("1/2", "a1.csv")
        try shard("2/2", "a2.csv")
        try shard("2/2", "seed.csv", seed: "43")
        try shard("2/2", "config.csv", config: "other.yaml")
        try shard("2/2", "reps.csv", reps: "4")
        try shard("2/3", "count.csv")
        // A shard cut short: its last replications are missing.
        let full = String(decoding: try read(dir, "a2.csv"), as: UTF8.self)
        try String(full.split(separator: "\n", omittingEmptySubsequences: false).dropLast(5).joined(separator: "\n") + "\n")
            .write(to: dir.appendingPathComponent("cut.csv"), atomically: true, encoding: .utf8)
        try "patient,session\n1,1\n".write(to: dir.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["a1.csv", "seed.csv"], "seed.csv: seed 43 differs from seed 42 of a1.csv"),
            (["a1.csv", "config.csv"], "config.csv: a shard of another study (its configuration differs from a1.csv's)"),
            (["a1.csv", "reps.csv"], "reps.csv: 4 replications per cell, but 3 in a1.csv"),
            (["a1.csv", "count.csv"], "count.csv: shard 2/3, but a1.csv is one of 2 shards"),
            (["a1.csv", "a1.csv"], "a1.csv: shard 1/2 is given twice (also a1.csv)"),
            (["a1.csv"], "shard 2/2 is missing (1 of 2 shards given)"),
            (["a1.csv", "cut.csv"], "cut.csv: shard 2/2 is incomplete or damaged (2 of 3 replications complete); rerun it"),
            (["a1.csv", "data.csv"], "data.csv: not a replications file of alliance power (it should start with '# alliance power: replications of a simulation study (simulated data, not real patients)')"),
            (["a1.csv", "absent.csv"], "absent.csv: no such file"),
        ]
        for (files, message) in cases {
            let out = try CommandRunner.run(["merge"] + files + ["--out", "merged.md"], in: dir)
            #expect(out.status == 2, "\(files)")
            #expect(out.standardError == "alliance: \(message)\n")
            #expect(!exists(dir, "merged.md"))
        }
        #expect(try CommandRunner.run(["merge", "a2.csv", "a1.csv", "--out", "merged.md"], in: dir).status == 0)
    }

    /// The bundled datasets/sud-synthetic.csv is byte for byte what its documented command writes
    /// with the current preset (datasets/sud-synthetic.md; regenerated when the preset changed).
    @Test func bundledDatasetIsThePresetsOutput() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CommandRunner.run(["simulate", "--preset", "sud-2025", "--seed", "2025", "--out", "sud.csv"], in: dir)
        #expect(run.status == 0, "\(run.standardError)")
        let bundled = try Data(contentsOf: CommandRunner.repositoryRoot.appendingPathComponent("datasets/sud-synthetic.csv"))
        #expect(try read(dir, "sud.csv") == bundled)
    }

    /// The table's note names each estimator with its formula and how it is fitted: an lme4 model
    /// by REML (with its residual correlation structure, if any), the DSEM by Bayesian estimation, ML-SEM by maximum likelihood on its sessions.
    @Test func notesSayHowEachEstimatorIsFitted() throws {
        let config = """
        preset: sud-2025
        patients: 30
        therapists: 3
        sessions: {mean: 10, sd: 4, minimum: 6, maximum: 14}
        analysis:
          estimators: [lagged-observed, lagged-ar1, dsem, mlsem]
          oracle: false
        """
        let dir = try folder(["small.yaml": config])
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CommandRunner.run(["power", "--config", "small.yaml", "--reps", "1", "--seed", "3", "--quiet", "--out", "p.txt"], in: dir)
        #expect(run.status == 0, "\(run.standardError)")
        let text = String(decoding: try read(dir, "p.txt"), as: UTF8.self).split(separator: "\n").joined(separator: " ")
        #expect(text.contains("Estimators: lagged-observed, distress_next ~ distress + rupture + repair + session + (1 | patient) (lme4 formula, REML, Satterthwaite df);"), "\(text)")
        #expect(text.contains("lagged-ar1, distress_next ~ distress_within + rupture + repair + session + (1 | patient) (lme4 formula with residual correlation ar1(session | patient) as in nlme, REML, Satterthwaite df);"))
        #expect(text.contains("dsem, distress ~ lag(distress) + lag(rupture) + lag(repair) + session + (1 + lag(distress) | patient) (DSEM formula, Bayesian, Mplus's priors and PSR rule);"))
        #expect(text.contains("mlsem, distress ~ pre(lag(rupture)) + pre(lag(repair)) (dpm formula, ML-SEM by maximum likelihood (FIML), sessions 3-12)."))
    }

    @Test func badInputGivesOneLineAndExitTwo() throws {
        let dir = try folder(["bad.yaml": "distress:\n  autoregression: high\n", "grid.yaml": Self.grid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String, [String: String])] = [
            (["power", "--config", "bad.yaml", "--reps", "2", "--seed", "1", "--out", "p.md"],
             "bad.yaml:2: field 'distress.autoregression' must be a number strictly between -1 and 1, not 'high'", [:]),
            (["simulate", "--preset", "sud-2024", "--seed", "1", "--out", "s.csv"], "--preset: unknown preset 'sud-2024' (presets: sud-2025, default)", [:]),
            (["power", "--preset", "sud-2025", "--reps", "2", "--seed", "1", "--shard", "0/3", "--out", "p.md"],
             "--shard: expected I/N with 1 <= I <= N, not 0/3", [:]),
            (["power", "--preset", "sud-2025", "--reps", "2", "--seed", "1", "--shard", "three", "--out", "p.md"],
             "--shard: expected I/N with 1 <= I <= N, e.g. 3/10, not 'three'", [:]),
            (["power", "--preset", "sud-2025", "--reps", "2", "--seed", "1", "--out", "p.md"],
             "SLURM_ARRAY_TASK_ID: task 9 of an array of 4 from 1 in steps of 1 is not one of the array's tasks; give --shard I/N",
             ["SLURM_ARRAY_TASK_ID": "9", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]),
            (["power", "--preset", "sud-2025", "--reps", "2", "--seed", "1", "--shard", "1/2", "--curve", "c.svg", "--out", "p.md"],
             "--shard 1/2: --out receives the shard's replications; --format, --curve and --replications belong to 'alliance merge'", [:]),
            (["power", "--preset", "sud-2025", "--reps", "2", "--seed", "1", "--curve", "c.svg", "--out", "p.md"],
             "--curve: a power curve needs a grid factor with two or more numbers as values, e.g. 'grid: {patients: [60, 120, 200]}'", [:]),
            (["power", "--config", "grid.yaml", "--reps", "2", "--seed", "1", "--curve", "c.svg", "--curve-factor", "sessions.mean", "--out", "p.md"],
             "--curve-factor: 'sessions.mean' is not a grid factor (grid factors: patients)", [:]),
            (["power", "--preset", "sud-2025", "--config", "grid.yaml", "--reps", "2", "--seed", "1", "--out", "p.md"],
             "give either --preset or --config, not both (a configuration file can start from a preset with 'preset: NAME') (see 'alliance --help')", [:]),
            (["power", "--preset", "sud-2025", "--reps", "2", "--out", "p.md"], "--seed is required (see 'alliance --help')", [:]),
            (["power", "--preset", "sud-2025", "--reps", "0", "--seed", "1", "--out", "p.md"], "--reps must be at least 1 (see 'alliance --help')", [:]),
            (["simulate", "--preset", "sud-2025", "--seed", "1", "--out", "s.xlsx"], "--out: unknown file type for 's.xlsx' (use .csv, .sav, .zsav, .por or .dta) (see 'alliance --help')", [:]),
            (["simulate", "--config", "grid.yaml", "--seed", "1", "--cell", "3", "--out", "s.csv"], "--cell 3: the study has 2 cells", [:]),
            (["simulate", "--config", "absent.yaml", "--seed", "1", "--out", "s.csv"], "absent.yaml: no such file", [:]),
        ]
        for (arguments, message, environment) in cases {
            let out = try CommandRunner.run(arguments, in: dir, environment: environment)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.standardError == "alliance: \(message)\n", "\(arguments)")
            for file in ["p.md", "s.csv", "c.svg", "p.md.checkpoint"] { #expect(!exists(dir, file), "\(arguments) wrote \(file)") }
        }
    }

    @Test func killedRunResumesFromItsCheckpoint() throws {
        let dir = try folder(["grid.yaml": Self.grid])
        defer { try? FileManager.default.removeItem(at: dir) }
        let arguments = ["power", "--config", "grid.yaml", "--reps", "60", "--seed", "5", "--threads", "1", "--quiet"]
        #expect(try CommandRunner.run(arguments + ["--out", "whole.md"], in: dir).status == 0)

        // Start the same study, kill it (SIGKILL: no chance to clean up) once some replications
        // are in the checkpoint, and run it again.
        let process = Process()
        process.executableURL = CommandRunner.productsFolder.appendingPathComponent("alliance")
        process.arguments = arguments + ["--out", "resumed.md"]
        process.currentDirectoryURL = dir
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_ARRAY_") }
        try process.run()
        let checkpoint = dir.appendingPathComponent("resumed.md.checkpoint")
        let deadline = Date().addingTimeInterval(60)
        func recordLines() -> Int {
            guard let text = try? String(contentsOf: checkpoint, encoding: .utf8) else { return 0 }
            return text.split(separator: "\n").filter { $0.first.map { $0.isNumber } ?? false }.count
        }
        while recordLines() < 24 && process.isRunning && Date() < deadline { usleep(20_000) }
        // 120 replications take seconds; two of them are done long before the end.
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(!exists(dir, "resumed.md"))
        #expect(recordLines() >= 24)
        let resumed = try CommandRunner.run(["power", "--config", "grid.yaml", "--reps", "60", "--seed", "5", "--threads", "2", "--out", "resumed.md"], in: dir)
        #expect(resumed.status == 0)
        #expect(resumed.standardError.contains("from the checkpoint)") && !resumed.standardError.contains("(0 from the checkpoint)"))
        #expect(try read(dir, "resumed.md") == read(dir, "whole.md"))
        #expect(!exists(dir, "resumed.md.checkpoint"))
    }
}
