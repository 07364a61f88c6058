import Foundation

/// A scalable vector graphics drawing built from primitives, rendered as a standalone SVG file
/// that browsers, Inkscape and LaTeX (via svg/inkscape) open.
///
/// Coordinates are in pixels from the top-left corner, y growing downward, as SVG has them.
/// Text is XML-escaped; numbers are written with two decimals so output is deterministic and
/// compact.
public struct SVGDocument: Sendable {
    public let width: Double
    public let height: Double
    /// An accessible title (the `<title>` element) and description.
    public var title: String
    public var description: String?
    private var elements: [String] = []
    private var usesArrowhead = false
    /// Clip paths made so far (their ids are `clip1`, `clip2`, ...; groups continue the count).
    private var clipCount = 0

    public init(width: Double, height: Double, title: String, description: String? = nil) {
        self.width = width
        self.height = height
        self.title = title
        self.description = description
    }

    /// A stroke: color, width, optional dash pattern ("4 3"), opacity.
    public struct Stroke: Sendable {
        public var color: String
        public var width: Double
        public var dash: String?
        public var opacity: Double

        public init(_ color: String = "#000000", width: Double = 1, dash: String? = nil, opacity: Double = 1) {
            self.color = color
            self.width = width
            self.dash = dash
            self.opacity = opacity
        }

        var attributes: String {
            var s = "stroke=\"\(SVGDocument.escape(color))\" stroke-width=\"\(SVGDocument.number(width))\""
            if let dash { s += " stroke-dasharray=\"\(SVGDocument.escape(dash))\"" }
            if opacity < 1 { s += " stroke-opacity=\"\(SVGDocument.number(opacity))\"" }
            return s
        }
    }

    public enum TextAnchor: String, Sendable { case start, middle, end }

    public mutating func line(from a: (Double, Double), to b: (Double, Double), stroke: Stroke = Stroke(), arrowhead: Bool = false) {
        if arrowhead { usesArrowhead = true }
        elements.append("<line x1=\"\(Self.number(a.0))\" y1=\"\(Self.number(a.1))\" x2=\"\(Self.number(b.0))\" y2=\"\(Self.number(b.1))\" \(stroke.attributes)\(arrowhead ? " marker-end=\"url(#arrowhead)\"" : "")/>")
    }

    /// A connected line through `points` (no fill).
    public mutating func polyline(_ points: [(Double, Double)], stroke: Stroke = Stroke()) {
        guard points.count > 1 else { return }
        elements.append("<polyline points=\"\(Self.pointList(points))\" fill=\"none\" \(stroke.attributes) stroke-linejoin=\"round\"/>")
    }

