import Foundation
import Testing
@testable import Numerics

/// A = [[4,2,-2],[2,10,2],[-2,2,5]] factors by hand as L = [[2,0,0],[1,3,0],[-1,1,sqrt 3]]:
/// l11 = sqrt 4 = 2; l21 = 2/2 = 1; l31 = -2/2 = -1; l22 = sqrt(10 - 1) = 3;
/// l32 = (2 - (1)(-1))/3 = 1; l33 = sqrt(5 - 1 - 1) = sqrt 3. det A = (2 * 3 * sqrt 3)^2 = 108,
/// and A^-1 = adj(A)/108 with adj(A) = [[46,-14,24],[-14,16,-12],[24,-12,36]].
@Suite struct CholeskyTests {
    let a = Matrix([[4, 2, -2], [2, 10, 2], [-2, 2, 5]])

    @Test func factorIsTheHandWorkedOne() throws {
        let c = try Cholesky(a)
        let expected = Matrix([[2, 0, 0], [1, 3, 0], [-1, 1, 3.0.squareRoot()]])
        #expect(c.factor.maxAbsoluteDifference(expected) < 1e-14)
        // A = L L'
        let llt = try BLAS.product(c.factor, .none, c.factor, .transpose)
        #expect(llt.maxAbsoluteDifference(a) < 1e-13)
        #expect(abs(c.logDeterminant - log(108)) < 1e-13)
    }

    @Test func solveAndInverse() throws {
        let c = try Cholesky(a)
        // b = A (1, 2, 3)' = (2, 28, 17)
        let x = try c.solve([2, 28, 17])
        #expect(zip(x, [1.0, 2, 3]).allSatisfy { abs($0 - $1) < 1e-13 })
        let inv = try c.inverse()
        let adj = Matrix([[46, -14, 24], [-14, 16, -12], [24, -12, 36]])
        let expected = Matrix(rows: 3, columns: 3, columnMajor: adj.elements.map { $0 / 108 })
        #expect(inv.maxAbsoluteDifference(expected) < 1e-14)
    }

    @Test func notPositiveDefiniteNamesTheColumn() {
        // [[1,2],[2,1]]: l11 = 1, l21 = 2, l22^2 = 1 - 4 < 0, so the minor of order 2 fails.
        #expect(throws: LinearAlgebraError.notPositiveDefinite(column: 2)) {
            try Cholesky(Matrix([[1, 2], [2, 1]]))
        }
    }

    @Test func nonFiniteInputIsRejected() {
        #expect(throws: LinearAlgebraError.nonFiniteInput(routine: "dpotrf")) {
            try Cholesky(Matrix([[1, .nan], [.nan, 1]]))
        }
    }
}

@Suite struct PivotedQRTests {
    @Test func qIsOrthonormalAndReconstructs() throws {
        let a = Matrix([[1, 2, 0], [3, 1, 1], [0, 4, 2], [2, 2, 5]])
        let qr = try PivotedQR(a)
        let q = try qr.q()
        // Q'Q = I
        #expect(try BLAS.product(q, .transpose, q, .none).maxAbsoluteDifference(.identity(3)) < 1e-14)
        // Q R = A P
        let ap = a.selectingColumns(qr.permutation)
        #expect(try BLAS.product(q, .none, qr.r, .none).maxAbsoluteDifference(ap) < 1e-13)
        #expect(qr.rank() == 3)
        #expect(qr.dependentColumns().isEmpty)
    }

    @Test func findsTheDependentColumn() throws {
        // Column 2 = column 0 + column 1, so the rank is 2 and one column is redundant. With
        // pivoting, LAPACK keeps the largest-norm columns first: column 2 (norm^2 = 4+25+1+16 = 46)
        // leads, so one of the two others is reported dependent.
        let a = Matrix([[1, 1, 2], [2, 3, 5], [0, 1, 1], [1, 3, 4]])
        let qr = try PivotedQR(a)
        #expect(qr.rank() == 2)
        #expect(qr.dependentColumns().count == 1)
        #expect(qr.permutation.first == 2)
    }
}

