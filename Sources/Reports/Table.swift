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

    /// Appends a section heading that spans the table ("Patient-rated").
    public mutating func appendSection(_ heading: String) {
        rows.append(.section(heading))
    }
}

/// A column header and how its cells align.
public struct TableColumn: Sendable, Equatable {
    public var header: String
    public var alignment: Alignment

    public enum Alignment: Sendable, Equatable { case left, right, center }

    public init(_ header: String, alignment: Alignment = .right) {
        self.header = header
        self.alignment = alignment
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
    /// Nothing to show (a dash in text formats, empty in CSV).
    case empty
}