    /// A filled polygon (a confidence band is the upper curve followed by the lower one reversed).
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double = 1, stroke: Stroke? = nil) {
        guard points.count > 2 else { return }
        let strokeText = stroke.map { " " + $0.attributes } ?? " stroke=\"none\""
        elements.append("<polygon points=\"\(Self.pointList(points))\" fill=\"\(Self.escape(fill))\" fill-opacity=\"\(Self.number(opacity))\"\(strokeText)/>")
    }

    public mutating func rectangle(x: Double, y: Double, width: Double, height: Double, fill: String = "none",
                                   stroke: Stroke? = nil, cornerRadius: Double = 0) {
        let strokeText = stroke.map { " " + $0.attributes } ?? ""
        let radius = cornerRadius > 0 ? " rx=\"\(Self.number(cornerRadius))\"" : ""
        elements.append("<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\"\(radius) fill=\"\(Self.escape(fill))\"\(strokeText)/>")
    }

    public mutating func circle(center: (Double, Double), radius: Double, fill: String, stroke: Stroke? = nil) {
        let strokeText = stroke.map { " " + $0.attributes } ?? ""
        elements.append("<circle cx=\"\(Self.number(center.0))\" cy=\"\(Self.number(center.1))\" r=\"\(Self.number(radius))\" fill=\"\(Self.escape(fill))\"\(strokeText)/>")
    }

    /// A path in SVG path syntax (for curved arrows and other shapes).
    public mutating func path(_ d: String, fill: String = "none", stroke: Stroke? = Stroke(), arrowhead: Bool = false) {
        if arrowhead { usesArrowhead = true }
        let strokeText = stroke.map { " " + $0.attributes } ?? ""
        elements.append("<path d=\"\(Self.escape(d))\" fill=\"\(Self.escape(fill))\"\(strokeText)\(arrowhead ? " marker-end=\"url(#arrowhead)\"" : "")/>")
    }

    public mutating func text(_ string: String, at point: (Double, Double), size: Double = 12, anchor: TextAnchor = .start,
                              color: String = "#000000", bold: Bool = false, italic: Bool = false, rotation: Double = 0) {
        var attributes = "x=\"\(Self.number(point.0))\" y=\"\(Self.number(point.1))\" font-size=\"\(Self.number(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(Self.escape(color))\""
        if bold { attributes += " font-weight=\"bold\"" }
        if italic { attributes += " font-style=\"italic\"" }
        if rotation != 0 { attributes += " transform=\"rotate(\(Self.number(rotation)) \(Self.number(point.0)) \(Self.number(point.1)))\"" }
        elements.append("<text \(attributes)>\(Self.escape(string))</text>")
    }

    /// Draws `body` clipped to the rectangle (x, y, width, height): what falls outside it (a
    /// confidence band beyond the plot area) is not drawn.
    public mutating func clipped(to rect: (x: Double, y: Double, width: Double, height: Double), _ body: (inout SVGDocument) -> Void) {
        clipCount += 1
        let id = "clip\(clipCount)"
        elements.append("<clipPath id=\"\(id)\"><rect x=\"\(Self.number(rect.x))\" y=\"\(Self.number(rect.y))\" width=\"\(Self.number(rect.width))\" height=\"\(Self.number(rect.height))\"/></clipPath>")
        var inner = SVGDocument(width: width, height: height, title: title)
        inner.clipCount = clipCount
        body(&inner)
        clipCount = inner.clipCount
        usesArrowhead = usesArrowhead || inner.usesArrowhead
        elements.append("<g clip-path=\"url(#\(id))\">")
        elements.append(contentsOf: inner.elements)
        elements.append("</g>")
    }

    /// Draws `body` into a group shifted by (dx, dy): one panel of a small-multiples figure.
    public mutating func group(offsetX dx: Double, offsetY dy: Double, _ body: (inout SVGDocument) -> Void) {
        var inner = SVGDocument(width: width, height: height, title: title)
        inner.clipCount = clipCount
        body(&inner)
        clipCount = inner.clipCount
        usesArrowhead = usesArrowhead || inner.usesArrowhead
        elements.append("<g transform=\"translate(\(Self.number(dx)) \(Self.number(dy)))\">")
        elements.append(contentsOf: inner.elements)
        elements.append("</g>")
    }

    /// The SVG file.
    public var rendered: String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" font-family=\"Helvetica, Arial, sans-serif\" role=\"img\">",
            "<title>\(Self.escape(title))</title>",
        ]
        if let description { lines.append("<desc>\(Self.escape(description))</desc>") }
        if usesArrowhead {
            lines.append("<defs><marker id=\"arrowhead\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"context-stroke\"/></marker></defs>")
        }
        lines.append("<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#ffffff\"/>")
        lines.append(contentsOf: elements)
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String {
        let s = String(format: "%.2f", x)
        if s.hasSuffix(".00") { return String(s.dropLast(3)) }
        if s.hasSuffix("0") { return String(s.dropLast()) }
        return s == "-0" ? "0" : s
    }

    static func pointList(_ points: [(Double, Double)]) -> String {
        points.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
    }

    /// XML escaping for text and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
