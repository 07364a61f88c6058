import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Reports

@Suite struct TransitionDiagramTests {
    static let diagram = TransitionDiagram(
        title: "Lag-1 transitions",
        nodes: [.init(name: "marker", color: "#CC79A7"), .init(name: "attending", color: "#7FCDB4"), .init(name: "resolution & more", color: "#8CC3E6")],
        edges: [.init(from: 0, to: 1, probability: 0.75, emphasis: .moreThanExpected),
                .init(from: 1, to: 0, probability: 0.25, emphasis: .none),
                .init(from: 1, to: 2, probability: 0.5, emphasis: .lessThanExpected),
                .init(from: 2, to: 2, probability: 1, emphasis: .none)],
        caption: ["Arrows: given → target."], key: [("marker", "#CC79A7")])

    @Test func wellFormedWithOneArrowPerEdge() {
        let text = Self.diagram.svg().rendered
        #expect(XMLParser(data: Data(text.utf8)).parse())
        // Four arrows (paths) each with its own arrowhead (polygon); three nodes, one key swatch
        // and four label backgrounds (rect), plus the page background.
        #expect(text.components(separatedBy: "<path").count - 1 == 4)
        #expect(text.components(separatedBy: "<polygon").count - 1 == 4)
        #expect(text.components(separatedBy: "<rect").count - 1 == 1 + 3 + 1 + 4)
        // Probabilities as labels without a leading zero; names escaped.
        #expect(text.contains(">.75</text>") && text.contains(">.25</text>") && text.contains(">1.00</text>"))
        #expect(text.contains(">resolution &amp; more</text>"))
        // Width 1 + 6p: p = .75 -> 5.5 (black), p = .5 -> 4 (dashed), p = .25 -> 2.5 (grey).
        #expect(text.contains("stroke=\"#000000\" stroke-width=\"5.5\""))
        #expect(text.contains("stroke-width=\"4\" stroke-dasharray=\"5 4\""))
        #expect(text.contains("stroke=\"#a8a8a8\" stroke-width=\"2.5\""))
    }

    @Test func arrowsEndOutsideTheNodes() {
        // Node 1 sits at angle -90 + 120 degrees on the circle; the arrow 0 -> 1 must stop at the
        // gap around its box: its arrowhead's tip lies on the box's boundary plus 3 px.
        let d = Self.diagram
        let size = d.size, radius = size / 2 - TransitionDiagram.margin
        let centre = (size / 2 + radius * cos(Double.pi / 6), size / 2 + 14 + radius * sin(Double.pi / 6))
        let a = (size / 2, size / 2 + 14 - radius)
        let control = ((a.0 + centre.0) / 2 - (centre.1 - a.1) * 0.18, (a.1 + centre.1) / 2 + (centre.0 - a.0) * 0.18)
        let tip = d.boundary(of: 1, at: centre, towards: control)
        let w = TransitionDiagram.halfWidth("attending") + 3, h = TransitionDiagram.nodeHalfHeight + 3
        #expect(abs(abs(tip.0 - centre.0) - w) < 1e-9 || abs(abs(tip.1 - centre.1) - h) < 1e-9)
        #expect(abs(tip.0 - centre.0) <= w + 1e-9 && abs(tip.1 - centre.1) <= h + 1e-9)
    }

    @Test func growsWithManyNodes() {
        let many = TransitionDiagram(title: "t", nodes: (0..<30).map { .init(name: String(format: "C%02d-LONGNAME", $0), color: "#eeeeee") }, edges: [])
        // 30 names of 12 characters, half-width max(26, 0.31 x 12 x 12 + 10) = 54.64: perimeter
        // 30 x (2 x 54.64 + 14) = 3698.4,
        // radius 588.6 -> 589; size 2 x 589 + 240 = 1418.
        #expect(many.size == 1418)
        #expect(Self.diagram.size == 720)
    }
}
