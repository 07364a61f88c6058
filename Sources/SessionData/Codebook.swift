import Tabular
import Yams

/// A small YAML (or JSON) file describing a data set: column renames and the scale of each
/// rating. JSON is read by the same parser, since JSON is YAML.
///
/// ```yaml
/// columns:              # optional: role: column name in the file
///   patient: id
///   session: sess
/// factors: [site]       # optional: value-labelled numeric columns read as factors of their labels
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
    /// Numeric columns with value labels to read as factors whose levels are the labels (a labelled
    /// column is otherwise its numbers).
    public var factors: [String] = []

    public init() {}

    /// Reads the codebook at `path`.
    public init(path: String) throws {
        try self.init(text: try CodebookNodeReader.text(ofFile: path), source: path)
    }

    /// Reads a codebook from text; `source` names it in messages.
    public init(text: String, source: String) throws {
        self.init()
        let reader = CodebookNodeReader(source: source)
        let root = try reader.root(of: text)
        let top = try reader.mapping(root, what: "the codebook", keys: ["columns", "scales", "factors"])
        if let factorsNode = top["factors"] {
            guard case .sequence(let items) = factorsNode else {
                throw reader.error(at: factorsNode, "'factors' must be a list of column names, e.g. [site, clinician]")
            }
            factors = try items.map { try reader.string($0, what: "an entry of 'factors'") }
        }
        if let columnsNode = top["columns"] {
            for (key, value) in try reader.pairs(columnsNode, what: "'columns'") {
                guard let role = PanelRole(rawValue: key.name) else {
                    throw reader.error(at: key.node, "unknown role '\(key.name)' under 'columns' (roles: \(ColumnMapping.roleList))")
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
                scales[key.name] = try scale.validated(location: reader.location(of: value))
            }
        }
    }
}
