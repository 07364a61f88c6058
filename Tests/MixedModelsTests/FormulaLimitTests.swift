import Foundation
import Testing
import Tabular
@testable import MixedModels

/// Hostile formulas from the fuzz report of 2026-11-30 (issue #15, reproducers D01-D03, D09,
/// D15): each ends in a one-line FormulaError (exit status 2 in `alliance fit`) at once, never a
/// crash, a hang or an allocation that exhausts memory, and quotes at most about 80 characters
/// of what was typed.
@Suite struct FormulaLimitTests {
    let sleepstudy = try! Fixtures.dataset("sleepstudy")

    func message(_ formula: String, data: DataTable? = nil) -> String {
        do {
            _ = try ModelFrame(formula: ModelFormula(formula), data: data ?? sleepstudy)
            return ""
        } catch let error as FormulaError {
            return error.message
        } catch {
            return "unexpected error: \(error)"
        }
    }

    /// D01: `Days^1e30` trapped converting the exponent to Int. A power beyond the number of
    /// terms adds nothing, so `Days^1e30` and `Days^1e9` (D02, which looped 10^9 times) are Days,
    /// as in R.
    @Test func hugePowersAreTheTermItself() throws {
        for formula in ["Reaction ~ Days^1e30 + (1|Subject)", "Reaction ~ Days^1e9 + (1|Subject)"] {
            #expect(try ModelFrame(formula: ModelFormula(formula), data: sleepstudy).fixedEffectNames == ["(Intercept)", "Days"])
        }
    }

    /// D02: twelve terms to the 12th power (4,095 terms) and 16 factors joined by `*` (65,535)
    /// ran for minutes; more than 1,000 terms are refused while expanding.
    @Test func expansionsBeyondAThousandTermsAreRefused() {
        let twelve = (1...12).map { "I(Days^\($0))" }.joined(separator: " + ")
        let started = Date()
        #expect(message("Reaction ~ (\(twelve))^12 + (1|Subject)").hasSuffix("the formula expands to more than 1000 terms"))
        let sixteen = (1...16).map { "x\($0)" }.joined(separator: " * ")
        #expect(message("Reaction ~ \(sixteen) + (1|Subject)").hasSuffix("the formula expands to more than 1000 terms"))
        #expect(Date().timeIntervalSince(started) < 5)
        // (a + ... + l)^3 has 298 terms: allowed.
        let letters = "abcdefghijkl".map { "x\($0)" }.joined(separator: " + ")
        #expect(throws: Never.self) { try ModelFormula("y ~ (\(letters))^3") }
    }

    /// D03: 30,000 nested parentheses (or 20,000 nested log() calls) overflowed the stack.
    @Test func deepNestingIsRefused() {
        for (open, close) in [("(", ")"), ("log(", ")"), ("-", "")] {
            let depth = 30_000
            let formula = "Reaction ~ " + String(repeating: open, count: depth) + "Days" + String(repeating: close, count: depth) + " + (1|Subject)"
            let text = message(formula)
            #expect(text.contains("nested more than \(FormulaParser.maximumDepth) deep") || text.contains("symbols; alliance takes at most"), "\(open): \(text.prefix(200))")
            #expect(text.count < 300)
        }
        // 50 levels are fine.
        #expect(message("Reaction ~ " + String(repeating: "(", count: 50) + "Days" + String(repeating: ")", count: 50) + " + (1|Subject)") == "")
    }

    /// D09: a fixed factor with 100,000 levels (300,000 rows) allocated dense columns until the
    /// process aborted; the size of X is checked before it is built.
    @Test func hugeFixedFactorsAreRefusedBeforeAllocating() throws {
        var text = "g,x,y\n"
        text.reserveCapacity(6_000_000)
        for g in 0..<100_000 { for k in 0..<3 { text += "L\(g),\(Double(k) * 0.5 + Double(g % 7)),\(Double((g * 3 + k) % 11))\n" } }
        let big = try DelimitedTextReader().read(text: text, source: "big.csv")
        let result = message("y ~ g + (1 | x)", data: big)
        #expect(result.hasPrefix("formula 'y ~ g + (1 | x)': the fixed effects would need 100000 columns for 300000 rows"))
        #expect(result.contains("(1 | g)"))
    }

    /// D15: errors quoted whole formulas of 50 KB; now each piece of the input they quote (the
    /// formula, a column name) is at most about 80 characters.
    @Test func messagesQuoteAtMostEightyCharacters() {
        let long = "Reaction ~ " + (1...5_000).map { _ in "Days" }.joined(separator: " + ") + " + nope + (1|Subject)"
        for formula in [long, long.replacingOccurrences(of: "nope", with: "d$x"), String(repeating: "x", count: 50_000) + " ~ Days"] {
            let text = message(formula)
            #expect(!text.isEmpty && text.count < 400, "\(text.prefix(600))")
        }
        #expect(FormulaError.excerpt(String(repeating: "a", count: 1000), around: 500).count <= FormulaError.quoteLimit)
    }
}
