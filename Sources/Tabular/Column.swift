/// One column of a data table: numbers, or text stored as codes into a list of labels.
///
/// Missing values are `NaN` in a numeric column and code `-1` in a categorical one. A numeric
/// column never holds an infinity or a NaN that was written in the data: readers reject those with
/// an error naming the cell, so a NaN here always means "missing".
public enum Column: Sendable, Equatable {
    /// Numbers; `NaN` marks a missing value.
    case numeric([Double])
    /// Text values as codes into `labels` (labels in order of first appearance, distinct);
    /// code -1 marks a missing value.
    case categorical(codes: [Int32], labels: [String])

    public var count: Int {
        switch self {
        case .numeric(let values): return values.count
        case .categorical(let codes, _): return codes.count
        }
    }

    public var isNumeric: Bool {
        if case .numeric = self { return true }
        return false
    }

    /// Whether the value in `row` is missing.
    public func isMissing(_ row: Int) -> Bool {
        switch self {
        case .numeric(let values): return values[row].isNaN
        case .categorical(let codes, _): return codes[row] < 0
        }
    }

    /// How many values are missing.
    public var missingCount: Int {
        switch self {
        case .numeric(let values): return values.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
        case .categorical(let codes, _): return codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        }
    }

    /// The value in `row` as text (numbers printed the shortest way that reads back exactly),
    /// or nil when missing.
    public func text(at row: Int) -> String? {
        switch self {
        case .numeric(let values):
            let v = values[row]
            if v.isNaN { return nil }
            if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
            return String(v)
        case .categorical(let codes, let labels):
            let c = codes[row]
            return c < 0 ? nil : labels[Int(c)]
        }
    }

    /// The rows selected by `rows`, in that order.
    public func selecting(_ rows: [Int]) -> Column {
        switch self {
        case .numeric(let values): return .numeric(rows.map { values[$0] })
        case .categorical(let codes, let labels): return .categorical(codes: rows.map { codes[$0] }, labels: labels)
        }
    }
}
