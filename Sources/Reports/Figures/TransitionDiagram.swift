import Foundation

/// A state-transition diagram of a lag-sequential analysis: one node per code or category, one
/// arrow per observed transition given → target, its width proportional to the transitional
/// probability p(target | given), transitions that occur significantly more often than expected
/// drawn black and labelled in bold, significantly less often dashed, the others grey.
///
/// Nodes sit on a circle, the first at the top, in the given order. Two arrows between the same
/// pair of nodes bend to opposite sides; a transition from a node to itself is a loop on the
/// node's outer side. Arrows are labelled with their probability (with more than ten nodes, only
/// the highlighted ones).
public struct TransitionDiagram: Sendable {
    public struct Node: Sendable {
        public var name: String
        public var color: String

        public init(name: String, color: String) {
            self.name = name
            self.color = color
        }
    }

    /// How an arrow differs from what independence of given and target predicts.
    public enum Emphasis: Sendable { case none, moreThanExpected, lessThanExpected }

    public struct Edge: Sendable {
        /// Indices into `nodes`.
        public var from: Int
        public var to: Int
        /// p(target | given), 0...1.
        public var probability: Double
        public var emphasis: Emphasis

        public init(from: Int, to: Int, probability: Double, emphasis: Emphasis) {
            self.from = from
            self.to = to
            self.probability = probability
            self.emphasis = emphasis
        }
    }

    public var title: String
    public var nodes: [Node]
    public var edges: [Edge]
    /// Lines printed under the diagram (what widths, colors and dashes mean).
    public var caption: [String]
    /// Node colors and what they stand for, printed as a key.
    public var key: [(label: String, color: String)]
    /// The drawing's width (and the diagram's height, above the key and caption); grows with
    /// the number and width of the nodes so that neighbours on the circle do not overlap.
    public var size: Double {
        // The circle's circumference must hold every node's width plus a gap (a conservative
        // bound: at the circle's sides the boxes stack by their height, not their width).
        let perimeter = nodes.reduce(0) { $0 + 2 * Self.halfWidth($1.name) + 14 }
        return 2 * max(240, (perimeter / (2 * Double.pi)).rounded(.up)) + 2 * Self.margin
    }

    /// Room around the circle of nodes for loops and labels.
    static let margin = 120.0

    public init(title: String, nodes: [Node], edges: [Edge], caption: [String] = [], key: [(label: String, color: String)] = []) {
        self.title = title
        self.nodes = nodes
        self.edges = edges
        self.caption = caption
        self.key = key
    }

    static let fontSize = 12.0
    static let nodeHalfHeight = 15.0

    /// Half the width of a node's box: room for its name (about 0.6 em per character).
    static func halfWidth(_ name: String) -> Double { max(26, 0.31 * fontSize * Double(name.count) + 10) }

