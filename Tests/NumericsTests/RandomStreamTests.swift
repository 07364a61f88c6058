import Foundation
import Testing
@testable import Numerics

@Suite struct RandomStreamTests {
    @Test func sameKeySameNumbers() {
        let a = RandomStream(seed: 2025, path: [3, 17])
        let b = RandomStream(seed: 2025, path: [3, 17])
        #expect((0..<1000).map { _ in a.uniform() } == (0..<1000).map { _ in b.uniform() })
    }

    @Test func differentKeysDiffer() {
        let keys: [[UInt64]] = [[0, 0], [0, 1], [1, 0], [1]]
        let firsts = keys.map { RandomStream(seed: 1, path: $0).uniform() }
        #expect(Set(firsts).count == keys.count)
        #expect(RandomStream(seed: 1).uniform() != RandomStream(seed: 2).uniform())
    }

    @Test func seedingReplacesGSLsDefaultState() {
        // GSL's mt19937 with its default seed 4357 starts with 4293858116 / 2^32.
        #expect(RandomStream(seed: 0).uniform() != 4293858116.0 / 4294967296.0)
    }

    @Test func momentsWithinMonteCarloError() {
        // Mean of n uniforms has SE sqrt(1/12/n); of n standard normals 1/sqrt(n). Four SEs is a
        // bound that a correct generator breaks with probability about 6e-5.
        let r = RandomStream(seed: 42)
        let n = 100_000
        let u = (0..<n).map { _ in r.uniform() }
        #expect(abs(u.reduce(0, +) / Double(n) - 0.5) < 4 * (1.0 / 12 / Double(n)).squareRoot())
        let z = (0..<n).map { _ in r.normal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        #expect(abs(mean) < 4 / Double(n).squareRoot())
        // Var of the sample variance of normals is about 2/n.
        #expect(abs(variance - 1) < 4 * (2.0 / Double(n)).squareRoot())
        let k = (0..<n).map { _ in r.integer(below: 6) }
        #expect(k.allSatisfy { (0..<6).contains($0) })
    }

    @Test func substreamsAreUncorrelated() {
        // The sample correlation of independent series has SE about 1/sqrt(n).
        let n = 50_000
        let a = RandomStream(seed: 7, path: [0]), b = RandomStream(seed: 7, path: [1])
        let x = (0..<n).map { _ in a.normal() }, y = (0..<n).map { _ in b.normal() }
        let r = zip(x, y).map(*).reduce(0, +) / Double(n)
        #expect(abs(r) < 4 / Double(n).squareRoot())
    }

    @Test func shuffleIsAPermutation() {
        var v = Array(0..<100)
        RandomStream(seed: 9).shuffle(&v)
        #expect(v.sorted() == Array(0..<100))
        #expect(v != Array(0..<100))
    }
}
