/// A publication table: a title, column headers, rows of typed cells, and notes.
///
/// Cells carry values, not strings, so that each output format can print them its own way: APA
/// style in text, Markdown and LaTeX (p-values as `< .001`, no leading zero for quantities that
/// cannot exceed 1, intervals as `[lo, hi]`), and full precision in CSV for programs.
public struct Table: Sendable, Equatable {
    /// The caption, e.g. "Table 3. Ruptures and repairs by rater".
    public var title: String
    /// A short machine name (`fixed-effects`) for file names and LaTeX labels.
    public var name: String
    public var columns: [TableColumn]
    public var rows: [TableRow]
    /// Notes printed under the table ("Note. ...").
    public var notes: [String]
    /// How the table is laid out as CSV (`CSVTableRenderer`): as displayed, or with its rows of
    /// statistics turned into columns.
    public var csvLayout: CSVLayout = .rows
    /// The CSV column holding each row's section heading (`rater` for a section per rater).
    public var csvSectionKey = "section"

    public init(title: String, name: String, columns: [TableColumn], rows: [TableRow] = [], notes: [String] = []) {
        self.title = title
        self.name = name
        self.columns = columns
        self.rows = rows
        self.notes = notes
    }

    /// Appends a row of cells (one per column).
    public mutating func append(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "a row of \(cells.count) cells in a table of \(columns.count) columns")
        rows.append(.cells(cells))
    }

    /// Appends a row of statistics labelled `label`, named `key` in CSV (with
    /// `csvLayout = .statisticsInRows`).
    public mutating func appendStatistic(_ label: String, key: String, _ cells: [Cell]) {
        append([.text(label)] + cells)
        if case .statisticsInRows(let observation, let keys) = csvLayout {
            csvLayout = .statisticsInRows(observation: observation, keys: keys + [key])
        }
    }

    /// Appends a section heading that spans the table ("Patient-rated").
    public mutating func appendSection(_ heading: String) {
        rows.append(.section(heading))
    }

    /// The table without the columns whose cells are empty in every row (a CSV file has no
    /// labels to show under "Label"), and the headers of the columns left out. For displays: a
    /// CSV keeps every column, so that its layout does not depend on the data.
    public func droppingEmptyColumns() -> (table: Table, dropped: [String]) {
        let cellRows = rows.compactMap { row -> [Cell]? in
            if case .cells(let cells) = row { return cells }
            return nil
        }
        let kept = columns.indices.filter { j in cellRows.isEmpty || cellRows.contains { $0[j] != .empty } }
        guard kept.count < columns.count else { return (self, []) }
        var table = self
        table.columns = kept.map { columns[$0] }
        table.rows = rows.map { row in
            if case .cells(let cells) = row { return .cells(kept.map { cells[$0] }) }
            return row
        }
        let dropped = columns.indices.filter { !kept.contains($0) }.map { columns[$0].header }
        return (table, dropped)
    }
}

/// How a table becomes CSV, where every column is one variable and every row one observation.
public enum CSVLayout: Sendable, Equatable {
    /// One CSV row per table row.
    case rows
    /// Each row of cells is one statistic (its label in the first column) and each further column
    /// one observation (a rater): the CSV has one row per observation, with the observation's key
    /// under `observation` (no such column when nil), and one column per statistic, named by
    /// `keys` (one per row of cells, in order; snake_case).
    case statisticsInRows(observation: String?, keys: [String])
}

/// A column header and how its cells align.
public struct TableColumn: Sendable, Equatable {
    public var header: String
    public var alignment: Alignment
    /// The column's name in CSV (snake_case); nil derives it from the header
    /// (`CSVTableRenderer.key(forHeader:)`).
    public var key: String?

    public enum Alignment: Sendable, Equatable { case left, right, center }

    public init(_ header: String, alignment: Alignment = .right, key: String? = nil) {
        self.header = header
        self.alignment = alignment
        self.key = key
    }
}

/// A row: cells, or a heading spanning all columns.
public enum TableRow: Sendable, Equatable {
    case cells([Cell])
    case section(String)
}

/// One table cell.
public enum Cell: Sendable, Equatable {
    case text(String)
    /// A number rounded to `decimals` places for display.
    case number(Double, decimals: Int)
    case integer(Int)
    /// A p-value: `< .001` below 0.001, else three decimals without the leading zero.
    case pValue(Double)
    /// A quantity bounded by 1 in absolute value (correlation, proportion, ICC), printed without
    /// a leading zero as APA asks: `.52`, `-.13`.
    case bounded(Double, decimals: Int)
    /// A percentage, `52.1%`.
    case percent(Double, decimals: Int)
    /// An interval, `[0.12, 0.45]`.
    case interval(Double, Double, decimals: Int)
    /// A count and its percentage, `40 (4.9%)`.
    case countAndPercent(Int, Double, decimals: Int)
    /// The smallest and largest value, `1.00–7.00`.
    case range(Double, Double, decimals: Int)
    /// Nothing to show (a dash in text formats, empty in CSV).
    case empty
}
