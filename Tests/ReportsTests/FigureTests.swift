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
    }
}
