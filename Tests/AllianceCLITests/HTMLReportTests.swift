import Foundation
import Testing

/// The HTML reports as a reader sees them, in a real browser (Debian's Chromium, headless):
/// each report renders to PNG and prints to PDF without a single console message, is
/// self-contained (no scripts, nothing loaded from elsewhere), and no figure or table runs past
/// the page: on a desktop screen (1024 px) and in print (A4 with 15 mm margins, 680 px) every
/// table fits its column; on a phone (390 px) the page never scrolls sideways and figures
/// shrink to the width (wide tables scroll inside their own box).
@Suite(.serialized) struct HTMLReportTests {
    static let datasets = CommandRunner.repositoryRoot.appendingPathComponent("datasets")
    static let browsers = ["chromium", "chromium-browser", "google-chrome"]

    /// The widths a report is checked at: name, iframe width, print styles applied, tables must fit.
    static let views: [(name: String, width: Int, print: Bool, tablesFit: Bool)] = [
        ("desktop", 1024, false, true), ("phone", 390, false, false), ("print", 680, true, true),
    ]

    /// A page that loads `report` into one frame per view and writes what overflows into #result.
    static func harness(report: String, printCopy: String) -> String {
        let frames = views.map { v in
            "<iframe id=\"\(v.name)\" src=\"\(v.print ? printCopy : report)\" style=\"width:\(v.width)px;height:900px;border:0\" onload=\"check(this, \(v.tablesFit))\"></iframe>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>harness</title></head><body>
            <pre id="result"></pre>
            <script>
            const found = {};
            function check(frame, tablesFit) {
              const doc = frame.contentDocument, name = frame.id, problems = [];
              if (!doc || !doc.body) { found[name] = ['not loaded']; return report(); }
              const width = doc.documentElement.clientWidth;
              if (doc.documentElement.scrollWidth > width + 1) problems.push('page is ' + doc.documentElement.scrollWidth + ' px wide in a ' + width + ' px view');
              doc.querySelectorAll('figure').forEach(f => {
                const r = f.querySelector('svg').getBoundingClientRect();
                if (r.left < -1 || r.right > width + 1) problems.push('figure ' + f.id + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right));
                if (r.width < 1 || r.height < 1) problems.push('figure ' + f.id + ' is not drawn');
              });
              doc.querySelectorAll('.table-wrap').forEach(w => {
                const t = w.querySelector('table'), r = w.getBoundingClientRect();
                if (r.right > width + 1) problems.push('table box ' + t.id + ' ends at ' + Math.round(r.right));
                if (tablesFit && t.scrollWidth > w.clientWidth + 1) problems.push('table ' + t.id + ' is ' + t.scrollWidth + ' px in a ' + w.clientWidth + ' px column');
              });
              found[name] = problems;
              report();
            }
            function report() {
              if (Object.keys(found).length === \(views.count)) document.getElementById('result').textContent = 'RESULT ' + JSON.stringify(found);
            }
            </script>
            \(frames)
            </body></html>
            """
    }

    /// Checks the report at `path` (a file in `folder`) in the browser.
    func checkInBrowser(_ path: URL, in folder: URL) throws {
        let html = try String(contentsOf: path, encoding: .utf8)
        let name = path.deletingPathExtension().lastPathComponent
        // Self-contained: nothing runs and nothing is fetched.
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src=") && !html.contains("url(http"), "\(name)")
        #expect(html.contains("SHA-256") || name.hasPrefix("power"), "\(name): no data file hash")

        // PNG and PDF, with every console message logged to standard error.
        let png = folder.appendingPathComponent("\(name).png"), pdf = folder.appendingPathComponent("\(name).pdf")
        // A profile of its own in the scratch folder: nothing of the user's (or CI's) home is read or written.
        let common = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                      "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)"]
        guard let shot = try ToolRunner.run(Self.browsers, common + ["--window-size=1024,1400", "--screenshot=\(png.path)", path.absoluteString], in: folder),
              let printed = try ToolRunner.run(Self.browsers, common + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", path.absoluteString], in: folder)
        else { return }
        for run in [shot, printed] {
            let console = run.output.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            #expect(console.isEmpty, "\(name): \(console.joined(separator: " | "))")
        }
        let pngData = try Data(contentsOf: png), pdfData = try Data(contentsOf: pdf)
        #expect(pngData.starts(with: [0x89, 0x50, 0x4E, 0x47]) && pngData.count > 10_000, "\(name).png")
        #expect(pdfData.starts(with: Array("%PDF".utf8)) && pdfData.count > 10_000, "\(name).pdf")

        // Overflow on a desktop, on a phone and in print.
        let printCopy = folder.appendingPathComponent("\(name)-print.html")
        try html.replacingOccurrences(of: "@media print", with: "@media all").write(to: printCopy, atomically: true, encoding: .utf8)
        let harness = folder.appendingPathComponent("\(name)-harness.html")
        try Self.harness(report: path.lastPathComponent, printCopy: printCopy.lastPathComponent).write(to: harness, atomically: true, encoding: .utf8)
        guard let dom = try ToolRunner.run(Self.browsers, common + ["--allow-file-access-from-files", "--virtual-time-budget=20000",
                                                                    "--window-size=1400,1000", "--dump-dom", harness.absoluteString], in: folder) else { return }
        guard let line = dom.output.split(separator: "\n").first(where: { $0.contains("RESULT {") }),
              let json = line.range(of: "{").map({ String(line[$0.lowerBound...]) }).map({ $0.components(separatedBy: "</pre>")[0] }),
              let result = try JSONSerialization.jsonObject(with: Data(json.replacingOccurrences(of: "&quot;", with: "\"").utf8)) as? [String: [String]]
        else {
            Issue.record("\(name): the browser wrote no result: \(dom.output.suffix(600))")
            return
        }
        for view in Self.views {
            #expect(result[view.name] == [], "\(name), \(view.name): \(result[view.name] ?? ["no result"])")
        }
    }

    @Test func replicateFitPowerAndSequencesReportsRenderAndFitThePage() throws {
        let folder = try ToolRunner.scratch("html")
        defer { try? FileManager.default.removeItem(at: folder) }
        let replicate = try CommandRunner.run(["replicate", "--out", "results", "--quiet", "--dsem-iterations", "100"], in: folder)
        #expect(replicate.status == 0, "\(replicate.standardError)")
        // Step 5's tables by estimator, the DSEM's and the ML-SEM's, and the sources of both.
        let replication = try String(contentsOf: folder.appendingPathComponent("results/report.html"), encoding: .utf8)
        #expect(Array(contents(replication).tables.drop { $0 != "lagged-estimators" }.prefix(4)) == ["lagged-estimators", "lagged", "lagged-dsem", "lagged-mlsem"])
        #expect(replication.contains("<td class=\"left\">DSEM, latent centring</td>") && replication.contains("Why the estimates differ"))
        #expect(replication.contains("doi:10.1177/2378023117710578") && replication.contains("Mplus User's Guide"))
        let fit = try CommandRunner.run(["fit", Self.datasets.appendingPathComponent("classic/sleepstudy.csv").path,
                                         "--formula", "Reaction ~ Days + (Days | Subject)", "--compare", "Reaction ~ Days + (1 | Subject)",
                                         "--out", "fit.html"], in: folder)
        #expect(fit.status == 0, "\(fit.standardError)")
        // Issue #13's tables: correlated residuals, Kenward-Roger df, profile intervals, ANOVA, F tests.
        let session = try CommandRunner.run(["fit", Self.datasets.appendingPathComponent("simulated/session-panel.csv").path,
                                             "--formula", "distress ~ session * alliance + (1 | therapist/patient)",
                                             "--residuals", "ar1(session | therapist/patient)", "--df", "kenward-roger", "--anova",
                                             "--test", "session = session:alliance = 0", "--ci", "profile", "--out", "session.html"], in: folder)
        #expect(session.status == 0, "\(session.standardError)")
        try "preset: sud-2025\ngrid:\n  patients: [60, 120]\n  distress.rupture_effect.patient: [1, 2]\n"
            .write(to: folder.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        let power = try CommandRunner.run(["power", "--config", "study.yaml", "--reps", "3", "--seed", "5", "--out", "power.html", "--quiet"], in: folder)
        #expect(power.status == 0, "\(power.standardError)")
        let sequences = try CommandRunner.run(["sequences", Self.datasets.appendingPathComponent("coded-sessions-synthetic.csv").path,
                                               "--codebook", Self.datasets.appendingPathComponent("coded-sessions-codebook.yaml").path,
                                               "--permutations", "99", "--out", "coded"], in: folder)
        #expect(sequences.status == 0, "\(sequences.standardError)")
        for report in [folder.appendingPathComponent("results/report.html"), folder.appendingPathComponent("fit.html"),
                       folder.appendingPathComponent("session.html"),
                       folder.appendingPathComponent("power.html"), folder.appendingPathComponent("coded/report.html")] {
            try checkInBrowser(report, in: report.deletingLastPathComponent())
        }
    }

    /// The SHA-256 of `path` as coreutils' sha256sum computes it (independently of OpenSSL).
    func sha256sum(_ path: String, in folder: URL) throws -> String? {
        guard let run = try ToolRunner.run(["sha256sum"], [path], in: folder) else { return nil }
        return run.output.split(separator: " ").first.map(String.init)
    }

    /// The ids of the tables and the number of figures of a report.
    func contents(_ html: String) -> (tables: [String], figures: Int) {
        (html.matches(of: /<table id="table-([^"]+)"/).map { String($0.1) }, html.components(separatedBy: "<figure").count - 1)
    }

    @Test func describeRupturesMLSEMAndDSEMReportsRenderAndFitThePage() throws {
        let folder = try ToolRunner.scratch("html-data")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = Self.datasets.appendingPathComponent("sud-synthetic.csv").path
        let codebook = Self.datasets.appendingPathComponent("sud-synthetic.yaml").path
        let wages = Self.datasets.appendingPathComponent("classic/wages.csv").path
        for arguments in [["describe", data, "--codebook", codebook, "--out", "described"],
                          ["ruptures", data, "--codebook", codebook, "--out", "ruptures"],
                          ["mlsem", wages, "--formula", "wks ~ pre(lag(union)) + lag(lwage) | ed", "--id", "id", "--time", "t",
                           "--error-inv", "--out", "mlsem.html"],
                          ["dsem", data, "--formula", "distress ~ lag(distress) + session + factor(therapist) + (1 + lag(distress) | patient)",
                           "--burn-in", "200", "--iterations", "300", "--seed", "3", "--out", "dsem.html"]] {
            let run = try CommandRunner.run(arguments, in: folder)
            #expect(run.status == 0, "\(arguments[0]): \(run.standardError)")
        }
        let reports = [folder.appendingPathComponent("described/report.html"), folder.appendingPathComponent("ruptures/report.html"),
                       folder.appendingPathComponent("mlsem.html"), folder.appendingPathComponent("dsem.html")]
        let html = try reports.map { try String(contentsOf: $0, encoding: .utf8) }

        // What each report holds: every table of the command, its figure, the data file's hash.
        #expect(contents(html[0]).tables == ["sample", "ratings", "ratings-by-session", "icc", "variables"] && contents(html[0]).figures == 1)
        #expect(contents(html[1]).tables == ["ruptures", "rupture-agreement", "rupture-sensitivity"] && contents(html[1]).figures == 1)
        #expect(contents(html[2]).tables == ["mlsem-coefficients", "mlsem-fit"] && contents(html[2]).figures == 0)
        #expect(contents(html[3]).tables == ["dsem"] && contents(html[3]).figures == 1)
        if let hash = try sha256sum(data, in: folder), let wagesHash = try sha256sum(wages, in: folder) {
            #expect(html[0].contains(hash) && html[1].contains(hash) && html[2].contains(wagesHash) && html[3].contains(hash))
        }
        // The DSEM report: its estimates as `alliance dsem` prints them with the same seed (posterior
        // median and credible interval, true minus signs), the trace plots inline, the priors, the
        // command line, and the DSEM's sources.
        let dsem = try CommandRunner.run(["dsem", data, "--formula", "distress ~ lag(distress) + session + factor(therapist) + (1 + lag(distress) | patient)",
                                          "--burn-in", "200", "--iterations", "300", "--seed", "3", "--format", "json"], in: folder)
        let fixed = (try JSONSerialization.jsonObject(with: Data(dsem.standardOutput.utf8)) as! [String: Any])["fixed"] as! [[String: Any]]
        let session = try #require(fixed.first { $0["term"] as? String == "session" })
        let median = String(format: "%.3f", abs(session["median"] as! Double))
        #expect(html[3].contains("<td class=\"left\">session</td><td class=\"right number\">\u{2212}\(median)</td>"), "session \(median)")
        #expect(html[3].contains("Trace plots") && html[3].contains("Largest PSR") && html[3].contains("<h2>Priors</h2>"))
        #expect(html[3].contains("<span class=\"option\">--seed</span> 3") && html[3].contains("doi:10.1080/10705511.2017.1406803"))
        // The figures are the ones written next to the reports (ids prefixed for the page).
        let series = try String(contentsOf: folder.appendingPathComponent("ruptures/patient-series.svg"), encoding: .utf8)
        let polygons = { (text: String) in text.components(separatedBy: "<polygon").count - 1 }
        #expect(polygons(series) > 100 && polygons(html[1]) == polygons(series) && html[1].contains(">119</text>"))
        let means = try String(contentsOf: folder.appendingPathComponent("described/ratings-by-session.svg"), encoding: .utf8)
        #expect(means.contains(">Alliance</text>") && means.contains(">distress</text>"))
        // dpm's published Socius estimates (lag(union) -1.206, SE 0.522; chi-square 138.476 on 76 df), with true minus signs;
        // the model in lavaan syntax; dpm's and lavaan's papers among the sources.
        #expect(html[2].contains("<td class=\"left\">lag(union)</td><td class=\"right number\">\u{2212}1.206</td><td class=\"right number\">0.522</td>"))
        #expect(html[2].contains("<td class=\"left\">χ²</td><td class=\"right number\">138.476</td>"))
        #expect(html[2].contains("wks_2 ~ en1*union_1 + ex1*lwage_1 + c1*ed + p1*wks_1"))
        #expect(html[2].contains("doi:10.1177/2378023117710578") && html[2].contains("doi:10.18637/jss.v048.i02"))
        // Options in the text are code that never breaks at its hyphens.
        #expect(html[0].contains("<code class=\"option\">--scale</code>"))

        for report in reports {
            try checkInBrowser(report, in: report.deletingLastPathComponent())
        }
    }
}
