/// Trace plots of Markov chains, as Mplus's "Bayesian posterior parameter trace plots" draw them:
/// one panel per parameter with each chain's draws by iteration (its own y scale), the discarded
/// iterations shaded, and a last panel with the largest potential scale reduction at each check
/// against the convergence criterion.
///
/// A panel draws at most `maximumPoints` points per chain (every k-th draw), which keeps the file
/// small for long runs; the shape of a trace survives the thinning.
public struct TraceFigure: Sendable {
    public struct Parameter: Sendable {
        public var name: String
        /// The draws of each chain, in iteration order (iteration 1 first).
        public var chains: [[Double]]
        public init(name: String, chains: [[Double]]) {
            self.name = name
            self.chains = chains
        }
    }

    public var title: String
    public var parameters: [Parameter]
    /// Iterations before this one (1-based) are burn-in, shaded.
    public var keptFrom: Int
    /// The largest PSR at each check, and the criterion.
    public var psrHistory: [(iteration: Int, psr: Double)]
    public var criterion: Double
    public var maximumPoints = 500
    public var columns = 2
    public var panelWidth = 320.0
    public var panelHeight = 120.0

    public init(title: String, parameters: [Parameter], keptFrom: Int, psrHistory: [(iteration: Int, psr: Double)], criterion: Double) {
        self.title = title
        self.parameters = parameters
        self.keptFrom = keptFrom
        self.psrHistory = psrHistory
        self.criterion = criterion
    }

    public func svg(description: String? = nil) -> SVGDocument {
        let panels = parameters.count + 1
        let rows = (panels + columns - 1) / columns
        let (left, gapX, gapY) = (64.0, 70.0, 52.0)
        let width = left + Double(columns) * (panelWidth + gapX)
        // A title longer than the figure is wide (a long formula) wraps; the rest moves down.
        let titleLines = TransitionDiagram.wrapped(title, width: width - 24, fontSize: 15 * 1.1)
        let shift = 19 * Double(titleLines.count - 1)
        let top = 82 + shift
        let height = top + Double(rows) * (panelHeight + gapY) + 10
        var svg = SVGDocument(width: width, height: height, title: title, description: description)
        for (k, line) in titleLines.enumerated() {
            svg.text(line, at: (width / 2, 22 + 19 * Double(k)), size: 15, anchor: .middle, bold: true)
        }
        let chainCount = parameters.first?.chains.count ?? 0
        var x = left
        for c in 0..<chainCount {
            svg.line(from: (x, 44 + shift), to: (x + 18, 44 + shift), stroke: .init(Palette.color(c), width: 2))
            svg.text("Chain \(c + 1)", at: (x + 24, 48 + shift), size: 11)
            x += 90
        }
        svg.rectangle(x: x, y: 38 + shift, width: 18, height: 12, fill: "#f0f0f0", stroke: .init(Palette.grid))
        svg.text("Burn-in (discarded)", at: (x + 24, 48 + shift), size: 11)

        for (k, parameter) in parameters.enumerated() {
            let frame = frameAt(k, left: left, top: top, gapX: gapX, gapY: gapY, values: parameter.chains.flatMap { $0 },
                                iterations: parameter.chains.map(\.count).max() ?? 1)
            drawTrace(parameter, in: frame, into: &svg)
        }
        if !psrHistory.isEmpty {
            let psrs = psrHistory.map(\.psr).filter(\.isFinite) + [criterion, 1]
            let frame = frameAt(parameters.count, left: left, top: top, gapX: gapX, gapY: gapY,
                                values: [psrs.min()!, min(psrs.max()!, 3)], iterations: psrHistory.last!.iteration)
            frame.drawAxes(into: &svg, xTitle: "Iteration", yTitle: nil, fontSize: 10)
            svg.text("Largest PSR (last half of the iterations)", at: (frame.left, frame.top - 8), size: 11, bold: true)
            svg.line(from: (frame.left, frame.y(criterion)), to: (frame.left + frame.width, frame.y(criterion)),
                     stroke: .init(Palette.color(1), width: 1, dash: "4 3"))
            let points = psrHistory.filter(\.psr.isFinite).map { (frame.x(Double($0.iteration)), frame.y(min($0.psr, 3))) }
            svg.polyline(points, stroke: .init(Palette.axis, width: 1.4))
            for p in points { svg.circle(center: p, radius: 1.8, fill: Palette.axis) }
        }
        return svg
    }

    private func frameAt(_ k: Int, left: Double, top: Double, gapX: Double, gapY: Double, values: [Double], iterations: Int) -> PlotFrame {
        let row = k / columns, column = k % columns
        let finite = values.filter(\.isFinite)
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if lo == hi { lo -= 0.5; hi += 0.5 }
        return PlotFrame(left: left + Double(column) * (panelWidth + gapX), top: top + Double(row) * (panelHeight + gapY),
                         width: panelWidth, height: panelHeight, xDomain: (1, Double(max(iterations, 2))), yDomain: (lo, hi),
                         niceX: false, niceY: true)
    }

    private func drawTrace(_ parameter: Parameter, in frame: PlotFrame, into svg: inout SVGDocument) {
        let iterations = parameter.chains.map(\.count).max() ?? 0
        if keptFrom > 1 {
            let end = frame.x(Double(min(keptFrom, iterations)))
            svg.rectangle(x: frame.left, y: frame.top, width: end - frame.left, height: frame.height, fill: "#f0f0f0")
        }
        frame.drawAxes(into: &svg, xTitle: nil, yTitle: nil, xTicks: frame.x.ticks(count: 4), yTicks: frame.y.ticks(count: 4), fontSize: 10)
        svg.text(parameter.name, at: (frame.left, frame.top - 8), size: 11, bold: true)
        let step = max(1, iterations / maximumPoints)
        for (c, draws) in parameter.chains.enumerated() {
            let points = stride(from: 0, to: draws.count, by: step).compactMap { i -> (Double, Double)? in
                draws[i].isFinite ? (frame.x(Double(i + 1)), frame.y(draws[i])) : nil
            }
            svg.polyline(points, stroke: .init(Palette.color(c), width: 0.8, opacity: 0.85))
        }
    }
}
