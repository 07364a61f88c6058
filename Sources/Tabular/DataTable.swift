/// A rectangular table of named columns read from a file: the common currency between the
/// readers (CSV, SPSS, Stata), session data, and model frames.
///
/// Every column has `rowCount` values. `source` names the file the table came from and
/// `sourceLines[r]` the line of that file where row r starts, so that any later check can point the
/// user at the exact cell (`data.csv:1234: column 'distress': ...`).
public struct DataTable: Sendable {
    public private(set) var names: [String]
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int
    /// The file the table was read from (or a description such as "simulated data").
    public var source: String
    /// The one-based line in `source` where each row starts; nil when rows do not come from lines
    /// (binary files, generated data). Then `location(ofRow:)` names the row instead.
    public private(set) var sourceLines: [Int32]?
    /// What the file says about each variable (labels, value labels, missing values, formats), by
    /// column name; columns without any have no entry. Filled by the SPSS/Stata readers.
    public private(set) var metadata: [String: VariableMetadata] = [:]
    /// How the file was read (format, encoding, delimiter, decimal mark); nil for generated data.
    public var file: FileDescription?

    /// An empty table (no columns, no rows).
    public init(source: String) {
        self.names = []
        self.columns = []
        self.rowCount = 0
        self.source = source
        self.sourceLines = nil
    }

    /// A table over the given columns, which must all have the same length and distinct names.
    public init(source: String, names: [String], columns: [Column], sourceLines: [Int32]? = nil,
                metadata: [String: VariableMetadata] = [:]) throws {
        self.init(source: source)
        guard names.count == columns.count else {
            throw DataError(source: source, message: "\(names.count) names for \(columns.count) columns")
        }
        self.rowCount = columns.first?.count ?? (sourceLines?.count ?? 0)
        self.sourceLines = sourceLines
        if let lines = sourceLines, lines.count != rowCount {
            throw DataError(source: source, message: "\(lines.count) line numbers for \(rowCount) rows")
        }
        for (name, column) in zip(names, columns) { try append(column, named: name, metadata: metadata[name]) }
    }

    /// The column called `name`, if there is one.
    public subscript(name: String) -> Column? {
        guard let k = names.firstIndex(of: name) else { return nil }
        return columns[k]
    }

    public func contains(_ name: String) -> Bool { names.contains(name) }

    /// Adds a column at the end, or replaces the column of the same name, with its metadata (a
    /// replaced column's metadata goes with it).
    public mutating func append(_ column: Column, named name: String, metadata: VariableMetadata? = nil) throws {
        if columns.isEmpty && rowCount == 0 { rowCount = column.count }
        guard column.count == rowCount else {
            throw DataError(source: source, message: "column '\(name)' has \(column.count) values, the table has \(rowCount) rows")
        }
        if let k = names.firstIndex(of: name) {
            columns[k] = column
        } else {
            names.append(name)
            columns.append(column)
        }
        self.metadata[name] = metadata.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Sets the metadata of the column `name` (which must exist).
    public mutating func setMetadata(_ metadata: VariableMetadata?, of name: String) {
        guard names.contains(name) else { return }
        self.metadata[name] = metadata.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The rows selected by `rows`, in that order (line numbers follow their rows).
    public func selectingRows(_ rows: [Int]) -> DataTable {
        var t = DataTable(source: source)
        t.names = names
        t.columns = columns.map { $0.selecting(rows) }
        t.rowCount = rows.count
        t.sourceLines = sourceLines.map { lines in rows.map { lines[$0] } }
        t.metadata = metadata
        t.file = file
        return t
    }

    /// The value in `row` of the column `name` as text, its value label where it has one (SPSS and
    /// Stata codes such as 1 = "withdrawal"); nil when missing or when there is no such column.
    public func labelledText(of name: String, at row: Int) -> String? {
        guard let column = self[name] else { return nil }
        if case .numeric(let values) = column, let label = metadata[name]?.label(of: values[row]), !values[row].isNaN {
            return label
        }
        return column.text(at: row)
    }

    /// Where row `row` (zero-based) came from, for messages: `file:line` or `file, row n`.
    public func location(ofRow row: Int) -> String {
        if let lines = sourceLines, row < lines.count { return "\(source):\(lines[row])" }
        return "\(source), row \(row + 1)"
    }
}

/// Bad input: a one-line message that names the file and, where it can, the line and column.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `file`, `file:line`, or `file, row n`.
    public let location: String
    public let message: String

    public init(source: String, line: Int? = nil, message: String) {
        self.location = line.map { "\(source):\($0)" } ?? source
        self.message = message
    }

    public init(location: String, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
