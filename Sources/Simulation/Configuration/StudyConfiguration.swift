import Foundation
import SessionData
import Tabular
import Yams

/// A simulation study as configured: the data-generating process, the analysis, and the grid of
/// design factors, read from a YAML or JSON file or a preset (`SimulationPresets`).
///
/// A file may start from a preset with `preset: NAME` and set only what differs; every other
/// field takes its default. The configuration in force is written out in full by
/// `canonicalText`, which is also what identifies a study in checkpoints and shard files.
public struct StudyConfiguration: Sendable {
    /// The process and analysis outside the grid (the values of a cell where no factor applies).
    public let process: DataGeneratingProcess
    public let analysis: AnalysisPlan
    public let grid: DesignGrid
    /// One per combination of grid values, in grid order.
    public let cells: [StudyCell]
    /// Every field, in a fixed order, with the grid: equal texts mean the same study.
    public let canonicalText: String

    /// The most cells a grid may have.
    public static let maximumCells = 100_000

    /// The preset called `name`; an error naming `--preset` otherwise.
    public static func preset(named name: String) throws -> StudyConfiguration {
        guard let text = SimulationPresets.text(named: name) else {
            throw DataError(location: "--preset", message: "unknown preset \(Excerpt.quoted(name)) (presets: \(SimulationPresets.names.joined(separator: ", ")))")
        }
        return try StudyConfiguration(text: text, source: "preset \(name)")
    }

    /// Reads the configuration file at `path`.
    public init(path: String) throws {
        try self.init(text: try CodebookNodeReader.text(ofFile: path), source: path)
    }

    /// Reads a configuration from text; `source` names it in messages.
    public init(text: String, source: String) throws {
        try self.init(tree: try ConfigurationValue.parse(text, source: source), source: source)
    }

    /// A configuration from values already parsed (layered with `ConfigurationValue.merged(over:)`).
    public init(tree parsed: ConfigurationValue, source: String) throws {
        var (tree, gridValue) = try Self.layers(parsed)
        let base = try Self.decode(tree, source: source)
        process = base.process
        analysis = base.analysis
        let baseFields = Self.fields(process: process, analysis: analysis)
        let factors = try Self.gridFactors(gridValue, of: CanonicalYAML.mapping(baseFields))
        let shape = DesignGrid(factors: factors.map { DesignGrid.Factor(path: $0.path, values: $0.values.map(\.text)) })
        guard shape.cellCount <= Self.maximumCells else {
            let product = factors.reduce(1.0) { $0 * Double($1.values.count) }
            let count = shape.cellCount == Int.max ? String(format: "%.3g", product) : "\(shape.cellCount)"
            throw DataError(location: gridValue?.location ?? source, message: "field 'grid' makes \(count) cells; at most \(Self.maximumCells) are allowed")
        }

        // Cells: the base with each factor's value set, decoded (so every value is checked as the
        // field itself is), labelled by the canonical text of the value in force.
        var cells = [StudyCell]()
        var labels = factors.map { [String?](repeating: nil, count: $0.values.count) }
        var valueNodes = factors.map { [Node?](repeating: nil, count: $0.values.count) }
        for k in 0..<shape.cellCount {
            let indices = shape.valueIndices(ofCell: k)
            for (f, v) in indices.enumerated() { tree = tree.setting(factors[f].components, to: factors[f].values[v]) }
            let decoded = try Self.decode(tree, source: source)
            let cellNode = CanonicalYAML.mapping(Self.fields(process: decoded.process, analysis: decoded.analysis))
            var cellLabels = [String]()
            for (f, v) in indices.enumerated() {
                // Every cell has the fields of the base, so the path checked there exists here.
                guard let node = Self.child(of: cellNode, at: factors[f].components) else {
                    throw DataError(location: factors[f].values[v].location, message: "grid factor '\(factors[f].path)': no such field")
                }
                let label = factors[f].path == "analysis.criterion" ? decoded.analysis.criterion.label : CanonicalYAML.inlineText(node)
                if labels[f][v] == nil {
                    if let other = labels[f].firstIndex(of: label) {
                        throw DataError(location: factors[f].values[v].location,
                                        message: "grid factor '\(factors[f].path)': value \(v + 1) repeats value \(other + 1) (\(label))")
                    }
                    labels[f][v] = label
                    valueNodes[f][v] = node
                }
                cellLabels.append(label)
            }
            cells.append(StudyCell(number: k + 1, factorValues: cellLabels, process: decoded.process, analysis: decoded.analysis))
        }
        self.cells = cells
        // Every value index occurs in some cell, so every label and node is set.
        grid = DesignGrid(factors: factors.indices.map { DesignGrid.Factor(path: factors[$0].path, values: labels[$0].compactMap { $0 }) })

        // The canonical text: every field, then the grid with its values as the cells read them.
        let gridNode = CanonicalYAML.mapping(factors.indices.map { f in (factors[f].path, CanonicalYAML.list(valueNodes[f].compactMap { $0 })) })
        canonicalText = "# alliance simulation study: every field in force (simulated data; see docs/METHODS.md)\n"
            + (try CanonicalYAML.text(of: CanonicalYAML.mapping(baseFields + [("grid", gridNode)])))
    }

