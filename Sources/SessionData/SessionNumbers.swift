import Tabular

/// Session numbers as every table keyed by session requires them: present, whole, not negative
/// (0 is allowed, for a baseline). Used by `Panel` and by any other table that names sessions
/// (coded events), so that both give the same messages.
public enum SessionNumbers {
    /// The session number of each row of `column` (numbers, or numeric text). The first bad value
    /// is a `DataError` naming its row and the column.
    public static func values(of column: Column, named name: String, in table: DataTable) throws -> [Int32] {
        let values = try NumericView.values(of: column, named: name, in: table)
        var sessions = [Int32](repeating: 0, count: values.count)
        for (r, s) in values.enumerated() {
            func fail(_ message: String) -> DataError {
                DataError(location: table.location(ofRow: r), message: "column '\(name)': \(message)")
            }
            if s.isNaN { throw fail("missing session number") }
            if s.isInfinite { throw fail("session \(s) is not a finite number") }
            if s < 0 { throw fail("session \(Column.numeric([s]).text(at: 0)!) is negative (sessions count from 0 or 1)") }
            if s != s.rounded() { throw fail("session \(s) is not a whole number") }
            if s > Double(Int32.max) { throw fail("session \(s) is too large") }
            sessions[r] = Int32(s)
        }
        return sessions
    }
}
