import Testing
@testable import Numerics

/// Products worked out by hand.
@Suite struct BLASTests {
    let a = Matrix([[1, 2], [3, 4], [5, 6]])   // 3 x 2

    @Test func gemmAllTranspositions() throws {
        let b = Matrix([[1, 0, 2], [0, 1, 1]])  // 2 x 3
        // A B = [[1,2,4],[3,4,10],[5,6,16]]
        #expect(try BLAS.product(a, .none, b, .none) == Matrix([[1, 2, 4], [3, 4, 10], [5, 6, 16]]))
        // A'A = [[35,44],[44,56]]
        #expect(try BLAS.product(a, .transpose, a, .none) == Matrix([[35, 44], [44, 56]]))
        // B B' = [[5,2],[2,2]]
        #expect(try BLAS.product(b, .none, b, .transpose) == Matrix([[5, 2], [2, 2]]))
        // accumulate: C <- 2 A'A + 1 C
        var c = Matrix([[1, 0], [0, 1]])
        try BLAS.gemm(a, .transpose, a, .none, alpha: 2, beta: 1, into: &c)
        #expect(c == Matrix([[71, 88], [88, 113]]))
    }

    @Test func gemmRejectsMismatchedShapes() {
        #expect(throws: LinearAlgebraError.self) { try BLAS.product(a, .none, a, .none) }
    }

    @Test func gemv() throws {
        #expect(try BLAS.product(a, .none, [1, -1]) == [-1, -1, -1])
        #expect(try BLAS.product(a, .transpose, [1, 1, 1]) == [9, 12])
        var y: [Double] = [1, 1]
        #expect(throws: LinearAlgebraError.self) { try BLAS.gemv(a, .none, [1, 1], into: &y) }
    }

    @Test func syrkMatchesGemm() throws {
        #expect(try BLAS.gram(a) == Matrix([[35, 44], [44, 56]]))
        var c = Matrix(rows: 3, columns: 3)
        try BLAS.syrk(a, .none, into: &c)          // lower triangle of A A'
        #expect(c[2, 0] == 17 && c[1, 1] == 25 && c[2, 2] == 61 && c[0, 2] == 0)
    }

    @Test func triangularSolves() throws {
        let l = Matrix([[2, 0], [1, 4]])
        var x: [Double] = [4, 10]                 // 2 x1 = 4; x1 + 4 x2 = 10  ->  x = (2, 2)
        try BLAS.trsv(l, triangle: .lower, &x)
        #expect(x == [2, 2])
        var y: [Double] = [4, 8]                  // L' y = b: 2 y1 + y2 = 4, 4 y2 = 8 -> (1, 2)
        try BLAS.trsv(l, triangle: .lower, transpose: .transpose, &y)
        #expect(y == [1, 2])
        var b = Matrix([[4, 2], [10, 5]])
        try BLAS.trsm(l, triangle: .lower, &b)     // columns solved independently
        #expect(b == Matrix([[2, 1], [2, 1]]))
        var r = Matrix([[2, 4]])                  // X L = [2, 4]: x1*2 + x2*1 = 2, x2*4 = 4 -> (0.5, 1)
        try BLAS.trsm(l, triangle: .lower, side: .right, &r)
        #expect(r == Matrix([[0.5, 1]]))
    }

    @Test func triangularSolveWithZeroPivotThrows() {
        var x: [Double] = [1, 1]
        #expect(throws: LinearAlgebraError.singular(column: 2)) {
            try BLAS.trsv(Matrix([[1, 0], [1, 0]]), triangle: .lower, &x)
        }
    }
}
