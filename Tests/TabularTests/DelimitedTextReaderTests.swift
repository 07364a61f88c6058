import Testing
@testable import Tabular

@Suite struct DelimitedTextReaderTests {
    func read(_ text: String) throws -> DataTable {
        try DelimitedTextReader().read(text: text, source: "t.csv")
    }

    @Test func infersTypesAsReadCSVDoes() throws {
        // Quoted numbers are numbers (as in R's read.csv); any non-number makes a column text.
        let t = try read("id,score,group\n\"1\",2.5,a\n\"2\",NA,b\n\"3\",1e2,a\n")
        #expect(t.names == ["id", "score", "group"])
        #expect(t.rowCount == 3)
        #expect(t["id"] == .numeric([1, 2, 3]))
        guard case .numeric(let score) = t["score"]! else { Issue.record("score not numeric"); return }
        #expect(score[0] == 2.5 && score[1].isNaN && score[2] == 100)
        #expect(t["group"] == .categorical(codes: [0, 1, 0], labels: ["a", "b"]))
        #expect(t.sourceLines == [2, 3, 4])
    }

    @Test func handlesQuotesBOMCRLFAndBlankLines() throws {
        let text = "\u{FEFF}name;note\r\n\"Smith, J\";\"said \"\"hi\"\"\"\r\n\r\n\"two\r\nlines\";x\r\n"
        let t = try read(text)
        #expect(t.names == ["name", "note"])
        #expect(t.rowCount == 2)
        #expect(t["name"] == .categorical(codes: [0, 1], labels: ["Smith, J", "two\r\nlines"]))
        #expect(t["note"] == .categorical(codes: [0, 1], labels: ["said \"hi\"", "x"]))
        // The third data line starts on line 4 (line 3 is blank).
        #expect(t.sourceLines == [2, 4])
    }

    @Test func detectsTabsAndTrimsSpaces() throws {
        let t = try read("a\tb\n 1 \t x \n2\t\n")
        #expect(t["a"] == .numeric([1, 2]))
        #expect(t["b"] == .categorical(codes: [0, -1], labels: ["x"]))
    }

    @Test func parsesNumbersExactly() throws {
        let t = try read("x\n0.1\n-3.25\n.5\n7.\n+4\n1.7976931348623157e308\n123456789012345678901\n0.000001234\n")
        guard case .numeric(let x) = t["x"]! else { Issue.record("not numeric"); return }
        #expect(x == [0.1, -3.25, 0.5, 7, 4, 1.7976931348623157e308, 1.23456789012345678901e20, 0.000001234])
    }

    @Test func missingEverywhereIsNaNOrMinusOne() throws {
        let t = try read("x,y\n,\nNA,NA\n1,a\n")
        #expect(t["x"]!.missingCount == 2)
        #expect(t["y"] == .categorical(codes: [-1, -1, 0], labels: ["a"]))
    }

    @Test func errorsNameFileAndLine() {
        #expect(throws: DataError(source: "t.csv", line: 3, message: "expected 2 fields, found 3")) {
            try read("a,b\n1,2\n1,2,3\n")
        }
        #expect(throws: DataError(source: "t.csv", line: 2,
                                  message: "column 'x': 'Inf' is not a finite number (write NA or leave the cell empty for a missing value)")) {
            try read("x\nInf\n2\n")
        }
        #expect(throws: DataError(source: "t.csv", message: "file is empty")) { try read("") }
        #expect(throws: DataError(source: "t.csv", message: "file has a header but no data rows")) { try read("a,b\n") }
        #expect(throws: DataError(source: "t.csv", line: 1, message: "duplicate column name 'a' (columns 1 and 2)")) {
            try read("a,a\n1,2\n")
        }
        #expect(throws: DataError(source: "t.csv", line: 2, message: "a quoted field is never closed")) {
            try read("a\n\"open\n")
        }
        #expect(throws: DataError(source: "missing.csv", message: "no such file")) {
            try DelimitedTextReader().read(path: "missing.csv")
        }
    }

    @Test func invalidUTF8IsAnError() throws {
        var bytes = Array("name\nab".utf8)
        bytes.append(0xFF)
        bytes.append(UInt8(ascii: "\n"))
        #expect(throws: DataError.self) {
            try bytes.withUnsafeBytes { try DelimitedTextReader().read(bytes: $0, source: "t.csv") }
        }
    }

    @Test func selectingRowsKeepsLines() throws {
        let t = try read("x\n1\n2\n3\n").selectingRows([2, 0])
        #expect(t["x"] == .numeric([3, 1]))
        #expect(t.location(ofRow: 0) == "t.csv:4")
    }
}
