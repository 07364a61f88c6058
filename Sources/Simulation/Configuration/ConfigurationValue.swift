import Tabular
import Yams

/// A value of a study configuration as written in a YAML or JSON file (or a preset), with the
/// place it was written, so that every later check can name `file:line` and the field.
///
/// Configurations are layered: a preset, then the user's file on top (`merged(over:)`), then
/// the values of one cell of the design grid (`setting(_:to:)`). Every layer keeps its own
/// locations, so an error in a grid value points at the grid, not at the preset.
public indirect enum ConfigurationValue: Sendable {
    case scalar(String, location: String)
    case sequence([ConfigurationValue], location: String)
    case mapping([(key: String, value: ConfigurationValue)], location: String)

    /// Where the value was written: `file:line`.
    public var location: String {
        switch self {
        case .scalar(_, let l), .sequence(_, let l), .mapping(_, let l): return l
        }
    }

    /// Parses YAML (JSON is YAML); `source` names the text in messages. Empty text is an empty
    /// mapping.
    public static func parse(_ text: String, source: String) throws -> ConfigurationValue {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            let first = String(describing: error).split(separator: "\n").first.map(String.init) ?? "parse error"
            throw DataError(source: source, message: "not valid YAML or JSON: \(first.count > 200 ? String(first.prefix(200)) + "…" : first)")
        }
        guard let root else { return .mapping([], location: source) }
        var budget = maximumNodes
        return try ConfigurationValue(root, source: source, budget: &budget)
    }

    /// The most values (scalars, lists and mappings, counted after YAML aliases are expanded) a
    /// configuration may hold. A real one has a few hundred; a "billion laughs" file (aliases of
    /// aliases, 9^9 values from a few lines) is refused after this many, before it fills memory.
    public static let maximumNodes = 100_000

    private init(_ node: Node, source: String, budget: inout Int) throws {
        let location = node.mark.map { "\(source):\($0.line)" } ?? source
        budget -= 1
        guard budget >= 0 else {
            throw DataError(location: location, message: "the configuration holds more than \(Self.maximumNodes) values (after YAML aliases are expanded); a study configuration has a few hundred")
        }
        switch node {
        case .scalar(let s):
            self = .scalar(s.string, location: location)
        case .sequence(let s):
            var items = [ConfigurationValue]()
            for item in s { items.append(try ConfigurationValue(item, source: source, budget: &budget)) }
            self = .sequence(items, location: location)
        case .mapping(let m):
            var pairs = [(key: String, value: ConfigurationValue)]()
            for (key, value) in m {
                // Yams refuses a key given twice.
                guard case .scalar(let k) = key else {
                    throw DataError(location: location, message: "a key that is not a name")
                }
                pairs.append((k.string, try ConfigurationValue(value, source: source, budget: &budget)))
            }
            self = .mapping(pairs, location: location)
        case .alias:
            throw DataError(location: location, message: "YAML aliases are not supported in a study configuration")
        }
    }

    /// This value laid over `base`: mappings are merged key by key (recursively), anything else
    /// replaces the base value.
    public func merged(over base: ConfigurationValue) -> ConfigurationValue {
        guard case .mapping(let top, let location) = self, case .mapping(var pairs, _) = base else { return self }
        for (key, value) in top {
            if let k = pairs.firstIndex(where: { $0.key == key }) {
                pairs[k].value = value.merged(over: pairs[k].value)
            } else {
                pairs.append((key, value))
            }
        }
        return .mapping(pairs, location: location)
    }

    /// The value at a dotted path (`distress.rupture_effect.patient`), if present.
    public func value(at path: [String]) -> ConfigurationValue? {
        guard let first = path.first else { return self }
        guard case .mapping(let pairs, _) = self, let v = pairs.first(where: { $0.key == first })?.value else { return nil }
        return v.value(at: Array(path.dropFirst()))
    }

    /// This value with the one at `path` replaced by `value` (mappings on the way are created).
    public func setting(_ path: [String], to value: ConfigurationValue) -> ConfigurationValue {
        guard let first = path.first else { return value }
        var pairs: [(key: String, value: ConfigurationValue)] = []
        var location = value.location
        if case .mapping(let existing, let l) = self { pairs = existing; location = l }
        let rest = Array(path.dropFirst())
        if let k = pairs.firstIndex(where: { $0.key == first }) {
            pairs[k].value = pairs[k].value.setting(rest, to: value)
        } else {
            pairs.append((first, ConfigurationValue.mapping([], location: value.location).setting(rest, to: value)))
        }
        return .mapping(pairs, location: location)
    }

    /// The value as one line of text: scalars as written, sequences and mappings in flow style
    /// (`{preset: drop, threshold: 1.5}`), for labels and messages.
    public var text: String {
        switch self {
        case .scalar(let s, _): return s
        case .sequence(let items, _): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .mapping(let pairs, _): return "{" + pairs.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
        }
    }
}
