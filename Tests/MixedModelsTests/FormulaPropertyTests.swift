import Foundation
import Testing
import PropertyBased
import Tabular
@testable import MixedModels

/// Property-based fuzzing of the formula language (issue #15: a fuzz target for the formula
/// parser, run for a bounded time in the suite). Two generators: token soup (random sequences of
/// the language's tokens, R syntax it refuses, and stray characters) and formulas grown from a
/// small grammar. Whatever the input, parsing, expansion and building the model frame on a small
/// table either succeed or throw a one-line FormulaError (or a MixedModelError for a model that
/// cannot be fitted), never crash, and a message quotes at most about 80 characters of any one
/// piece of input. Formulas from the grammar also deparse to text that parses to the same tree.
///
/// `ALLIANCE_FUZZ_COUNT` sets the number of cases per property (default 2,000, about two seconds).
@Suite struct FormulaPropertyTests {
    static let count = Int(ProcessInfo.processInfo.environment["ALLIANCE_FUZZ_COUNT"] ?? "") ?? 2_000

    static let tokens = ["y", "x", "f", "g", "a", "(", ")", "(", ")", "~", "+", "-", "*", "/", ":", "^", "|", "||", ",",
                         "1", "0", "2", "1e30", "-1", "factor(", "I(", "log(", "poly(", "scale(", "relevel(", "offset(",
                         "as.numeric(", "sin(", "pi", ".", "%in%", "%o%", "=", "raw = TRUE", "\"b\"", "'lo'", "$", "[", "]",
                         "==", "!", "&", "`x y`", "`", "\"", "#", "@", "é", "\u{0}", "Inf", "NaN", "TRUE", "ref =", "s(", "1L"]

    static let table: DataTable = {
        var text = "y,x,f,g,a\n"
        for r in 0..<24 { text += "\(Double((r * 7) % 11) + 0.5 * Double(r % 3)),\(Double(r) * 0.3 - 2),\(["lo", "mid", "hi"][r % 3]),\(["u", "v"][r % 2]),A\(r % 4)\n" }
        return try! DelimitedTextReader().read(text: text, source: "fuzz.csv")
    }()

    /// Parses, expands and builds the frame; records an issue for anything but a clean outcome.
    static func exercise(_ text: String) {
        do {
            _ = try ModelFrame(formula: ModelFormula(text), data: table)
        } catch let error as FormulaError {
            #expect(!error.message.contains("\n"), "multi-line message for \(text.debugDescription)")
            #expect(error.message.count < 400, "long message (\(error.message.count)) for \(text.debugDescription)")
        } catch is MixedModelError {
        } catch {
            Issue.record("\(text.debugDescription): unexpected \(type(of: error)): \(error)")
        }
    }

    @Test func tokenSoupNeverCrashes() async {
        await propertyCheck(count: Self.count, input: Gen.element(of: Self.tokens).array(of: 0...40)) { parts in
            Self.exercise(parts.compactMap { $0 }.joined(separator: " "))
        }
    }

    @Test func randomCharactersNeverCrash() async {
        await propertyCheck(count: Self.count, input: Gen<Character>.ascii.array(of: 0...60)) { chars in
            Self.exercise("y ~ " + String(chars))
        }
    }

    /// A formula grown from a grammar, driven by a list of numbers (so failures shrink): terms of
    /// variables, calls, interactions, powers, nesting, random effects and offsets.
    static func grammar(_ choices: [Int]) -> String {
        var next = choices.makeIterator()
        func pick(_ n: Int) -> Int { (next.next() ?? 0) % n }
        func atom(_ depth: Int) -> String {
            switch pick(depth > 3 ? 3 : 9) {
            case 0: return ["x", "f", "g"][pick(3)]
            case 1: return "factor(\(["x", "g", "f"][pick(3)]))"
            case 2: return "I(x^\(pick(4) + 1))"
            case 3: return "poly(x, \(pick(3) + 1)\(pick(2) == 0 ? "" : ", raw = TRUE"))"
            case 4: return "scale(x)"
            case 5: return "relevel(f, \(["\"mid\"", "ref = \"hi\"", "\"none\""][pick(3)]))"
            case 6: return "(\(sum(depth + 1)))"
            case 7: return "\(atom(depth + 1))\([":", "*", "/", " %in% "][pick(4)])\(atom(depth + 1))"
            default: return "(\(atom(depth + 1)) + \(atom(depth + 1)))^\(pick(3) + 1)"
            }
        }
        func sum(_ depth: Int) -> String {
            (0...pick(3)).map { _ in atom(depth) }.joined(separator: [" + ", " - ", " + "][pick(3)])
        }
        var rhs = sum(0)
        if pick(3) == 0 { rhs += " + offset(\(["x", "2 * x", "sin(pi * x)"][pick(3)]))" }
        if pick(4) == 0 { rhs = "0 + " + rhs }
        switch pick(4) {
        case 0: rhs += " + (1 | a)"
        case 1: rhs += " + (x | a)"
        case 2: rhs += " + (1 | a/g)"
        default: rhs += " + (x || a)"
        }
        return "y ~ " + rhs
    }

    @Test func grammarFormulasRoundTrip() async throws {
        await propertyCheck(count: Self.count, input: Gen.int(in: 0...10_000).array(of: 1...60)) { choices in
            let text = Self.grammar(choices)
            Self.exercise(text)
            var parser = FormulaParser(text)
            guard let (response, rhs) = try? parser.parse() else {
                Issue.record("grammar formula does not parse: \(text)")
                return
            }
            // Deparsed (random-effects terms in their parentheses), it parses to the same tree.
            let again = response.deparsed + " ~ " + Self.deparsedWithBars(rhs)
            var second = FormulaParser(again)
            let reparsed = try? second.parse()
            #expect(reparsed?.response == response && reparsed?.rhs == rhs, "\(text) -> \(again)")
        }
    }

    /// `deparsed`, with the parentheses a random-effects term needs in a formula.
    static func deparsedWithBars(_ e: FormulaExpression) -> String {
        switch e {
        case .randomEffects: return "(" + e.deparsed + ")"
        case .binary(let op, let a, let b) where op == .plus || op == .minus:
            return deparsedWithBars(a) + " " + op.symbol + " " + deparsedWithBars(b)
        default: return e.deparsed
        }
    }
}
