import Foundation
import Tabular
import Testing
@testable import DSEM

/// PSR, ESS and the posterior summaries against reference values computed in R
/// (Benchmarks/R/dsem-diagnostics-reference.R: Stan's classic n_eff via rstan:::ess_rfun, the PSR
/// from its formula, R's type-7 quantiles) on three fixed chains.
@Suite struct DiagnosticsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func chains() throws -> [[Double]] {
        let table = try DelimitedTextReader().read(path: root.appendingPathComponent("Reference/chains.csv").path)
        return try ["chain1", "chain2", "chain3"].map { name in
            guard case .numeric(let values) = table[name]! else { throw DSEMInputError("no column \(name)") }
            return values
        }
    }

    static func reference() throws -> [String: [String: Double]] {
        let table = try DelimitedTextReader().read(path: root.appendingPathComponent("Reference/diagnostics.csv").path)
        var out = [String: [String: Double]]()
        for row in 0..<table.rowCount {
            let key = table["chains"]!.text(at: row)!
            var values = [String: Double]()
            for name in table.names where name != "chains" {
                guard case .numeric(let v) = table[name]! else { continue }
                values[name] = v[row]
            }
            out[key] = values
        }
        return out
    }

    @Test(arguments: ["1,2,3", "1,2"]) func matchesR(_ which: String) throws {
        let all = try Self.chains()
        let chains = which == "1,2" ? Array(all.prefix(2)) : all
        let expected = try Self.reference()[which]!
        let summary = PosteriorSummary(chains: chains.map { $0[...] })
        func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }
        #expect(close(summary.ess, expected["ess"]!), "ESS \(summary.ess) vs \(expected["ess"]!)")
        #expect(close(summary.psr, expected["psr"]!), "PSR \(summary.psr) vs \(expected["psr"]!)")
        #expect(close(summary.mean, expected["mean"]!))
        #expect(close(summary.sd, expected["sd"]!))
        #expect(close(summary.lower, expected["lower"]!))
        #expect(close(summary.median, expected["median"]!))
        #expect(close(summary.upper, expected["upper"]!))
        #expect(close(summary.p, expected["p"]!))
    }

    /// PSR by hand: chains (1, 2, 3, 4) and (2, 3, 4, 5): W = 5/3, B = 4 * 0.5 = 2,
    /// var+ = 3/4 W + B/4 = 1.75, PSR = sqrt(1.75 / (5/3)) = sqrt(1.05). One chain is split in halves.
    @Test func psrByHand() {
        #expect(abs(PotentialScaleReduction.of([[1, 2, 3, 4], [2, 3, 4, 5]]) - 1.05.squareRoot()) < 1e-14)
        #expect(abs(PotentialScaleReduction.of([[1, 2, 3, 4, 2, 3, 4, 5]]) - 1.05.squareRoot()) < 1e-14)
        #expect(PotentialScaleReduction.of([[1, 1, 1], [1, 1, 1]]) == 1)
        #expect(PotentialScaleReduction.of([[1, 1, 1], [2, 2, 2]]) == .infinity)
    }
}
