/// A dense matrix of `Double` stored column by column, the layout BLAS and LAPACK expect.
///
/// Element (i, j) (zero-based) lives at `elements[i + j * rows]`, so the leading dimension of every
/// matrix is its number of rows. `Matrix` is a value type: copies share storage until one of them
/// is written to (Swift's copy-on-write arrays), so passing a matrix to a function is cheap.
///
/// Vectors are plain `[Double]`; `column(_:)` gives a column as a slice of the storage without copying.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    /// The elements in column-major order; `elements.count == rows * columns`.
    public var elements: [Double]

    /// A `rows` x `columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        self.elements = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over `elements` given in column-major order.
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) {
        precondition(rows >= 0 && columns >= 0 && elements.count == rows * columns,
                     "\(elements.count) elements do not fill a \(rows) x \(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix written the way it reads on paper, one array per row: `Matrix([[1, 2], [3, 4]])`.
    public init(_ rowArrays: [[Double]]) {
        let rows = rowArrays.count
        let columns = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == columns }, "rows of unequal length")
        var elements = [Double](repeating: 0, count: rows * columns)
        for (i, row) in rowArrays.enumerated() {
            for (j, value) in row.enumerated() { elements[i + j * rows] = value }
        }
        self.init(rows: rows, columns: columns, columnMajor: elements)
    }

    /// The n x n identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i + i * n] = 1 }
        return m
    }

    /// A diagonal matrix with `diagonal` on its diagonal.
    public static func diagonal(_ diagonal: [Double]) -> Matrix {
        let n = diagonal.count
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.elements[i + i * n] = diagonal[i] }
        return m
    }

    /// A matrix with a single column.
    public init(column: [Double]) {
        self.init(rows: column.count, columns: 1, columnMajor: column)
    }

    public var isSquare: Bool { rows == columns }

    public subscript(row: Int, column: Int) -> Double {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            return elements[row + column * rows]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "index out of range")
            elements[row + column * rows] = newValue
        }
    }

    /// Column `j`, as a view of the storage (no copy).
    public func column(_ j: Int) -> ArraySlice<Double> {
        precondition(j >= 0 && j < columns, "column index out of range")
        return elements[(j * rows)..<((j + 1) * rows)]
    }

    /// Row `i`, copied out (rows are not contiguous in column-major storage).
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "row index out of range")
        return (0..<columns).map { elements[i + $0 * rows] }
    }

    /// The diagonal elements.
    public var diagonal: [Double] {
        (0..<Swift.min(rows, columns)).map { elements[$0 + $0 * rows] }
    }

    /// The transpose.
    public var transposed: Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns {
            for i in 0..<rows { t.elements[j + i * columns] = elements[i + j * rows] }
        }
        return t
    }

    /// The matrix restricted to the given columns, in the order given.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var out = [Double]()
        out.reserveCapacity(rows * indices.count)
        for j in indices { out.append(contentsOf: column(j)) }
        return Matrix(rows: rows, columns: indices.count, columnMajor: out)
    }

    /// True when every element is finite (neither NaN nor infinite).
    public var isFinite: Bool { elements.allSatisfy { $0.isFinite } }

    /// The largest absolute difference between two matrices of the same shape.
    public func maxAbsoluteDifference(_ other: Matrix) -> Double {
        precondition(rows == other.rows && columns == other.columns, "shapes differ")
        var m = 0.0
        for k in elements.indices { m = Swift.max(m, abs(elements[k] - other.elements[k])) }
        return m
    }

    /// The lower triangle (diagonal included), with zeros above the diagonal.
    public var lowerTriangle: Matrix {
        var m = self
        for j in 0..<columns { for i in 0..<Swift.min(j, rows) { m.elements[i + j * rows] = 0 } }
        return m
    }

    /// The upper triangle (diagonal included), with zeros below the diagonal.
    public var upperTriangle: Matrix {
        var m = self
        for j in 0..<columns where j + 1 < rows {
            for i in (j + 1)..<rows { m.elements[i + j * rows] = 0 }
        }
        return m
    }

    /// Fills the upper triangle from the lower one (or the reverse), making the matrix symmetric.
    public mutating func symmetrize(from triangle: Triangle) {
        precondition(isSquare, "only a square matrix can be symmetrized")
        for j in 0..<columns {
            for i in (j + 1)..<rows {
                switch triangle {
                case .lower: elements[j + i * rows] = elements[i + j * rows]
                case .upper: elements[i + j * rows] = elements[j + i * rows]
                }
            }
        }
    }

    public var description: String {
        (0..<rows).map { i in row(i).map { String($0) }.joined(separator: "\t") }.joined(separator: "\n")
    }
}

/// Which triangle of a matrix a routine reads or writes.
public enum Triangle: Sendable {
    case lower, upper

    var lapackCode: CChar { self == .lower ? CChar(UInt8(ascii: "L")) : CChar(UInt8(ascii: "U")) }
}
