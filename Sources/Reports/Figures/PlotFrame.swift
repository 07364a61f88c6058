/// The axes of one plot: a rectangle in the drawing, x and y scales mapped onto it, tick marks,
/// light grid lines, labels. Charts draw their data inside `area` through `x` and `y`.
public struct PlotFrame: Sendable {
    /// The plotting rectangle (left, top, width, height) in drawing pixels.
    public let left: Double, top: Double, width: Double, height: Double
    public let x: LinearScale
    public let y: LinearScale

    /// A frame for the given data ranges, made "nice" (widened to pretty ticks).
    public init(left: Double, top: Double, width: Double, height: Double,
                xDomain: (Double, Double), yDomain: (Double, Double), niceX: Bool = true, niceY: Bool = true) {
        self.left = left
        self.top = top
        self.width = width
        self.height = height
        let xs = LinearScale(domain: xDomain, range: (left, left + width))
        let ys = LinearScale(domain: yDomain, range: (top + height, top))
        x = niceX ? xs.nice() : xs
        y = niceY ? ys.nice() : ys
    }

    /// Draws the axes: grid lines at the y ticks, tick labels, the axis lines and titles.
    public func drawAxes(into svg: inout SVGDocument, xTitle: String?, yTitle: String?, xTicks: [Double]? = nil,
                         yTicks: [Double]? = nil, fontSize: Double = 11, grid: Bool = true) {
        let xt = xTicks ?? x.ticks()
        let yt = yTicks ?? y.ticks()
        let xStep = xt.count > 1 ? xt[1] - xt[0] : 1
        let yStep = yt.count > 1 ? yt[1] - yt[0] : 1
        let bottom = top + height
        if grid {
            for v in yt { svg.line(from: (left, y(v)), to: (left + width, y(v)), stroke: .init(Palette.grid, width: 1)) }
        }
        svg.line(from: (left, bottom), to: (left + width, bottom), stroke: .init(Palette.axis, width: 1))
        svg.line(from: (left, top), to: (left, bottom), stroke: .init(Palette.axis, width: 1))
        for v in xt {
            svg.line(from: (x(v), bottom), to: (x(v), bottom + 4), stroke: .init(Palette.axis, width: 1))
            svg.text(LinearScale.label(v, step: xStep), at: (x(v), bottom + 6 + fontSize), size: fontSize, anchor: .middle, color: Palette.axis)
        }
        for v in yt {
            svg.line(from: (left - 4, y(v)), to: (left, y(v)), stroke: .init(Palette.axis, width: 1))
            svg.text(LinearScale.label(v, step: yStep), at: (left - 7, y(v) + fontSize * 0.35), size: fontSize, anchor: .end, color: Palette.axis)
        }
        if let xTitle {
            svg.text(xTitle, at: (left + width / 2, bottom + 2 * fontSize + 14), size: fontSize + 1, anchor: .middle)
        }
        if let yTitle {
            let yx = left - 14 - fontSize * 3.2
            svg.text(yTitle, at: (yx, top + height / 2), size: fontSize + 1, anchor: .middle, rotation: -90)
        }
    }
}
