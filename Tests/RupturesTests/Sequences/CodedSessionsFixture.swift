import Ruptures
import SessionData
import Tabular

/// The codebook most tests use: the five built-in categories, two user categories of
/// facilitating moves (stages of a model) and a neutral one.
let testCodebookText = """
categories:
  attending: facilitating
  exploring: facilitating
  neutral: other
codes:
  W: withdrawal
  C: confrontation
  AT: {category: attending, label: "Attending to the rupture"}
  EX: exploring
  F: facilitating
  H: hindering
  R: resolution
  N: neutral
  A: neutral
  B: neutral
model: [withdrawal|confrontation, attending, exploring, resolution]
"""

func testCodebook(_ text: String = testCodebookText) throws -> EventCodebook {
    try EventCodebook(text: text, source: "book.yaml")
}

/// Coded sessions from CSV text written in a test.
func codedSessions(_ csv: String, codebook: EventCodebook? = nil, columns: EventColumns = EventColumns()) throws -> CodedSessions {
    let table = try DelimitedTextReader().read(text: csv, source: "events.csv")
    return try CodedSessions(file: SessionFile(table: table), codebook: codebook ?? testCodebook(), columns: columns)
}

/// The error message building `body` throws, or nil.
func message(_ body: () throws -> Any) -> String? {
    do { _ = try body(); return nil } catch { return String(describing: error) }
}
