import Foundation
import Testing

/// The LaTeX every command writes, compiled as a reader would: `pdflatex` (Debian's
/// texlive-latex-recommended with lmodern) on the file itself, twice (longtables and labels
/// settle on the second run). The second run must end without error and its log must have no
/// bad box (overfull or underfull) and no missing glyph (`\tracinglostchars=2` logs every
/// character a font lacks).
@Suite(.serialized) struct LaTeXCompileTests {
    static let datasets = CommandRunner.repositoryRoot.appendingPathComponent("datasets")

    /// Compiles `tex` and returns the problems in the final log (empty when clean).
    func problems(compiling tex: String, named name: String, in folder: URL) throws -> [String]? {
        try tex.write(to: folder.appendingPathComponent("\(name).tex"), atomically: true, encoding: .utf8)
        var last: ToolRunner.Output?
        for _ in 0..<2 {
            guard let run = try ToolRunner.run(["pdflatex"], ["-interaction=nonstopmode", "-halt-on-error", "-jobname", name,
                                                              "\\tracinglostchars=2 \\input{\(name).tex}"], in: folder) else { return nil }
            last = run
        }
        let log = (try? String(contentsOf: folder.appendingPathComponent("\(name).log"), encoding: .isoLatin1)) ?? ""
        var found = log.split(separator: "\n").filter {
            $0.hasPrefix("Overfull") || $0.hasPrefix("Underfull") || $0.contains("Missing character") || $0.hasPrefix("!")
                || $0.contains("LaTeX Warning") || $0.contains("Package") && $0.contains("Warning")
        }.map(String.init)
        if last?.status != 0 { found.append("pdflatex exited with \(last?.status ?? -1)") }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("\(name).pdf").path), "\(name).pdf")
        return found
    }

    func latex(of arguments: [String], in folder: URL) throws -> String {
        let run = try CommandRunner.run(arguments + ["--format", "latex"], in: folder)
        #expect(run.status == 0, "\(arguments): \(run.standardError)")
        return run.standardOutput
    }

    @Test func everyCommandsLaTeXCompilesWithoutBadBoxesOrMissingGlyphs() throws {
        let folder = try ToolRunner.scratch("latex")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Self.datasets.appendingPathComponent("sud-synthetic.csv").path
        let codebook = Self.datasets.appendingPathComponent("sud-synthetic.yaml").path
        var documents: [(String, String)] = [
            ("describe", try latex(of: ["describe", data, "--codebook", codebook], in: folder)),
            ("ruptures", try latex(of: ["ruptures", data, "--codebook", codebook], in: folder)),
            ("fit", try latex(of: ["fit", Self.datasets.appendingPathComponent("classic/sleepstudy.csv").path,
                                    "--formula", "Reaction ~ Days + (Days | Subject)", "--compare", "Reaction ~ Days + (1 | Subject)"], in: folder)),
            ("fit-session", try latex(of: ["fit", Self.datasets.appendingPathComponent("simulated/session-panel.csv").path,
                                            "--formula", "distress ~ session * alliance + (1 | therapist/patient)",
                                            "--residuals", "ar1(session | therapist/patient)", "--df", "kenward-roger", "--anova",
                                            "--test", "session = session:alliance = 0", "--boot", "20"], in: folder)),
            ("sequences", try latex(of: ["sequences", Self.datasets.appendingPathComponent("coded-sessions-synthetic.csv").path,
                                          "--codebook", Self.datasets.appendingPathComponent("coded-sessions-codebook.yaml").path], in: folder)),
            ("mlsem", try latex(of: ["mlsem", Self.datasets.appendingPathComponent("classic/wages.csv").path,
                                      "--formula", "wks ~ pre(lag(union)) + lag(lwage) | ed", "--id", "id", "--time", "t", "--error-inv"], in: folder)),
            ("dsem", try latex(of: ["dsem", data, "--formula", "distress ~ lag(distress) + session + factor(therapist) + (1 + lag(distress) | patient)",
                                     "--burn-in", "100", "--iterations", "100"], in: folder)),
        ]
        // replicate --out writes tables.tex (its DSEM and ML-SEM tables too); power writes the summary as LaTeX by its extension.
        let replicate = try CommandRunner.run(["replicate", "--out", "results", "--quiet", "--dsem-iterations", "100"], in: folder)
        #expect(replicate.status == 0, "\(replicate.standardError)")
        documents.append(("tables", try String(contentsOf: folder.appendingPathComponent("results/tables.tex"), encoding: .utf8)))
        let power = try CommandRunner.run(["power", "--preset", "sud-2025", "--reps", "4", "--seed", "3", "--out", "power.tex", "--quiet"], in: folder)
        #expect(power.status == 0, "\(power.standardError)")
        documents.append(("power", try String(contentsOf: folder.appendingPathComponent("power.tex"), encoding: .utf8)))

        for (name, tex) in documents {
            #expect(tex.contains("\\usepackage[T1]{fontenc}") && !tex.contains("\\resizebox"), "\(name)")
            guard let problems = try problems(compiling: tex, named: name, in: folder) else { return }
            #expect(problems.isEmpty, "\(name).tex: \(problems.prefix(5).joined(separator: " | "))")
        }
        // Labels are unique within and across commands (the second fit is another run of the same
        // command, so only within itself).
        func labels(_ tex: String) -> [String] { tex.matches(of: /\\label\{([^}]*)\}/).map { String($0.1) } }
        let all = documents.filter { $0.0 != "fit-session" }.flatMap { labels($0.1) }
        #expect(Set(all).count == all.count)
        let session = labels(documents.first { $0.0 == "fit-session" }!.1)
        #expect(Set(session).count == session.count && session.count == 5)
    }
}