    public func svg(description: String? = nil) -> SVGDocument {
        let size = self.size
        let captionLines = caption.flatMap { Self.wrapped($0, width: size - 48, fontSize: 11) }
        // The key: entries left to right, a new row when one would run past the right margin.
        var keyPlaces = [(x: Double, row: Int)]()
        var keyX = 24.0, keyRow = 0
        for entry in key {
            let entryWidth = 19 + 0.6 * 11 * Double(entry.label.count) + 18
            if keyX > 24 && keyX + entryWidth > size - 24 { keyX = 24; keyRow += 1 }
            keyPlaces.append((keyX, keyRow))
            keyX += entryWidth
        }
        let keyRows = key.isEmpty ? 0 : keyRow + 1
        let captionHeight = Double(captionLines.count + keyRows) * 17 + 16
        var svg = SVGDocument(width: size, height: size + captionHeight, title: title, description: description)
        svg.text(title, at: (size / 2, 26), size: 15, anchor: .middle, bold: true)
        let centre = (size / 2, size / 2 + 14)
        let radius = size / 2 - Self.margin
        let positions: [(Double, Double)] = nodes.indices.map { k in
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(k) / Double(max(nodes.count, 1))
            return nodes.count == 1 ? centre : (centre.0 + radius * cos(angle), centre.1 + radius * sin(angle))
        }

        // Arrows first, so the nodes cover their ends' overlap; labels last, each at the first
        // place along its arrow where it overlaps no node and no label placed before it.
        var labels = [(text: String, edge: Edge, candidates: [(Double, Double)])]()
        for edge in edges.sorted(by: { Self.rank($0.emphasis) < Self.rank($1.emphasis) }) {
            let stroke = self.stroke(for: edge)
            let label = CellFormatting.withoutLeadingZero(CellFormatting.fixed(edge.probability, decimals: 2))
            let candidates: [(Double, Double)]
            if edge.from == edge.to {
                let a = positions[edge.from]
                let outward = atan2(a.1 - centre.1, a.0 - centre.0)
                let angle = nodes.count == 1 ? -Double.pi / 2 : outward
                let start = boundary(of: edge.from, at: a, towards: (a.0 + cos(angle - 0.6), a.1 + sin(angle - 0.6)))
                let end = boundary(of: edge.to, at: a, towards: (a.0 + cos(angle + 0.6), a.1 + sin(angle + 0.6)))
                let reach = Self.halfWidth(nodes[edge.from].name) + 46
                let c1 = (a.0 + reach * cos(angle - 0.5), a.1 + reach * sin(angle - 0.5))
                let c2 = (a.0 + reach * cos(angle + 0.5), a.1 + reach * sin(angle + 0.5))
                let base = arrowhead(into: &svg, tip: end, from: c2, edge: edge)
                svg.path("M \(Self.point(start)) C \(Self.point(c1)) \(Self.point(c2)) \(Self.point(base))", stroke: stroke)
                candidates = [reach - 8, reach + 4, reach - 20, reach + 16].flatMap { r in
                    [0, -0.35, 0.35].map { (a.0 + r * cos(angle + $0), a.1 + r * sin(angle + $0)) }
                }
            } else {
                let a = positions[edge.from], b = positions[edge.to]
                let dx = b.0 - a.0, dy = b.1 - a.1, length = max((dx * dx + dy * dy).squareRoot(), 1)
                // Bend to the left of the direction of travel: the reverse arrow bends the other way.
                let control = ((a.0 + b.0) / 2 - dy / length * 0.18 * length, (a.1 + b.1) / 2 + dx / length * 0.18 * length)
                let start = boundary(of: edge.from, at: a, towards: control)
                let end = boundary(of: edge.to, at: b, towards: control)
                let base = arrowhead(into: &svg, tip: end, from: control, edge: edge)
                svg.path("M \(Self.point(start)) Q \(Self.point(control)) \(Self.point(base))", stroke: stroke)
                // Points of the quadratic curve, from its middle outward.
                candidates = [0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8].map { t in
                    let u = 1 - t
                    return (u * u * start.0 + 2 * u * t * control.0 + t * t * end.0, u * u * start.1 + 2 * u * t * control.1 + t * t * end.1)
                }
            }
            // With many nodes only the highlighted arrows are labelled, to keep the labels legible.
            guard nodes.count <= 10 || edge.emphasis != .none else { continue }
            labels.append((label, edge, candidates))
        }

        for (k, node) in nodes.enumerated() {
            let w = Self.halfWidth(node.name), h = Self.nodeHalfHeight, p = positions[k]
            svg.rectangle(x: p.0 - w, y: p.1 - h, width: 2 * w, height: 2 * h, fill: node.color,
                          stroke: .init(Palette.axis, width: 1), cornerRadius: h)
            svg.text(node.name, at: (p.0, p.1 + Self.fontSize * 0.35), size: Self.fontSize, anchor: .middle)
        }

        // Labels of highlighted arrows are placed first.
        var taken: [(x: Double, y: Double, width: Double, height: Double)] = nodes.indices.map { k in
            let w = Self.halfWidth(nodes[k].name), h = Self.nodeHalfHeight
            return (positions[k].0 - w, positions[k].1 - h, 2 * w, 2 * h)
        }
        func overlaps(_ a: (x: Double, y: Double, width: Double, height: Double)) -> Bool {
            taken.contains { b in a.x < b.x + b.width + 1 && b.x < a.x + a.width + 1 && a.y < b.y + b.height + 1 && b.y < a.y + a.height + 1 }
        }
        for label in labels.sorted(by: { Self.rank($0.edge.emphasis) > Self.rank($1.edge.emphasis) }) {
            let boxes = label.candidates.map { (x: $0.0 - 13, y: $0.1 - 7, width: 26.0, height: 14.0) }
            let box = boxes.first { !overlaps($0) } ?? boxes[0]
            taken.append(box)
            let bold = label.edge.emphasis == .moreThanExpected
            svg.rectangle(x: box.x, y: box.y, width: box.width, height: box.height, fill: "#ffffff", cornerRadius: 3)
            svg.text(label.text, at: (box.x + 13, box.y + 11), size: 10.5, anchor: .middle,
                     color: bold ? "#000000" : Palette.muted, bold: bold)
        }

        var y = size + 10
        for (entry, place) in zip(key, keyPlaces) {
            let rowY = y + 17 * Double(place.row)
            svg.rectangle(x: place.x, y: rowY - 10, width: 14, height: 12, fill: entry.color, stroke: .init(Palette.axis, width: 0.5), cornerRadius: 3)
            svg.text(entry.label, at: (place.x + 19, rowY), size: 11)
        }
        y += 17 * Double(keyRows)
        for line in captionLines {
            svg.text(line, at: (24, y), size: 11, color: Palette.axis)
            y += 17
        }
        return svg
    }

