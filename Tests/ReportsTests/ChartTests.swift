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
        // label column (8 + 6.4 x 2 characters = 20.8 px): b = 1 at 20.8 + 3/3.5 x 210 = 200.8;
        // rows of 30 px from y = 78, one series in the middle of its row: y = 93 and 123.
        #expect(text.contains("<circle cx=\"200.8\" cy=\"93\" r=\"3.2\" fill=\"#111111\"/>"))
        #expect(text.contains("<circle cx=\"80.8\" cy=\"123\" r=\"3.2\" fill=\"#111111\"/>"))
        // The CI of the first estimate, 0.5 to 1.5: 170.8 to 230.8.
        #expect(text.contains("<line x1=\"170.8\" y1=\"93\" x2=\"230.8\" y2=\"93\""))
        // The zero line at 20.8 + 2/3.5 x 210 = 140.8, dashed.
        #expect(text.contains("<line x1=\"140.8\" y1=\"78\" x2=\"140.8\" y2=\"138\" stroke=\"#777777\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>"))
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
        // y = 6 on the 1-7 scale sits 5/6 of the panel height (78 px) above its bottom (66 + 78).
        #expect(text.contains("points=\"\(SVGDocument.number(58 + 120 * 2 / 3)),\(SVGDocument.number(144 - 78 * 5 / 6))"))
    }

    @Test func latexEscapesSymbolsOutsideMathMode() {
        #expect(LaTeXTableRenderer.escape("κ ≥ .40, χ² → p") == "$\\kappa$ $\\geq$ .40, $\\chi$$^{2}$ $\\rightarrow$ \\textit{p}")
    }
}
