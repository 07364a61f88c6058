import Foundation
import Testing
@testable import Reports

@Suite struct TableRenderingTests {
    var table: Table {
        var t = Table(title: "Fixed effects", name: "fixed",
                      columns: [TableColumn("Term", alignment: .left), TableColumn("b"), TableColumn("p"), TableColumn("95% CI")],
                      notes: ["Satterthwaite df."])
        t.appendSection("Patient-rated")
        t.append([.text("rupture_t"), .number(1.23456, decimals: 2), .pValue(0.0004), .interval(-0.5, 2.25, decimals: 2)])
        t.append([.text("session"), .number(-0.001, decimals: 2), .pValue(0.0456), .empty])
        return t
    }

    @Test func apaNumberConventions() {
        #expect(CellFormatting.pValue(0.0004) == "< .001")
        #expect(CellFormatting.pValue(0.0456) == ".046")
        #expect(CellFormatting.pValue(1) == "1.000")
        #expect(CellFormatting.display(.bounded(-0.134, decimals: 2)) == "-.13")
        #expect(CellFormatting.fixed(-0.001, decimals: 2) == "0.00")     // no "-0.00"
        #expect(CellFormatting.display(.percent(52.14, decimals: 1)) == "52.1%")
        #expect(CellFormatting.exact(0.1) == "0.1" && CellFormatting.exact(3) == "3")
    }

    @Test func text() {
        let expected = """
        Fixed effects
        Term          b       p         95% CI
        --------------------------------------
        Patient-rated
        rupture_t  1.23  < .001  [-0.50, 2.25]
        session    0.00    .046              -
        Satterthwaite df.

        """
        #expect(table.rendered(as: .text) == expected)
    }

    @Test func markdown() {
        let md = table.rendered(as: .markdown)
        #expect(md.contains("| Term | b | p | 95% CI |\n|:---|---:|---:|---:|"))
        #expect(md.contains("| rupture_t | 1.23 | < .001 | [-0.50, 2.25] |"))
        #expect(md.contains("| **Patient-rated** | | | |"))
        #expect(md.hasSuffix("*Note.* Satterthwaite df.\n"))
    }

    @Test func latexUsesBooktabsAndEscapes() {
        let tex = table.rendered(as: .latex)
        #expect(tex.contains("\\toprule") && tex.contains("\\midrule") && tex.contains("\\bottomrule"))
        #expect(tex.contains("Term & \\textit{b} & \\textit{p} & 95\\% CI \\\\"))
        #expect(tex.contains("rupture\\_t & 1.23 & \\textless{} .001 & [$-$0.50, 2.25] \\\\"))
        #expect(tex.contains("\\multicolumn{4}{@{}l}{\\textit{Patient-rated}}"))
        #expect(tex.contains("\\label{tab:fixed}"))
    }

    @Test func latexLeavesNumberingToLaTeX() {
        // LaTeX writes "Table 3:" itself; the title's own "Table 3." would print twice.
        #expect(LaTeXTableRenderer.captionText("Table 3. Ruptures by rater") == "Ruptures by rater")
        #expect(LaTeXTableRenderer.captionText("Table 12: Sensitivity") == "Sensitivity")
        #expect(LaTeXTableRenderer.captionText("Tables of the study") == "Tables of the study")
        #expect(LaTeXTableRenderer.captionText("Table of contents") == "Table of contents")
        var t = table
        t.title = "Table 3. Fixed effects"
        let tex = t.rendered(as: .latex)
        #expect(tex.contains("\\caption{Fixed effects}") && tex.contains("\\begin{tabular}{@{}lrrr@{}}"))
    }

