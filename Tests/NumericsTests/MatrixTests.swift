import Testing
@testable import Numerics

@Suite struct MatrixTests {
    @Test func storesColumnMajor() {
        let m = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.columns == 3)
        #expect(m.elements == [1, 4, 2, 5, 3, 6])
        #expect(m[1, 2] == 6)
        #expect(Array(m.column(1)) == [2, 5])
        #expect(m.row(0) == [1, 2, 3])
    }

    @Test func transposeAndTriangles() {
        let m = Matrix([[1, 2], [3, 4]])
        #expect(m.transposed == Matrix([[1, 3], [2, 4]]))
        #expect(m.lowerTriangle == Matrix([[1, 0], [3, 4]]))
        #expect(m.upperTriangle == Matrix([[1, 2], [0, 4]]))
        var s = m
        s.symmetrize(from: .lower)
        #expect(s == Matrix([[1, 3], [3, 4]]))
        #expect(Matrix.identity(2).diagonal == [1, 1])
        #expect(m.selectingColumns([1]) == Matrix([[2], [4]]))
    }

    @Test func detectsNonFinite() {
        #expect(Matrix([[1, .nan]]).isFinite == false)
        #expect(Matrix([[1, 2]]).isFinite)
    }
}
