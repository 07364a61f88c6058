import Foundation
import Testing
import Tabular
@testable import MixedModels

/// The two ways of forming whitened cross-products agree: sums formed once and combined per eta,
/// and every row whitened anew; for positive and negative phi, near +-1, and with gaps.
@Suite struct WhitenedCrossProductsTests {
    @Test(arguments: ["ar1(session | patient)", "car1(session | patient)"])
    func sumsAgreeWithWhitenedRows(_ structure: String) throws {
        let data = try Fixtures.table("session-panel")
        let frame = try ModelFrame(formula: ModelFormula("distress ~ session + alliance + (1 + session | patient) + (1 | therapist)"),
                                   data: data, residuals: CorrelationStructure(structure))
        let correlation = ResidualCorrelation(groups: frame.correlationGroups!)
        #expect(correlation.gaps.count > 1)   // missed sessions: gaps of 1, 2, ...
        let layout = CrossProducts.Layout(terms: frame.randomTerms)
        let sums = try WhitenedCrossProducts(frame: frame, layout: layout, correlation: correlation, sums: true)
        let rows = try WhitenedCrossProducts(frame: frame, layout: layout, correlation: correlation, sums: false)
        #expect(sums.components != nil && rows.components == nil)
        let etas = structure.hasPrefix("car1") ? [0, 0.3, 2.5, 6] : [-4, -0.7, 0, 0.3, 2.5, 6]
        for eta in etas {
            let a = try sums.at(eta: eta), b = try rows.at(eta: eta)
            func check(_ x: [Double], _ y: [Double], _ what: String) {
                let scale = y.map(abs).max() ?? 1
                let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
                #expect(worst <= 1e-10 * max(scale, 1), "eta \(eta) \(what): \(worst) of \(scale)")
            }
            for j in a.diagonal.indices { check(a.diagonal[j], b.diagonal[j], "A_\(j)\(j)") }
            for j in a.fixed.indices { check(a.fixed[j].elements, b.fixed[j].elements, "A_X\(j)") }
            check(a.fixedFixed.elements, b.fixedFixed.elements, "A_XX")
            for i in a.offDiagonalValues.indices { for j in a.offDiagonalValues[i].indices { check(a.offDiagonalValues[i][j], b.offDiagonalValues[i][j], "A_\(i)\(j)") } }
        }
    }
}
