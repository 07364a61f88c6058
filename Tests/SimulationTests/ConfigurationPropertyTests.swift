import Foundation
import PropertyBased
import Tabular
import Testing
@testable import Simulation

/// Property-based tests (fuzzing) of the study configuration reader, a bounded number of cases in
/// every test run: any text is a configuration or one line of error naming the file (never a
/// crash, a hang or memory without bound), and the canonical text of any valid configuration reads
/// back as itself.
@Suite struct ConfigurationPropertyTests {
    /// Pieces of YAML: the configuration's own field names (so that deep, valid-looking documents
    /// come up), values of every kind (extreme, non-finite, hexadecimal, empty, long), structure,
    /// anchors and aliases.
    static let pieces = [
        "preset: ", "default", "sud-2025", "patients", "therapists", "sessions", "mean", "sd", "minimum", "maximum", "distribution",
        "poisson", "negative-binomial", "ruptures", "rate", "repair_delay_mean", "size_mean", "distress", "rupture_effect",
        "alliance", "patient", "therapist", "grid", "analysis", "criterion", "estimators", "missing", "session", "dropout",
        ": ", "\n", "  ", "    ", "- ", "[", "]", "{", "}", ", ", "1", "0", "-1", "12", "0.5", "1e30", "-1e308", "1e999", ".nan", ".inf",
        "0x10", "~", "null", "''", "\"\"", "true", "&a ", "*a", "&b ", "*b", "<<: *a", "#", "'", "\"", String(repeating: "9", count: 300),
        "ä", "\t",
    ]

    @Test func anyTextIsAConfigurationOrOneLineOfError() async {
        let input = Gen.int(in: 0...(Self.pieces.count - 1)).array(of: 0...60)
        await propertyCheck(count: 4000, input: input) { indices in
            let text = indices.map { Self.pieces[$0] }.joined()
            do {
                let configuration = try StudyConfiguration(text: text, source: "fuzz.yaml")
                #expect(configuration.cells.count >= 1 && configuration.cells.count <= StudyConfiguration.maximumCells)
                #expect(!configuration.canonicalText.isEmpty)
            } catch let error as DataError {
                let message = error.description
                #expect(message.hasPrefix("fuzz.yaml") || message.hasPrefix("preset "), "\(message)")
                #expect(!message.contains("\n") && message.count < 400, "\(message)")
                #expect(!message.contains("nan)") && !message.contains("inf)"), "\(message)")
            } catch {
                Issue.record("not a DataError: \(error) for \(text.debugDescription)")
            }
        }
    }

    /// Valid configurations with random values in their ranges: the canonical text is a fixed
    /// point (reading it gives it back), and the values set are the values read.
    @Test func canonicalTextReadsBackAsItself() async {
        let input = zip(Gen.int(in: 1...500), Gen.int(in: 1...40), Gen.int(in: 3...40), Gen.double(in: 0...1), Gen.double(in: -5...5))
        await propertyCheck(count: 150, input: input) { patients, therapists, maximum, rate, effect in
            let text = """
            preset: default
            patients: \(patients)
            therapists: \(therapists)
            sessions: {distribution: uniform, minimum: 2, maximum: \(maximum)}
            ruptures: {rate: \(rate)}
            distress: {rupture_effect: {patient: \(effect)}}
            """
            do {
                let first = try StudyConfiguration(text: text, source: "c.yaml")
                #expect(first.process.design.patients == patients && first.process.ruptures.rate == rate)
                #expect(first.process.distress.ruptureEffect.patient == effect)
                let second = try StudyConfiguration(text: first.canonicalText, source: "canonical")
                #expect(second.canonicalText == first.canonicalText)
            } catch {
                Issue.record("\(error) for \(text)")
            }
        }
    }
}