@Suite struct SymmetricEigenTests {
    @Test func twoByTwoByHand() throws {
        // [[2,1],[1,2]] has eigenvalues 1 and 3 with eigenvectors (1,-1)/sqrt 2 and (1,1)/sqrt 2.
        let e = try SymmetricEigen(Matrix([[2, 1], [1, 2]]))
        #expect(abs(e.values[0] - 1) < 1e-14 && abs(e.values[1] - 3) < 1e-14)
        let v = e.vectors
        #expect(abs(abs(v[0, 1]) - 0.5.squareRoot()) < 1e-14)
        #expect(abs(v[0, 0] + v[1, 0]) < 1e-14)      // (1, -1) direction
        // V diag(w) V' = A, and the pseudo-inverse of a nonsingular matrix is its inverse:
        // [[2,1],[1,2]]^-1 = [[2,-1],[-1,2]]/3.
        let pinv = e.pseudoInverse(tolerance: 1e-8)
        #expect(pinv.maxAbsoluteDifference(Matrix([[2.0 / 3, -1.0 / 3], [-1.0 / 3, 2.0 / 3]])) < 1e-14)
    }

    @Test func pseudoInverseDropsNullDirections() throws {
        // [[1,1],[1,1]] = 2 u u' with u = (1,1)/sqrt 2; its pseudo-inverse is u u' / 2 = [[.25,.25],[.25,.25]].
        let e = try SymmetricEigen(Matrix([[1, 1], [1, 1]]))
        #expect(e.pseudoInverse(tolerance: 1e-8).maxAbsoluteDifference(Matrix([[0.25, 0.25], [0.25, 0.25]])) < 1e-14)
    }
}

@Suite struct SingularValueDecompositionTests {
    @Test func reconstructsAndOrders() throws {
        // [[3,0],[4,5]]: A'A = [[25,20],[20,25]] with eigenvalues 45 and 5, so s = (sqrt 45, sqrt 5).
        let a = Matrix([[3, 0], [4, 5]])
        let svd = try SingularValueDecomposition(a)
        #expect(abs(svd.singularValues[0] - 45.0.squareRoot()) < 1e-13)
        #expect(abs(svd.singularValues[1] - 5.0.squareRoot()) < 1e-13)
        #expect(abs(svd.conditionNumber - 3) < 1e-13)
        let us = Matrix(rows: 2, columns: 2, columnMajor: [
            svd.u[0, 0] * svd.singularValues[0], svd.u[1, 0] * svd.singularValues[0],
            svd.u[0, 1] * svd.singularValues[1], svd.u[1, 1] * svd.singularValues[1],
        ])
        #expect(try BLAS.product(us, .none, svd.vt, .none).maxAbsoluteDifference(a) < 1e-13)
        #expect(try BLAS.product(svd.u, .transpose, svd.u, .none).maxAbsoluteDifference(.identity(2)) < 1e-14)
    }
}

@Suite struct LUFactorizationTests {
    @Test func solvesAndDeterminant() throws {
        // [[0,2],[3,1]] needs a row swap; det = 0*1 - 2*3 = -6. Solving for b = (4, 5):
        // 2 y = 4 -> y = 2; 3 x + 2 = 5 -> x = 1.
        let lu = try LUFactorization(Matrix([[0, 2], [3, 1]]))
        let x = try lu.solve([4, 5])
        #expect(abs(x[0] - 1) < 1e-15 && abs(x[1] - 2) < 1e-15)
        let (logAbs, sign) = lu.logAbsDeterminant
        #expect(sign == -1 && abs(logAbs - log(6)) < 1e-14)
        // A' x = b: [[0,3],[2,1]] x = (3, 5) -> x2 = 1, x1 = 2.
        let xt = try lu.solve(Matrix(column: [3, 5]), .transpose).elements
        #expect(abs(xt[0] - 2) < 1e-15 && abs(xt[1] - 1) < 1e-15)
    }

    @Test func singularMatrixThrows() {
        #expect(throws: LinearAlgebraError.singular(column: 2)) {
            try LUFactorization(Matrix([[1, 2], [2, 4]]))
        }
    }
}
