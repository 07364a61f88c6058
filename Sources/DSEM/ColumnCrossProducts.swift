/// The cross-products of the columns of a small column-major matrix, A' A: one patient's
/// regressors (rows: its equations, a few columns), summed for the whole-sample blocks.
///
/// Written out rather than calling BLAS's dsyrk, whose call costs more than the arithmetic at this
/// size (a patient has about 15 rows and 3 to 6 columns), and column by column so that the
/// products are dot products over contiguous memory (the rows were written one at a time, and
/// summing an outer product per row would read back values just stored).
enum ColumnCrossProducts {
    /// `result` (columns x columns, column-major) = A' A for A = `matrix` (rows x columns, leading
    /// dimension `leading`).
    static func compute(_ matrix: UnsafePointer<Double>, rows: Int, columns: Int, leading: Int,
                        into result: UnsafeMutablePointer<Double>) {
        for a in 0..<columns {
            let ca = matrix + a * leading
            for b in a..<columns {
                let cb = matrix + b * leading
                var s = 0.0
                for t in 0..<rows { s += ca[t] * cb[t] }
                result[a + b * columns] = s
                result[b + a * columns] = s
            }
        }
    }
}
