import Foundation
import Tabular
import Yams

/// Reads a YAML (or JSON) codebook file into Yams nodes and typed values out of them, with every
/// error a `DataError` naming the file and line. Shared by the codebooks of session data and of
/// coded events, so both read and complain alike.
public struct CodebookNodeReader: Sendable {
    public let source: String

    public init(source: String) {
        self.source = source
    }

    /// The largest codebook or configuration file read (a real one has a few kilobytes).
    public static let maximumBytes = 4 << 20

    /// The text of the codebook (or configuration) file at `path` (UTF-8, at most `maximumBytes`).
    public static func text(ofFile path: String) throws -> String {
        try ReadableFile.check(path)
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maximumBytes else {
            throw DataError(source: path, message: "is \(size) bytes; a codebook or configuration has at most \(maximumBytes) (4 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(source: path, message: ReadableFile.reason(readingFailedAt: path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError(source: path, message: "is not UTF-8 text (save it as UTF-8)")
        }
        return text
    }

    /// The top node of `text`; an empty document or a YAML syntax error is an error.
    public func root(of text: String) throws -> Node {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let firstLine = String(describing: error).split(separator: "\n").first.map(String.init) ?? "parse error"
            throw DataError(source: source, message: "not valid YAML or JSON: " + (firstLine.count > 200 ? String(firstLine.prefix(200)) + "…" : firstLine))
        }
        guard let root else { throw DataError(source: source, message: "the codebook is empty") }
        return root
    }

    /// `file:line` of `node`.
    public func location(of node: Node) -> String {
        node.mark.map { "\(source):\($0.line)" } ?? source
    }

    public func error(at node: Node, _ message: String) -> DataError {
        DataError(location: location(of: node), message: message)
    }

    /// The key-value pairs of a mapping node, keys as text, in the file's order.
    public func pairs(_ node: Node, what: String) throws -> [(key: (name: String, node: Node), value: Node)] {
        guard case .mapping(let mapping) = node else { throw error(at: node, "\(what) must be a mapping of names to values") }
        return try mapping.map { pair in
            guard let name = pair.key.string else { throw error(at: pair.key, "a key in \(what) is not text") }
            return ((name, pair.key), pair.value)
        }
    }

    /// A mapping whose keys must all be among `keys`.
    public func mapping(_ node: Node, what: String, keys: [String]) throws -> [String: Node] {
        var out = [String: Node]()
        for (key, value) in try pairs(node, what: what) {
            guard keys.contains(key.name) else {
                throw error(at: key.node, "unknown key '\(key.name)' in \(what) (expected \(keys.joined(separator: ", ")))")
            }
            out[key.name] = value
        }
        return out
    }

    public func string(_ node: Node, what: String) throws -> String {
        guard case .scalar = node, let s = node.string, !s.isEmpty else { throw error(at: node, "\(what) must be a name") }
        return s
    }

    public func number(_ node: Node, what: String) throws -> Double {
        guard let v = node.float, v.isFinite else { throw error(at: node, "\(what) must be a number") }
        return v
    }
}
