import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports

/// The small multiples and the coefficient plot: well-formed SVG, points where the scales put them,
/// lines broken at missing values, one marker per event.
@Suite struct ChartTests {
    @Test func coefficientPlotPlacesEstimatesOnTheSharedScale() {
        let plot = CoefficientPlot(title: "Effects", xTitle: "b", rows: ["a", "bb"], panels: [
            .init(title: "Rupture", series: [.init(name: "Observed", color: "#111111",
                                                   estimates: [.init(value: 1, lower: 0.5, upper: 1.5), .init(value: -1, lower: -2, upper: 0)])]),
        ])
        let text = plot.svg().rendered
        #expect(XMLParser(data: Data(text.utf8)).parse())
        // x domain [-2, 1.5] (the CIs and 0; already on pretty ticks of 0.5) over 210 px from the
        // label column (14 px + the widest label, "bb" at 11 px); the legend row (19 px) and 26 px
        // under the title band (44 px) put the rows of 30 px from y = 89, one series in the middle
        // of its row: y = 104 and 134.
        let left = 14 + TextMetrics.width("bb", size: 11)
        func x(_ b: Double) -> String { SVGDocument.number(left + (b + 2) / 3.5 * 210) }
        #expect(text.contains("<circle cx=\"\(x(1))\" cy=\"104\" r=\"3.2\" fill=\"#111111\"/>"))
        #expect(text.contains("<circle cx=\"\(x(-1))\" cy=\"134\" r=\"3.2\" fill=\"#111111\"/>"))
        // The CI of the first estimate, 0.5 to 1.5.
        #expect(text.contains("<line x1=\"\(x(0.5))\" y1=\"104\" x2=\"\(x(1.5))\" y2=\"104\""))
        // The zero line, dashed, over both rows (89 to 149).
        #expect(text.contains("<line x1=\"\(x(0))\" y1=\"89\" x2=\"\(x(0))\" y2=\"149\" stroke=\"#777777\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>"))
    }

    @Test func smallMultiplesBreakLinesAtMissingValuesAndMarkEvents() {
        let panels = [
            SmallMultiplesChart.Panel(title: "P1", lines: [.init(points: [(1, 5), (2, .nan), (3, 6), (4, 6.5)], color: "#0072B2")],
                                      markers: [.init(x: 3, y: 6, shape: .triangleDown, color: "#0072B2")]),
            SmallMultiplesChart.Panel(title: "P2", lines: [.init(points: [(1, 4), (2, 4.5)], color: "#0072B2")]),
        ]
        let chart = SmallMultiplesChart(title: "Series", xTitle: "Session", yTitle: "Alliance", panels: panels,
                                        keys: [.init(name: "Patient-rated", color: "#0072B2"), .init(name: "Rupture", color: "#333333", shape: .triangleDown)],
                                        yDomain: (1, 7))
        let text = chart.svg().rendered
        #expect(XMLParser(data: Data(text.utf8)).parse())
        // P1: an isolated point (session 1) and a line from 3 to 4; P2: one line.
        #expect(text.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(text.components(separatedBy: "<circle").count - 1 == 1)
        // One triangle for the event, one for the legend.
        #expect(text.components(separatedBy: "<polygon").count - 1 == 2)
        #expect(text.contains(">P1</text>") && text.contains(">P2</text>") && text.contains(">Rupture</text>"))
        // The 1-7 scale with 7% of its range (0.42) added at each end, so ratings at 1 and 7 are
        // inside the frame: y = 6 sits (6 - 0.58) / 6.84 of the panel height (84 px) above its
        // bottom. The panels start under the title (one line), the legend row (19 px) and the
        // panel titles: 36 + 19 + 12 + 10 + 4 = 81; x = 3 of 1...4 is 2/3 of 124 px from 62.
        #expect(text.contains("points=\"\(SVGDocument.number(62 + 124 * 2 / 3)),\(SVGDocument.number(81 + 84 - 84 * (6 - 0.58) / 6.84))"))
        // A ceiling: a dashed line at 7 in each panel, and ratings at 7 ringed.
        var ceiling = chart
        ceiling.ceiling = 7
        ceiling.panels[0].lines[0].points.append((5, 7))
        let ringed = ceiling.svg().rendered
        #expect(ringed.components(separatedBy: "fill=\"none\" stroke=\"#0072B2\" stroke-width=\"0.8\"").count - 1 == 1)
        #expect(ringed.contains(">Scale maximum (7); ringed: ratings at it</text>"))
    }

    @Test func latexEscapesSymbolsOutsideMathMode() {
        #expect(LaTeXTableRenderer.escape("κ ≥ .40, χ² → p") == "$\\kappa$ $\\geq$ .40, $\\chi$$^{2}$ $\\rightarrow$ \\textit{p}")
    }
}
