import Foundation
import Testing

/// Every figure alliance draws, looked at as a reader sees it: rendered to PNG by rsvg-convert
/// (librsvg, what Inkscape and many LaTeX workflows use) at its natural size, and measured in
/// Chromium: no text smaller than 10 px, no text running off the canvas, no two texts
/// overlapping (tick labels, legends, titles, arrow labels). The figures come from the commands
/// on the bundled data, on data whose raters use different scales (one panel per rater, percent
/// of scale), from a power study with long grid-factor names, from observer-coded events
/// (categories and codes), from describe (alliance and distress; raters on different scales),
/// ruptures, and dsem's trace plots.
@Suite(.serialized) struct FigureRenderingTests {
    static let datasets = CommandRunner.repositoryRoot.appendingPathComponent("datasets")

    /// The bundled data with the patient's alliance moved from 1-7 to 1-5 (x -> 1 + (x - 1) 2/3).
    static func differentScales() throws -> String {
        let text = try String(contentsOf: datasets.appendingPathComponent("sud-synthetic.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let column = lines[0].firstIndex(of: "alliance_patient")!
        for r in 1..<lines.count {
            if let x = Double(lines[r][column]) { lines[r][column] = String(format: "%.4f", 1 + (x - 1) * 2 / 3) }
        }
        return lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Makes every figure in `folder`; returns their paths.
    func makeFigures(in folder: URL) throws -> [URL] {
        func run(_ arguments: [String]) throws {
            let out = try CommandRunner.run(arguments, in: folder)
            #expect(out.status == 0, "\(arguments): \(out.standardError)")
        }
        try run(["replicate", "--out", "bundled", "--quiet", "--dsem-iterations", "100"])
        try Self.differentScales().write(to: folder.appendingPathComponent("scales.csv"), atomically: true, encoding: .utf8)
        try run(["replicate", "scales.csv", "--scale", "alliance_patient=1:5", "--scale", "alliance_therapist=1:7",
                 "--scale", "distress=0:40", "--out", "scales", "--quiet", "--dsem-iterations", "100"])
        try "preset: sud-2025\ngrid:\n  patients: [60, 90, 120]\n  distress.rupture_effect.patient: [1, 2]\n  ruptures.sensitivity.therapist: [0.6, 0.9]\n"
            .write(to: folder.appendingPathComponent("study.yaml"), atomically: true, encoding: .utf8)
        try run(["power", "--config", "study.yaml", "--reps", "2", "--seed", "9", "--out", "power.csv", "--curve", "power.svg", "--quiet"])
        let events = Self.datasets.appendingPathComponent("coded-sessions-synthetic.csv").path
        let codebook = Self.datasets.appendingPathComponent("coded-sessions-codebook.yaml").path
        try run(["sequences", events, "--codebook", codebook, "--out", "categories"])
        try run(["sequences", events, "--codebook", codebook, "--unit", "code", "--out", "codes"])
        // describe's means by session (alliance and distress panels; one panel per rater when their scales differ), ruptures' series.
        let bundled = Self.datasets.appendingPathComponent("sud-synthetic.csv").path
        try run(["describe", bundled, "--codebook", Self.datasets.appendingPathComponent("sud-synthetic.yaml").path, "--out", "described"])
        try run(["describe", "scales.csv", "--scale", "alliance_patient=1:5", "--scale", "alliance_therapist=1:7",
                 "--scale", "distress=0:40", "--out", "described-scales"])
        try run(["ruptures", bundled, "--codebook", Self.datasets.appendingPathComponent("sud-synthetic.yaml").path, "--criterion", "rci",
                 "--out", "ruptures"])
        // dsem's trace plots: a panel per parameter (long names: covariances, factor levels) and the PSR history.
        try run(["dsem", bundled, "--formula", "distress ~ lag(distress) + lag(alliance_patient) + factor(therapist) + (1 + lag(distress) | patient)",
                 "--burn-in", "100", "--iterations", "100", "--format", "json", "--out", "dsem.json", "--trace", "dsem-trace.svg"])
        var figures = [folder.appendingPathComponent("dsem-trace.svg")]
        for sub in ["bundled", "scales", "categories", "codes", "described", "described-scales", "ruptures"] {
            let dir = folder.appendingPathComponent(sub)
            figures += try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".svg") }.sorted()
                .map { dir.appendingPathComponent($0) }
        }
        figures.append(folder.appendingPathComponent("power.svg"))
        return figures
    }

    /// The width and height of a PNG (from its IHDR chunk).
    static func pngSize(_ data: Data) -> (Int, Int)? {
        guard data.count > 24, data.starts(with: [0x89, 0x50, 0x4E, 0x47]) else { return nil }
        let bytes = [UInt8](data[16..<24])
        let w = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }, h = bytes[4..<8].reduce(0) { $0 << 8 | Int($1) }
        return (w, h)
    }

