import Foundation
import Testing
@testable import Reports

/// The HTML layer piece by piece (the pages as a whole are checked in Chromium by
/// AllianceCLITests/HTMLReportTests): APA table markup, escaping, inline figures, provenance.
@Suite struct HTMLLayerTests {
    static let provenance = ReportProvenance(dataFile: "data <1>.csv", dataSHA256: "ab12", commandLine: "alliance fit 'data <1>.csv'",
                                             version: "alliance 0.1.0 (commit 0123456789ab, 2026-12-01)", date: "2026-12-01T00:00:00Z",
                                             sources: ["Falkenström, F. (2024). A source."])

    @Test func tablesAreAPAWithSectionsNotesSymbolsAndMinusSigns() {
        var t = Table(title: "Table 2. Fixed effects <test>", name: "fixed",
                      columns: [TableColumn("Term", alignment: .left), TableColumn("b"), TableColumn("p"), TableColumn("markers_withdrawal")])
        t.appendSection("Patient-rated")
        t.append([.text("  95% CI"), .number(-1.5, decimals: 2), .pValue(0.0004), .integer(3)])
        t.notes = ["p >= .05 & d = b / SD."]
        let html = t.html()
        #expect(html.contains("<caption><span class=\"number\">Table 2</span><span class=\"title\">Fixed effects &lt;test&gt;</span></caption>"))
        #expect(html.contains("<th scope=\"col\" class=\"right\"><i>b</i></th>") && html.contains("markers_<wbr/>withdrawal"))
        #expect(html.contains("<tbody><tr class=\"section\"><th colspan=\"4\" scope=\"rowgroup\">Patient-rated</th></tr>"))
        #expect(html.contains("<td class=\"left indent\">95% CI</td><td class=\"right number\">\u{2212}1.50</td><td class=\"right number\">&lt; .001</td>"))
        #expect(html.contains("<p class=\"note\"><i>Note.</i> <i>p</i> ≥ .05 &amp; <i>d</i> = <i>b</i> / <i>SD</i>.</p>"))
    }

    @Test func pagesAreSelfContainedWithFiguresInlineAndProvenanceInTheFooter() {
        let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><clipPath id=\"clip1\"/><g clip-path=\"url(#clip1)\"/></svg>\n"
        let page = HTMLReport(title: "A <report>", facts: [("Data", "x")], notices: ["Synthetic"],
                              sections: [HTMLReport.Section("1. Step", [.paragraph("M = 2"), .figure(.init(svg: svg, caption: "A figure", fileName: "f.svg"))])],
                              provenance: Self.provenance).rendered()
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"))
        #expect(page.contains("<title>A &lt;report&gt;</title>") && !page.contains("<script") && !page.contains("<?xml"))
        // Ids of an inline figure are prefixed with the figure's, so several figures can share a page.
        #expect(page.contains("<clipPath id=\"figure-1-1-clip1\"/><g clip-path=\"url(#figure-1-1-clip1)\"/>"))
        #expect(page.contains("<span class=\"number\">Figure 1</span>") && page.contains("@media print"))
        // The footer: data file and hash, command, version, date, sources (initials stay upright).
        #expect(page.contains("<code>data &lt;1&gt;.csv</code>, SHA-256 <code class=\"hash\">ab12</code>"))
        #expect(page.contains("alliance 0.1.0 (commit 0123456789ab, 2026-12-01)") && page.contains("2026-12-01T00:00:00Z"))
        #expect(page.contains("<li>Falkenström, F. (2024). A source.</li>"))
    }

    @Test func optionsInTextAreCodeThatDoesNotBreak() {
        let text = HTMLTableRenderer.inline("Give --scale NAME=MIN:MAX or --na, not co--op, ---x or --; n = 2.").render()
        #expect(text == "Give <code class=\"option\">--scale</code> NAME=MIN:MAX or <code class=\"option\">--na</code>, not co--op, ---x or --; <i>n</i> = 2.")
        #expect(HTMLTableRenderer.commandLine("alliance mlsem 'a b.csv' --formula 'y ~ lag(x)' --out r.html").render()
            == "<code>alliance mlsem 'a b.csv' <span class=\"option\">--formula</span> 'y ~ lag(x)' <span class=\"option\">--out</span> r.html</code>")
        #expect(ReportStyle.css.contains("code.option, code .option { white-space: nowrap; }"))
    }

    @Test func emptyColumnsAreLeftOutOfADisplay() {
        var t = Table(title: "Variables", name: "variables", columns: [TableColumn("Variable"), TableColumn("Label"), TableColumn("Format")])
        t.appendSection("File")
        t.append([.text("a"), .empty, .text("F8.2")])
        t.append([.text("b"), .empty, .empty])
        let (shown, dropped) = t.droppingEmptyColumns()
        #expect(dropped == ["Label"] && shown.columns.map(\.header) == ["Variable", "Format"])
        #expect(shown.rows == [.section("File"), .cells([.text("a"), .text("F8.2")]), .cells([.text("b"), .empty])])
        #expect(t.droppingEmptyColumns().table.droppingEmptyColumns().dropped.isEmpty)
    }

    @Test func sha256AndShellQuoting() throws {
        // FIPS 180-2's test vector for "abc".
        #expect(try ReportProvenance.sha256(of: Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ReportProvenance.shellQuoted("--formula") == "--formula" && ReportProvenance.shellQuoted("y ~ x + (1 | g)") == "'y ~ x + (1 | g)'")
        #expect(ReportProvenance.shellQuoted("it's") == "'it'\\''s'")
    }
}
