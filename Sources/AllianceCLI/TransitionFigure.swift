import Reports
import Ruptures

/// The transition diagram of `alliance sequences --out`: the report's units as nodes colored by
/// kind, every observed lag-k transition as an arrow weighted by its transitional probability,
/// and the significant adjusted residuals highlighted (permutation p < .05; |z| >= 1.96 when no
/// permutation test was run).
enum TransitionFigure {
    static let kindColors: [(kind: CategoryKind, color: String)] = [
        (.withdrawal, "#CC79A7"), (.confrontation, "#E69F00"), (.facilitating, "#7FCDB4"),
        (.hindering, "#EE9A66"), (.resolution, "#8CC3E6"), (.other, "#E2E2E2"),
    ]

    static func color(_ kind: CategoryKind) -> String { kindColors.first { $0.kind == kind }!.color }

    static func diagram(_ r: SequenceReport) -> TransitionDiagram {
        var edges = [TransitionDiagram.Edge]()
        for cell in r.cells where cell.count > 0 {
            guard let g = r.units.firstIndex(of: cell.given), let t = r.units.firstIndex(of: cell.target),
                  let probability = cell.transitionalProbability else { continue }
            edges.append(.init(from: g, to: t, probability: probability, emphasis: emphasis(cell)))
        }
        let kinds = Set(r.unitKinds)
        let test = r.permutation.map { "permutation p < .05, \(SequenceTables.grouped($0.permutations)) within-session shuffles, seed \($0.seed)" }
            ?? "|z| >= 1.96, no permutation test run"
        return TransitionDiagram(
            title: "Lag-\(r.lag) transitions between \(SequenceTables.unitWord(r)) (N = \(r.pooled.total))",
            nodes: r.units.indices.map { .init(name: r.units[$0], color: color(r.unitKinds[$0])) },
            edges: edges,
            caption: [
                "Arrows: given → target, width proportional to the transitional probability p(T|G) (the label).",
                "Black: more often than expected, dashed: less often than expected (adjusted residual; \(test)); grey: neither.",
            ],
            key: kindColors.filter { kinds.contains($0.kind) }.map { (SequenceTables.kindDescription($0.kind), $0.color) })
    }

    static func emphasis(_ cell: TransitionCell) -> TransitionDiagram.Emphasis {
        guard let z = cell.adjustedResidual else { return .none }
        let significant = cell.pValue.map { $0 < 0.05 } ?? (abs(z) >= 1.96)
        guard significant else { return .none }
        return z > 0 ? .moreThanExpected : .lessThanExpected
    }
}
