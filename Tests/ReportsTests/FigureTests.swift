import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports

@Suite struct FigureTests {
    @Test func scaleMapsLinearly() {
        let s = LinearScale(domain: (0, 10), range: (100, 300))
        #expect(s(0) == 100 && s(5) == 200 && s(10) == 300)
        let flipped = LinearScale(domain: (1, 7), range: (400, 40))   // y axes grow upward
        #expect(flipped(1) == 400 && flipped(7) == 40 && flipped(4) == 220)
    }

    @Test func prettyTicksAsRDoes() {
        // R: pretty(c(0, 1)) = 0.0 0.2 0.4 0.6 0.8 1.0; pretty(c(1, 7)) = 1 2 3 4 5 6 7;
        // pretty(c(3.2, 47)) = 0 10 20 30 40 50.
        #expect(zip(LinearScale.prettyTicks(0, 1, count: 5), [0, 0.2, 0.4, 0.6, 0.8, 1.0]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(LinearScale.prettyTicks(1, 7, count: 5) == [1, 2, 3, 4, 5, 6, 7])
        #expect(LinearScale.prettyTicks(3.2, 47, count: 5) == [0, 10, 20, 30, 40, 50])
        #expect(LinearScale.label(0.4, step: 0.2) == "0.4" && LinearScale.label(40, step: 10) == "40")
    }

    @Test func escapesText() {
        var svg = SVGDocument(width: 10, height: 10, title: "a < b & \"c\"")
        svg.text("x > 1", at: (0, 0))
        #expect(svg.rendered.contains("<title>a &lt; b &amp; &quot;c&quot;</title>"))
        #expect(svg.rendered.contains(">x &gt; 1</text>"))
    }

    @Test func lineChartIsWellFormedAndComplete() throws {
        var chart = LineChart(title: "Mean alliance by session", xTitle: "Session", yTitle: "Alliance (1-7)",
                              series: [.init(name: "Patient", points: [(1, 5.1), (2, 5.3), (3, 5.4)],
                                             band: [(4.9, 5.3), (5.1, 5.5), (5.2, 5.6)]),
                                       .init(name: "Therapist", points: [(1, 4.6), (2, 4.7), (3, 4.9)], dashed: true)],
                              yDomain: (1, 7))
        chart.referenceLines = [(4, "midpoint")]
        let text = chart.svg().rendered
        // Parses as XML.
        let parser = XMLParser(data: Data(text.utf8))
        #expect(parser.parse())
        // Two data lines, one band, six markers, both legend names, the reference line label.
        #expect(text.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(text.components(separatedBy: "<polygon").count - 1 == 1)
        #expect(text.components(separatedBy: "<circle").count - 1 == 6)
        #expect(text.contains(">Patient</text>") && text.contains(">Therapist</text>") && text.contains(">midpoint</text>"))
        // y axis 1..7 spans the plot's height: the point (1, 4.6) sits at 3.6/6 of it from the bottom.
        #expect(text.contains("stroke-dasharray=\"6 4\""))
        // The band is drawn inside a clip path of the plot area, so a band beyond the y range
        // (a CI above the scale's top) cannot reach the title.
        let clip = try #require(text.firstMatch(of: /<clipPath id="(clip\d+)"><rect x="70" y="44" width="546" height="280"\/><\/clipPath>\n<g clip-path="url\(#(clip\d+)\)">\n<polygon/))
        #expect(clip.1 == clip.2)
        // The legend sits under the plot, inside the figure.
        #expect(chart.height == 44 + 280 + 62 + 19 + 4 + 8)
    }

    @Test func negativeTickLabelsHaveTrueMinusSigns() {
        #expect(LinearScale.label(-2, step: 1) == "\u{2212}2" && LinearScale.label(-0.0001, step: 0.5) == "0.0")
        #expect(LinearScale.label(-0.5, step: 0.5) == "\u{2212}0.5" && LinearScale.label(3, step: 1) == "3")
    }

    @Test func legendsWrapToTheirWidth() {
        let legend = Legend(title: "Estimator:", entries: (1...6).map { .init(name: "a rather long estimator name \($0)", color: "#000000") })
        // Each entry is 26 + 6 px of sample and gap and about 150 px of text: after the title (about
        // 66 px) three fit in a row of 640 px; in 200 px the title stands alone and each entry takes a row.
        #expect(legend.height(width: 640) == 2 * 19 && legend.height(width: 200) == 7 * 19)
        // Helvetica's widths: M and m 0.833 em; a 0.556 em, space 0.278 em.
        #expect(TextMetrics.width("Mm", size: 10) == 16.66 && TextMetrics.lines("aa bb cc", width: 26, size: 10) == ["aa bb", "cc"])
    }
}