    @Test func csvKeepsFullPrecisionAndSplitsIntervals() {
        let csv = table.rendered(as: .csv)
        #expect(csv == """
        section,term,b,p,ci_lower,ci_upper
        Patient-rated,rupture_t,1.23456,0.0004,-0.5,2.25
        Patient-rated,session,-0.001,0.0456,,

        """)
    }

    /// Tidy CSV: snake_case names, two-number cells in two columns, no formatted strings, and a
    /// table of statistics (rows) by rater (columns) turned into one row per rater.
    @Test func csvIsTidy() {
        #expect(CSVTableRenderer.key(forHeader: "With rupture, %") == "with_rupture_percent")
        #expect(CSVTableRenderer.key(forHeader: "First M") == "first_mean")
        #expect(CSVTableRenderer.key(forHeader: "κ") == "kappa")
        #expect(CSVTableRenderer.key(forHeader: "std.error") == "std.error")
        #expect(CSVTableRenderer.key(forHeader: "2nd try") == "x2nd_try")
        var t = Table(title: "Ruptures", name: "ruptures",
                      columns: [TableColumn("", alignment: .left), TableColumn("Patient-rated", key: "patient"), TableColumn("Therapist-rated", key: "therapist")])
        t.csvLayout = .statisticsInRows(observation: "rater", keys: [])
        t.appendStatistic("Patients, n", key: "patients", [.integer(10), .integer(12)])
        t.appendStatistic("With rupture, %", key: "with_rupture_percent", [.percent(40, decimals: 1), .percent(12.5, decimals: 1)])
        t.appendStatistic("  95% CI, %", key: "with_rupture_percent_ci", [.interval(16.8, 68.7, decimals: 1), .empty])
        t.appendStatistic("Ruptures per patient, range", key: "ruptures_per_patient", [.range(0, 3, decimals: 0), .range(0, 1, decimals: 0)])
        t.appendStatistic("Class Repair, n (%)", key: "class_repair", [.countAndPercent(2, 20, decimals: 1), .countAndPercent(1, 8.333, decimals: 1)])
        #expect(t.rendered(as: .csv) == """
        rater,patients,with_rupture_percent,with_rupture_percent_ci_lower,with_rupture_percent_ci_upper,ruptures_per_patient_min,ruptures_per_patient_max,class_repair_n,class_repair_percent
        patient,10,40,16.8,68.7,0,3,2,20
        therapist,12,12.5,,,0,1,1,8.333

        """)
        // The same cells as people read them.
        #expect(t.rendered(as: .text).contains("\nClass Repair, n (%)              2 (20.0%)         1 (8.3%)\n"))
        #expect(t.rendered(as: .text).contains("\nRuptures per patient, range            0–3              0–1\n"))
    }

    struct Row: Encodable {
        let zebra: Int
        let apple: String?
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(zebra, forKey: .zebra)
            try c.encode(apple, forKey: .apple)   // nil is written as null
        }
        enum CodingKeys: String, CodingKey { case zebra, apple }
    }

    @Test func jsonSortsKeysWritesNullAndRefusesNaN() throws {
        let json = try JSONOutput.string(Row(zebra: 1, apple: nil))
        #expect(json == "{\n  \"apple\" : null,\n  \"zebra\" : 1\n}\n")
        #expect(throws: (any Error).self) { try JSONOutput.string([Double.nan]) }
    }

    @Test func outputFileIsReplacedWhole() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-test-\(UUID())")
        let path = dir.appendingPathComponent("sub/out.txt").path
        try OutputFile.write("first", to: path)
        try OutputFile.write("second", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path) == ["out.txt"])
        try? FileManager.default.removeItem(at: dir)
    }
}

/// The LaTeX of a table as APA sets it, checked character by character (the compiled result is
/// checked by pdflatex in AllianceCLITests/LaTeXCompileTests).
@Suite struct LaTeXTypesettingTests {
    @Test func statisticalSymbolsAreItalicWholeWordsOnly() {
        #expect(StatisticalSymbols.runs("p < .05, SD = 1, rupture_p, p(x), e.g. d") ==
                [.symbol("p"), .plain(" < .05, "), .symbol("SD"), .plain(" = 1, rupture_p, p(x), e.g. "), .symbol("d")])
        #expect(LaTeXTableRenderer.escape("Patients with >= 1 rupture, n") == "Patients with $\\geq$ 1 rupture, \\textit{n}")
        // Initials are not symbols; a symbol at the end of a sentence is.
        #expect(StatisticalSymbols.runs("Falkenström, F. (2024), M = 2; the effect d.") ==
                [.plain("Falkenström, F. (2024), "), .symbol("M"), .plain(" = 2; the effect "), .symbol("d"), .plain(".")])
    }

    @Test func signsDashesAndBarsPrintAsWritten() {
        // A hyphen before a number is a minus; `--scale` keeps two hyphens; `|` is a bar in any encoding.
        #expect(LaTeXTableRenderer.escape("-0.25 [-1.2, 3-4]") == "$-$0.25 [$-$1.2, 3-4]")
        #expect(LaTeXTableRenderer.escape("--scale") == "-{}-scale")
        #expect(LaTeXTableRenderer.escape("(1 | patient) <= x") == "(1 \\textbar{} patient) $\\leq$ x")
        #expect(LaTeXTableRenderer.escape("κ = .5, −2 ≈ ρ²") == "$\\kappa$ = .5, $-$2 $\\approx$ $\\rho$$^{2}$")
    }

    @Test func tablesAreNeverScaledAndWideOnesTurnToLandscape() {
        var narrow = Table(title: "Table 1. Narrow", name: "narrow", columns: [TableColumn("Term", alignment: .left), TableColumn("b")])
        narrow.append([.text("  95% CI"), .number(-1.5, decimals: 2)])
        let tex = narrow.rendered(as: .latex)
        #expect(!tex.contains("resizebox") && !tex.contains("landscape") && tex.contains("\\caption{Narrow}"))
        #expect(tex.contains("\\quad 95\\% CI & $-$1.50 \\\\"))
        let wide = Table(title: "Wide", name: "wide", columns: (1...14).map { TableColumn("Column \($0)") })
        #expect(wide.rendered(as: .latex).contains("\\begin{landscape}"))
        let document = [narrow, wide].rendered(as: .latex, labelPrefix: "fit", comment: "test")
        #expect(document.hasPrefix("% test\n") && document.contains("\\label{tab:fit-narrow}") && document.hasSuffix("\\end{document}\n"))
    }
}