    /// The configuration with its preset underneath (`preset: NAME`), and its grid apart.
    private static func layers(_ parsed: ConfigurationValue) throws -> (tree: ConfigurationValue, grid: ConfigurationValue?) {
        guard case .mapping(var pairs, let location) = parsed else {
            throw DataError(location: parsed.location, message: "a study configuration must be a mapping of fields, not \(Excerpt.quoted(parsed.text))")
        }
        var presetTree: ConfigurationValue? = nil
        if let k = pairs.firstIndex(where: { $0.key == "preset" }) {
            let known = "presets: \(SimulationPresets.names.joined(separator: ", "))"
            guard case .scalar(let name, let presetLocation) = pairs[k].value else {
                throw DataError(location: pairs[k].value.location, message: "field 'preset' must be a preset name (\(known))")
            }
            guard let presetText = SimulationPresets.text(named: name) else {
                throw DataError(location: presetLocation, message: "field 'preset': unknown preset \(Excerpt.quoted(name)) (\(known))")
            }
            presetTree = try ConfigurationValue.parse(presetText, source: "preset \(name)")
            pairs.remove(at: k)
        }
        var grid: ConfigurationValue? = nil
        if let k = pairs.firstIndex(where: { $0.key == "grid" }) { grid = pairs.remove(at: k).value }
        let tree = ConfigurationValue.mapping(pairs, location: location)
        return (presetTree.map { tree.merged(over: $0) } ?? tree, grid)
    }

    /// A grid factor as written: the field's path and the values it takes.
    private struct Factor {
        let path: String
        let components: [String]
        let values: [ConfigurationValue]
    }

    /// The grid's factors, each a scalar field of the configuration (or the criterion) with at
    /// least one value.
    private static func gridFactors(_ grid: ConfigurationValue?, of base: Node) throws -> [Factor] {
        guard let grid else { return [] }
        guard case .mapping(let pairs, _) = grid else {
            throw DataError(location: grid.location, message: "field 'grid' must be a mapping of fields to lists of values, e.g. {patients: [60, 120]}")
        }
        return try pairs.map { path, values in
            let components = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            func fail(_ message: String) -> DataError { DataError(location: values.location, message: "grid factor \(Excerpt.quoted(path)): \(message)") }
            guard let existing = child(of: base, at: components) else {
                throw fail("no such field (vary a field of the configuration, e.g. patients, sessions.mean, distress.rupture_effect.patient, analysis.criterion)")
            }
            if path != "analysis.criterion" {
                switch existing {
                case .mapping: throw fail("is a group of fields; vary one of them (\(leafPaths(existing, prefix: path).prefix(4).joined(separator: ", ")), ...)")
                case .sequence: throw fail("lists what a study already shows side by side; it cannot be a grid factor")
                default: break
                }
            }
            let list: [ConfigurationValue]
            if case .sequence(let items, _) = values { list = items } else { list = [values] }
            guard !list.isEmpty else { throw fail("has no values") }
            return Factor(path: path, components: components, values: list)
        }
    }

    /// The process and analysis of a configuration tree without its grid.
    private static func decode(_ tree: ConfigurationValue, source: String) throws -> (process: DataGeneratingProcess, analysis: AnalysisPlan) {
        let s = try ConfigurationSection(tree, path: "", location: source)
        let process = try DataGeneratingProcess(s)
        let analysis = try AnalysisPlan(try s.section("analysis"), default: AnalysisPlan())
        try s.finish()
        return (process, analysis)
    }

    private static func fields(process: DataGeneratingProcess, analysis: AnalysisPlan) -> [(String, Node)] {
        process.fields + [("analysis", analysis.node)]
    }

    /// The node at a dotted path of a canonical configuration node.
    private static func child(of node: Node, at path: [String]) -> Node? {
        guard let first = path.first else { return node }
        guard case .mapping(let m) = node, let v = m.first(where: { $0.key.string == first })?.value else { return nil }
        return child(of: v, at: Array(path.dropFirst()))
    }

    /// The dotted paths of the scalar fields under `node`.
    private static func leafPaths(_ node: Node, prefix: String) -> [String] {
        guard case .mapping(let m) = node else { return [prefix] }
        return m.flatMap { pair in leafPaths(pair.value, prefix: (prefix.isEmpty ? "" : prefix + ".") + (pair.key.string ?? "")) }
    }
}

/// One cell of a study's design grid: its number (from 1), the value of each grid factor, and
/// the process and analysis in force there.
public struct StudyCell: Sendable {
    public let number: Int
    public let factorValues: [String]
    public let process: DataGeneratingProcess
    public let analysis: AnalysisPlan
}
