/// Where the nonzero blocks of a blocked sparse matrix are, column by column (compressed sparse
/// column form over *levels*): block column c holds blocks at block rows
/// `rows[columnStart[c]..<columnStart[c + 1]]`, in increasing order.
///
/// Off-diagonal blocks of Z'Z between two grouping factors have this shape: block (r, c) is
/// nonzero when some observation has level r of one factor and level c of the other.
struct BlockPattern: Sendable {
    let rowLevels: Int
    let columnLevels: Int
    let columnStart: [Int]
    let rows: [Int32]

    var blockCount: Int { rows.count }

    /// The pattern of distinct (row, column) pairs, given as `column * rowLevels + row` keys.
    init(rowLevels: Int, columnLevels: Int, sortedUniqueKeys keys: [Int64]) {
        self.rowLevels = rowLevels
        self.columnLevels = columnLevels
        var start = [Int](repeating: 0, count: columnLevels + 1)
        var rows = [Int32]()
        rows.reserveCapacity(keys.count)
        for key in keys {
            let c = Int(key / Int64(rowLevels))
            start[c + 1] += 1
            rows.append(Int32(key % Int64(rowLevels)))
        }
        for c in 0..<columnLevels { start[c + 1] += start[c] }
        self.columnStart = start
        self.rows = rows
    }

    /// The index of block (row, column), if it is in the pattern (binary search in the column).
    func index(row: Int32, column: Int) -> Int? {
        var lo = columnStart[column], hi = columnStart[column + 1]
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid] < row { lo = mid + 1 } else if rows[mid] > row { hi = mid } else { return mid }
        }
        return nil
    }

    /// True when every column has at most one block: the column factor is nested in the row
    /// factor (each patient belongs to one therapist).
    var isNested: Bool {
        for c in 0..<columnLevels where columnStart[c + 1] - columnStart[c] > 1 { return false }
        return true
    }

    /// The fraction of blocks present.
    var density: Double {
        rowLevels == 0 || columnLevels == 0 ? 0 : Double(blockCount) / (Double(rowLevels) * Double(columnLevels))
    }
}
