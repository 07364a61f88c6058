import Foundation
import Testing
@testable import Numerics

/// The multivariate draws of the Gibbs samplers, against their closed-form moments. Each bound is
/// four Monte Carlo standard errors, which a correct sampler exceeds with probability about 6e-5
/// per comparison.
@Suite struct MultivariateDrawTests {
    /// Draws of N(P^-1 b, P^-1) from the canonical form have mean P^-1 b and covariance P^-1 (an
    /// order the Swift path factors, and one that goes to LAPACK).
    @Test(arguments: [2, 6]) func canonicalNormalMoments(order n: Int) throws {
        // P = A A' + n I for a fixed A; b fixed.
        var a = Matrix(rows: n, columns: n)
        for j in 0..<n { for i in 0..<n { a[i, j] = sin(Double(3 * i + 5 * j + 1)) } }
        var p = try BLAS.product(a, .none, a, .transpose)
        for i in 0..<n { p[i, i] += Double(n) }
        let b = (0..<n).map { cos(Double($0)) * 2 }
        let covariance = try Cholesky(p).inverse()
        let mean = try Cholesky(p).solve(b)

        let stream = RandomStream(seed: 11, path: [UInt64(n)])
        let draws = 40_000
        var sum = [Double](repeating: 0, count: n), cross = [Double](repeating: 0, count: n * n)
        var precision = [Double](repeating: 0, count: n * n), x = [Double](repeating: 0, count: n)
        for _ in 0..<draws {
            precision = p.elements
            x = b
            try precision.withUnsafeMutableBufferPointer { pp in
                try x.withUnsafeMutableBufferPointer { px in
                    try CanonicalNormal.draw(precision: pp.baseAddress!, linear: px.baseAddress!, order: n, stream: stream)
                }
            }
            for i in 0..<n {
                sum[i] += x[i]
                for j in 0..<n { cross[i + j * n] += x[i] * x[j] }
            }
        }
        let m = Double(draws)
        for i in 0..<n {
            let average = sum[i] / m
            #expect(abs(average - mean[i]) < 4 * (covariance[i, i] / m).squareRoot(), "mean \(i)")
            for j in 0...i {
                let c = cross[i + j * n] / m - average * sum[j] / m
                // Var of a sample covariance of normals: (s_ii s_jj + s_ij^2) / m.
                let se = ((covariance[i, i] * covariance[j, j] + covariance[i, j] * covariance[i, j]) / m).squareRoot()
                #expect(abs(c - covariance[i, j]) < 4 * se, "covariance \(i),\(j)")
            }
        }
        // The mean alone, without a draw.
        precision = p.elements
        x = b
        try precision.withUnsafeMutableBufferPointer { pp in
            try x.withUnsafeMutableBufferPointer { px in
                try CanonicalNormal.mean(precision: pp.baseAddress!, linear: px.baseAddress!, order: n)
            }
        }
        for i in 0..<n { #expect(abs(x[i] - mean[i]) < 1e-12) }
    }

    @Test func canonicalNormalRefusesIndefinitePrecision() {
        var p: [Double] = [1, 2, 2, 1], b: [Double] = [0, 0]
        let stream = RandomStream(seed: 1)
        #expect(throws: LinearAlgebraError.notPositiveDefinite(column: 2)) {
            try p.withUnsafeMutableBufferPointer { pp in
                try b.withUnsafeMutableBufferPointer { pb in
                    try CanonicalNormal.draw(precision: pp.baseAddress!, linear: pb.baseAddress!, order: 2, stream: stream)
                }
            }
        }
    }

    /// E Sigma = Psi / (nu - p - 1); Var Sigma_ij = ((nu - p + 1) psi_ij^2 + (nu - p - 1) psi_ii psi_jj)
    /// / ((nu - p)(nu - p - 1)^2 (nu - p - 3)) (Press 1982, via Wikipedia's inverse-Wishart page [M]).
    @Test func inverseWishartMoments() throws {
        let psi = Matrix([[4, 1.2, -0.5], [1.2, 2, 0.3], [-0.5, 0.3, 1]])
        let nu = 12.5, p = 3.0
        let stream = RandomStream(seed: 5)
        let draws = 40_000
        var sum = Matrix(rows: 3, columns: 3)
        for _ in 0..<draws {
            let s = try InverseWishart.draw(scale: psi, degreesOfFreedom: nu, stream: stream)
            for k in 0..<9 { sum.elements[k] += s.elements[k] }
        }
        for i in 0..<3 {
            for j in 0...i {
                let expected = psi[i, j] / (nu - p - 1)
                let variance = ((nu - p + 1) * psi[i, j] * psi[i, j] + (nu - p - 1) * psi[i, i] * psi[j, j])
                    / ((nu - p) * (nu - p - 1) * (nu - p - 1) * (nu - p - 3))
                #expect(abs(sum[i, j] / Double(draws) - expected) < 4 * (variance / Double(draws)).squareRoot(), "element \(i),\(j)")
            }
        }
        #expect(throws: DistributionError.self) { try InverseWishart.draw(scale: psi, degreesOfFreedom: 2, stream: stream) }
    }

    /// Inverse gamma IG(a, b): mean b/(a - 1), variance b^2/((a - 1)^2 (a - 2)); chi-square mean nu,
    /// variance 2 nu.
    @Test func inverseGammaAndChiSquare() {
        let stream = RandomStream(seed: 9)
        let n = 100_000, a = 6.0, b = 10.0
        let x = (0..<n).map { _ in stream.inverseGamma(shape: a, scale: b) }
        let mean = x.reduce(0, +) / Double(n)
        let sd = (b * b / ((a - 1) * (a - 1) * (a - 2))).squareRoot()
        #expect(abs(mean - b / (a - 1)) < 4 * sd / Double(n).squareRoot())
        let c = (0..<n).map { _ in stream.chiSquare(degreesOfFreedom: 3.5) }
        #expect(abs(c.reduce(0, +) / Double(n) - 3.5) < 4 * (7.0 / Double(n)).squareRoot())
    }
}
