import Foundation
import Testing
import MixedModels
import Tabular
@testable import Reports

/// Issue #11, item 3: numbers printed as R prints them. The lines below are lmerTest 3.1-3's
/// `summary()` of the same fits at the exact optimum (R 4.2.2), and R's `format()` of vectors.
@Suite struct MixedModelSummaryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func summary(_ file: String, _ formula: String) throws -> [String] {
        let data = try DelimitedTextReader().read(path: Self.root.appendingPathComponent(file).path)
        let text = MixedModelSummary.text(try LinearMixedModel(formula: formula, data: data).fit())
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The numbers of a printed line, as R's printed line has them (column spacing aside).
    func fields(_ line: String) -> [String] { line.split(separator: " ").map(String.init) }

    /// Each expected line has a printed line with the same fields: the same text, or numbers in
    /// the same notation with the same decimals that agree to 1e-4 (alliance's optimum and R's
    /// agree to that; a last printed digit may differ).
    func expectLines(_ lines: [String], _ expected: [String]) {
        func shape(_ s: String) -> String { s.map { $0.isNumber ? "9" : $0 }.map(String.init).joined() }
        func same(_ a: String, _ b: String) -> Bool {
            if a == b { return true }
            guard let x = Double(a), let y = Double(b), shape(a) == shape(b) else { return false }
            return abs(x - y) <= 1e-4 * max(abs(y), 1e-300)
        }
        for line in expected {
            let want = fields(line)
            #expect(lines.contains { got in let f = fields(got); return f.count == want.count && zip(f, want).allSatisfy(same) },
                    "missing: \(line)")
        }
    }

    @Test func fixedEffectsInFixedNotation() throws {
        let lines = try summary("datasets/classic/sleepstudy.csv", "Reaction ~ Days + I(Days^2) + (Days | Subject)")
        expectLines(lines, [
            "(Intercept) 255.4494     7.5135  24.8432  33.999  < 2e-16 ***",
            "Days          7.4341     2.8189 114.4314   2.637  0.00952 ** ",
            "I(Days^2)     0.3370     0.2619 143.0000   1.287  0.20026    ",
            " Subject  (Intercept) 613.12   24.761       ",
            "          Days         35.11    5.925   0.06",
            " Residual             651.97   25.534       ",
        ])
    }

    @Test func smallCoefficientsInScientificNotation() throws {
        // Where fixed notation would need 6 decimals, R switches the whole column to scientific
        // (lmerTest prints 7.875e-01, 9.795e-03; alliance printed 0.787, 0.010 before).
        let lines = try summary("datasets/r-packages/egsingle.csv", "math ~ year + I(year^2/100) + (1 | schoolid)")
        expectLines(lines, [
            "(Intercept)   -6.863e-01  6.185e-02  6.333e+01 -11.097  < 2e-16 ***",
            "year           7.875e-01  9.795e-03  7.202e+03  80.402  < 2e-16 ***",
            "I(year^2/100) -4.599e+00  6.282e-01  7.178e+03  -7.321 2.73e-13 ***",
            " schoolid (Intercept) 0.2086   0.4567  ",
            " Residual             0.9908   0.9954  ",
        ])
    }

    @Test func formatAsR() {
        // R: format(c(1, 10, 100), digits = 4); format(c(0.00001234, 123456), digits = 4);
        // format(c(-1.5, 2.25), digits = 4); format.pval(c(0.2, 0.01, 1e-5, 1e-20), digits = 3).
        #expect(RNumberFormat.format([1, 10, 100], digits: 4) == ["1", "10", "100"])
        #expect(RNumberFormat.format([0.00001234, 123456], digits: 4) == ["1.234e-05", "1.235e+05"])
        #expect(RNumberFormat.format([-1.5, 2.25], digits: 4) == ["-1.50", "2.25"])
        #expect(RNumberFormat.pValues([0.2, 0.01, 1e-5, 1e-20]) == ["0.20", "0.01", "1e-05", "< 2e-16"])   // "< 2e-16" as printCoefmat prints it
    }

    /// lmerTest 3.1-3's print of anova(fit) for nlme's Oats (R 4.2.2, lme4 at the exact optimum):
    /// print.anova zaps and formats each column with 5 digits, F to 4 decimals, p with 4 digits.
    @Test func anovaTableAsLmerTestPrintsIt() throws {
        let data = try DelimitedTextReader().read(path: Self.root.appendingPathComponent("datasets/r-packages/oats.csv").path)
        let model = try LinearMixedModel(formula: "yield ~ Variety * factor(nitro) + (1 | Block/Variety)", data: data)
        let text = MixedModelSummary.analysisOfVariance(try AnalysisOfVariance(model: model, fit: try model.fit()))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "Type III Analysis of Variance Table with Satterthwaite's method")
        expectLines(lines, [
            "Variety                 526.1   263.0     2    10  1.4853    0.2724    ",
            "factor(nitro)         20020.5  6673.5     3    45 37.6857 2.458e-12 ***",
        ])
        // The interaction's Sum Sq is 321.75 to 8 digits, which R prints as 321.8 and a fit that
        // differs in the 9th digit as 321.7: compared without it.
        let interaction = try #require(lines.first { $0.hasPrefix("Variety:factor(nitro)") })
        #expect(fields(interaction).dropFirst(2) == ["53.6", "6", "45", "0.3028", "0.9322"])
    }
}