    /// Width 1 to 7 pixels with the probability; black for more often than expected, dashed for
    /// less often, grey otherwise.
    func stroke(for edge: Edge) -> SVGDocument.Stroke {
        let width = 1 + 6 * min(max(edge.probability, 0), 1)
        return .init(color(for: edge), width: width, dash: edge.emphasis == .lessThanExpected ? "5 4" : nil)
    }

    func color(for edge: Edge) -> String {
        switch edge.emphasis {
        case .moreThanExpected: return "#000000"
        case .lessThanExpected: return Palette.muted
        case .none: return "#a8a8a8"
        }
    }

    /// A filled triangle with its tip at `tip`, pointing away from `from` (the curve's last
    /// control point, which fixes the direction the curve arrives in), sized with the line; returns
    /// the middle of its base, where the line should end.
    func arrowhead(into svg: inout SVGDocument, tip: (Double, Double), from: (Double, Double), edge: Edge) -> (Double, Double) {
        let dx = tip.0 - from.0, dy = tip.1 - from.1, length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        let ux = dx / length, uy = dy / length
        let width = stroke(for: edge).width
        let long = 7 + 1.6 * width, half = 3.5 + 0.9 * width
        let base = (tip.0 - long * ux, tip.1 - long * uy)
        svg.polygon([tip, (base.0 - half * uy, base.1 + half * ux), (base.0 + half * uy, base.1 - half * ux)], fill: color(for: edge))
        return base
    }

    /// `text` broken into lines of at most `width` pixels (about 0.55 em per character).
    static func wrapped(_ text: String, width: Double, fontSize: Double) -> [String] {
        let limit = max(10, Int(width / (0.55 * fontSize)))
        var lines = [String](), line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > limit {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// Drawing order: plain arrows below emphasized ones.
    static func rank(_ e: Emphasis) -> Int { e == .none ? 0 : e == .lessThanExpected ? 1 : 2 }

    /// Where the ray from the centre `p` of node `k` towards `target` leaves the node's box
    /// (plus a small gap, so an arrowhead stays visible).
    func boundary(of k: Int, at p: (Double, Double), towards target: (Double, Double)) -> (Double, Double) {
        let dx = target.0 - p.0, dy = target.1 - p.1
        let w = Self.halfWidth(nodes[k].name) + 3, h = Self.nodeHalfHeight + 3
        let t = min(dx == 0 ? .infinity : w / abs(dx), dy == 0 ? .infinity : h / abs(dy))
        guard t.isFinite else { return p }
        return (p.0 + t * dx, p.1 + t * dy)
    }

    static func point(_ p: (Double, Double)) -> String { "\(SVGDocument.number(p.0)) \(SVGDocument.number(p.1))" }
}
