import Foundation
import Tabular
import Yams

/// A small YAML (or JSON) file describing a data set: column renames and the scale of each
/// rating. JSON is read by the same parser, since JSON is YAML.
///
/// ```yaml
/// columns:              # optional: role: column name in the file
///   patient: id
///   session: sess
/// scales:               # keyed by role or column name
///   alliance_patient:
///     range: [1, 7]
///     higher_is_better: true
///     reliability: 0.91
///     sd: 0.85          # reference SD for the reliable change index
///   distress:
///     range: [0, 40]
///     higher_is_better: false
/// ```
///
/// Unknown keys are errors naming their line, so a misspelt `reliabilty` is never silently
/// ignored.
public struct Codebook: Sendable, Equatable {
    public var columns = ColumnMapping()
    /// Scales by role or column name, as written in the file.
    public var scales: [String: RatingScale] = [:]

    public init() {}

    /// Reads the codebook at `path`.
    public init(path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "no such file"
            throw DataError(source: path, message: reason)
        }
        try self.init(text: text, source: path)
    }

    /// Reads a codebook from text; `source` names it in messages.
    public init(text: String, source: String) throws {
        self.init()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DataError(source: source, message: "not valid YAML or JSON: " + Self.oneLine(error))
        }
        guard let root else { throw DataError(source: source, message: "the codebook is empty") }
        let reader = NodeReader(source: source)
        let top = try reader.mapping(root, what: "the codebook", keys: ["columns", "scales"])
        if let columnsNode = top["columns"] {
            for (key, value) in try reader.pairs(columnsNode, what: "'columns'") {
                guard let role = PanelRole(rawValue: key.name) else {
                    throw reader.error(at: key.node, "unknown role '\(key.name)' under 'columns' (roles: \(PanelRole.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                columns.rename(role, to: try reader.string(value, what: "the column for '\(key.name)'"))
            }
        }
        if let scalesNode = top["scales"] {
            for (key, value) in try reader.pairs(scalesNode, what: "'scales'") {
                let fields = try reader.mapping(value, what: "the scale of '\(key.name)'",
                                                keys: ["range", "higher_is_better", "reliability", "sd"])
                var scale = RatingScale()
                if let range = fields["range"] {
                    guard case .sequence(let bounds) = range, bounds.count == 2,
                          let lo = bounds[0].float, let hi = bounds[1].float else {
                        throw reader.error(at: range, "'range' of '\(key.name)' must be two numbers, e.g. [1, 7]")
                    }
                    scale.minimum = lo
                    scale.maximum = hi
                }
                if let direction = fields["higher_is_better"] {
                    guard let flag = direction.bool else {
                        throw reader.error(at: direction, "'higher_is_better' of '\(key.name)' must be true or false")
                    }
                    scale.higherIsBetter = flag
                }
                if let r = fields["reliability"] { scale.reliability = try reader.number(r, what: "'reliability' of '\(key.name)'") }
                if let sd = fields["sd"] { scale.referenceSD = try reader.number(sd, what: "'sd' of '\(key.name)'") }
                let line = value.mark.map { "\(source):\($0.line)" } ?? source
                scales[key.name] = try scale.validated(location: line)
            }
        }
    }

    private static func oneLine(_ error: YamlError) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "parse error"
    }
}

/// Reads typed values out of YAML nodes, with errors naming the line.
private struct NodeReader {
    let source: String

    func error(at node: Node, _ message: String) -> DataError {
        DataError(location: node.mark.map { "\(source):\($0.line)" } ?? source, message: message)
    }

    /// The key-value pairs of a mapping node, keys as text.
    func pairs(_ node: Node, what: String) throws -> [(key: (name: String, node: Node), value: Node)] {
        guard case .mapping(let mapping) = node else { throw error(at: node, "\(what) must be a mapping of names to values") }
        return try mapping.map { pair in
            guard let name = pair.key.string else { throw error(at: pair.key, "a key in \(what) is not text") }
            return ((name, pair.key), pair.value)
        }
    }

    /// A mapping whose keys must all be among `keys`.
    func mapping(_ node: Node, what: String, keys: [String]) throws -> [String: Node] {
        var out = [String: Node]()
        for (key, value) in try pairs(node, what: what) {
            guard keys.contains(key.name) else {
                throw error(at: key.node, "unknown key '\(key.name)' in \(what) (expected \(keys.joined(separator: ", ")))")
            }
            out[key.name] = value
        }
        return out
    }

    func string(_ node: Node, what: String) throws -> String {
        guard case .scalar = node, let s = node.string, !s.isEmpty else { throw error(at: node, "\(what) must be a name") }
        return s
    }

    func number(_ node: Node, what: String) throws -> Double {
        guard let v = node.float, v.isFinite else { throw error(at: node, "\(what) must be a number") }
        return v
    }
}