    /// The page that measures every text of every figure and writes the problems into #result.
    static func harness(_ figures: [(name: String, svg: String)]) -> String {
        let bodies = figures.enumerated().map { (k, f) -> String in
            var svg = f.svg
            if svg.hasPrefix("<?xml"), let end = svg.range(of: "?>") { svg = String(svg[end.upperBound...]) }
            return "<div class=\"figure\" data-name=\"\(f.name)\" id=\"f\(k)\">\(svg)</div>"
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html><html><head><meta charset="utf-8"><title>figures</title>
            <style>body { margin: 0; } div.figure { margin: 0 0 20px 0; } svg { display: block; }</style></head><body>
            <pre id="result"></pre>
            \(bodies)
            <script>
            const problems = [];
            document.querySelectorAll('div.figure').forEach(div => {
              const name = div.dataset.name, svg = div.querySelector('svg');
              const box = svg.getBoundingClientRect(), W = +svg.getAttribute('width'), H = +svg.getAttribute('height');
              const texts = [...svg.querySelectorAll('text')].map(t => {
                const r = t.getBoundingClientRect();
                return { text: t.textContent, size: +t.getAttribute('font-size'),
                         x0: r.left - box.left, y0: r.top - box.top, x1: r.right - box.left, y1: r.bottom - box.top };
              });
              texts.forEach(t => {
                if (!(t.size >= 10)) problems.push(name + ': "' + t.text + '" is ' + t.size + ' px');
                if (t.x0 < -0.5 || t.y0 < -0.5 || t.x1 > W + 0.5 || t.y1 > H + 0.5)
                  problems.push(name + ': "' + t.text + '" leaves the canvas (' + [t.x0, t.y0, t.x1, t.y1].map(Math.round) + ' of ' + W + 'x' + H + ')');
              });
              for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
                const a = texts[i], b = texts[j];
                const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
                // Line boxes include the fonts' ascent and descent: 1 px of vertical contact is not an overlap of glyphs.
                if (w > 0.5 && h > 1.5) problems.push(name + ': "' + a.text + '" overlaps "' + b.text + '"');
              }
            });
            document.getElementById('result').textContent = 'RESULT ' + JSON.stringify(problems);
            </script></body></html>
            """
    }

    @Test func everyFigureRendersWithLegibleTextThatNeitherOverlapsNorLeavesTheCanvas() throws {
        let folder = try ToolRunner.scratch("figures")
        defer { try? FileManager.default.removeItem(at: folder) }
        let figures = try makeFigures(in: folder)
        #expect(figures.count == 1 + 3 + 3 + 1 + 1 + 1 + 3, "\(figures.map(\.lastPathComponent))")

        // rsvg-convert draws each at its natural size.
        var named = [(name: String, svg: String)]()
        for figure in figures {
            let name = figure.deletingLastPathComponent().lastPathComponent + "/" + figure.lastPathComponent
            let svg = try String(contentsOf: figure, encoding: .utf8)
            named.append((name, svg))
            let png = figure.deletingPathExtension().appendingPathExtension("png")
            guard let run = try ToolRunner.run(["rsvg-convert"], ["-o", png.path, figure.path], in: folder) else { return }
            #expect(run.status == 0 && run.output.isEmpty, "\(name): \(run.output)")
            let size = Self.pngSize(try Data(contentsOf: png))
            let declared = svg.firstMatch(of: /width="([\d.]+)" height="([\d.]+)"/).map { (Int(Double($0.1)!.rounded(.up)), Int(Double($0.2)!.rounded(.up))) }
            #expect(size != nil && size?.0 == declared?.0 && size?.1 == declared?.1, "\(name): \(String(describing: size)) vs \(String(describing: declared))")
        }

        // Chromium measures every text.
        let harness = folder.appendingPathComponent("figures.html")
        try Self.harness(named).write(to: harness, atomically: true, encoding: .utf8)
        guard let dom = try ToolRunner.run(HTMLReportTests.browsers, ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=3000,2000",
                                                                      "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)",
                                                                      "--dump-dom", harness.absoluteString], in: folder) else { return }
        guard let start = dom.output.range(of: "RESULT ["), let end = dom.output.range(of: "</pre>", range: start.upperBound..<dom.output.endIndex) else {
            Issue.record("the browser wrote no result: \(dom.output.suffix(600))")
            return
        }
        let json = String(dom.output[dom.output.index(start.lowerBound, offsetBy: 7)..<end.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&amp;", with: "&")
        let problems = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String] ?? ["unreadable result"]
        #expect(problems.isEmpty, "\(problems.count) problems: \(problems.prefix(12).joined(separator: " | "))")
    }
}
