import Testing
import Tabular
@testable import SessionData

@Suite struct ScaleAndCodebookTests {
    @Test func scaleOption() throws {
        let (name, s) = try RatingScale.parse(option: "alliance_patient=1:7,reliability=0.9,sd=0.8")
        #expect(name == "alliance_patient")
        #expect(s == RatingScale(minimum: 1, maximum: 7, higherIsBetter: true, reliability: 0.9, referenceSD: 0.8))
        let (_, d) = try RatingScale.parse(option: "distress=0:40,lower-is-better")
        #expect(d.higherIsBetter == false && d.bestValue == 0)
        let (_, r) = try RatingScale.parse(option: "x=,reliability=0.8")
        #expect(r.minimum == nil && r.reliability == 0.8)
        #expect(throws: DataError(location: "--scale a=7:1", message: "the scale minimum 7.0 is not below the maximum 1.0")) {
            try RatingScale.parse(option: "a=7:1")
        }
        #expect(throws: DataError.self) { try RatingScale.parse(option: "a=1:7,reliability=1.2") }
        #expect(throws: DataError.self) { try RatingScale.parse(option: "a=1-7") }
        #expect(throws: DataError.self) { try RatingScale.parse(option: "a=1:7,alpha=.8") }
    }

    @Test func yamlCodebook() throws {
        let yaml = """
        columns:
          patient: id
        scales:
          alliance_patient:
            range: [1, 7]
            reliability: 0.91
          distress:
            range: [0, 40]
            higher_is_better: false
        """
        let book = try Codebook(text: yaml, source: "book.yaml")
        #expect(book.columns[.patient] == "id" && book.columns.explicitRoles == [.patient])
        #expect(book.scales["alliance_patient"] == RatingScale(minimum: 1, maximum: 7, reliability: 0.91))
        #expect(book.scales["distress"] == RatingScale(minimum: 0, maximum: 40, higherIsBetter: false))
    }

    @Test func jsonCodebook() throws {
        let json = #"{"scales": {"alliance_therapist": {"range": [0, 6], "sd": 1.1}}}"#
        let book = try Codebook(text: json, source: "book.json")
        #expect(book.scales["alliance_therapist"] == RatingScale(minimum: 0, maximum: 6, referenceSD: 1.1))
    }

    @Test func codebookErrorsNameTheLine() {
        let misspelt = "scales:\n  alliance_patient:\n    range: [1, 7]\n    reliabilty: 0.9\n"
        #expect(throws: DataError(location: "b.yaml:4", message: "unknown key 'reliabilty' in the scale of 'alliance_patient' (expected range, higher_is_better, reliability, sd)")) {
            try Codebook(text: misspelt, source: "b.yaml")
        }
        #expect(throws: DataError(location: "b.yaml:2", message: "'range' of 'a' must be two numbers, e.g. [1, 7]")) {
            try Codebook(text: "scales:\n  a: {range: [1]}\n", source: "b.yaml")
        }
        #expect(throws: DataError.self) { try Codebook(text: "scales: [unclosed\n", source: "b.yaml") }
        #expect(throws: DataError(source: "b.yaml", message: "the codebook is empty")) { try Codebook(text: "", source: "b.yaml") }
    }
}
