import Yams

/// The canonical text of a configuration: every field, in a fixed order, numbers in the shortest
/// form that reads back exactly. Two configurations describe the same study exactly when their
/// canonical texts are equal, which is how shard files and checkpoints are matched.
enum CanonicalYAML {
    /// A mapping node with the keys in the order given.
    static func mapping(_ pairs: [(String, Node)]) -> Node {
        Node(pairs.map { (Node($0.0), $0.1) })
    }

    /// A number: whole numbers without a decimal point, others as Swift prints them (shortest
    /// round-trip form).
    static func number(_ x: Double) -> Node { Node(numberText(x)) }

    static func numberText(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    static func integer(_ n: Int) -> Node { Node(String(n)) }

    static func text(_ s: String) -> Node { Node(s) }

    /// A list written on one line, `[patient, therapist]`.
    static func list(_ items: [Node]) -> Node { Node(items, .implicit, .flow) }

    /// A mapping written on one line, `{patient: 2, therapist: 0}`.
    static func flowMapping(_ pairs: [(String, Node)]) -> Node {
        Node(pairs.map { (Node($0.0), $0.1) }, .implicit, .flow)
    }

    /// A node on one line: scalars as they are, lists and mappings in flow style (for labels).
    static func inlineText(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return s.string
        case .sequence(let items): return "[" + items.map(inlineText).joined(separator: ", ") + "]"
        case .mapping(let m): return "{" + m.map { "\(inlineText($0.key)): \(inlineText($0.value))" }.joined(separator: ", ") + "}"
        case .alias: return ""
        }
    }

    /// The YAML text of `node`.
    static func text(of node: Node) throws -> String {
        try Yams.serialize(node: node, width: -1)
    }
}
