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

    func read(bytes: [UInt8], _ reader: DelimitedTextReader = DelimitedTextReader()) throws -> DataTable {
        try bytes.withUnsafeBytes { try reader.read(bytes: $0, source: "t.csv") }
    }

    /// "Linköping" and "Malmö" in Windows-1252 / Latin-1 (ö = 0xF6), as Excel on Windows saves a
    /// Swedish CSV: read as text, and the file says which encoding it was.
    @Test func windows1252IsRead() throws {
        let bytes = Array("site;score\nLink".utf8) + [0xF6] + Array("ping;3,5\nMalm".utf8) + [0xF6] + Array(";4\n".utf8)
        let t = try read(bytes: bytes)
        #expect(t["site"] == .categorical(codes: [0, 1], labels: ["Linköping", "Malmö"]))
        #expect(t["score"] == .numeric([3.5, 4]))
        #expect(t.file?.encoding == .windows1252)
        #expect(t.file?.summary == "CSV, Windows-1252 (detected), semicolon-delimited (detected), decimal comma (detected)")
        // Windows-1252's own characters in 0x80-0x9F: the euro sign and the en dash.
        let euro = try read(bytes: Array("x\n".utf8) + [0x80, 0x96] + [0x0A])
        #expect(euro["x"]?.text(at: 0) == "€–")
    }

    @Test func utf16WithByteOrderMarkIsRead() throws {
        let text = "patient,alliance\nP1,5.5\nÖ2,6\n"
        let little = [UInt8]([0xFF, 0xFE]) + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big = [UInt8]([0xFE, 0xFF]) + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, encoding) in [(little, TextEncoding.utf16LittleEndian), (big, .utf16BigEndian)] {
            let t = try read(bytes: bytes)
            #expect(t["patient"] == .categorical(codes: [0, 1], labels: ["P1", "Ö2"]))
            #expect(t["alliance"] == .numeric([5.5, 6]))
            #expect(t.file?.encoding == encoding)
            #expect(t.sourceLines == [2, 3])
        }
        // An odd number of bytes is not UTF-16.
        #expect(throws: DataError(source: "t.csv", message: "not valid UTF-16LE text (its byte-order mark says UTF-16LE; save the file as UTF-8)")) {
            try read(bytes: little + [0x41])
        }
    }

    @Test func utf8WithAndWithoutMarkIsUTF8() throws {
        #expect(try read(bytes: Array("a\nö\n".utf8)).file?.encoding == .utf8)
        #expect(try read(bytes: [0xEF, 0xBB, 0xBF] + Array("a\nö\n".utf8)).file?.encoding == .utf8WithBOM)
        // A file that says UTF-8 with its mark and then is not: an error naming the line.
        #expect(throws: DataError(source: "t.csv", line: 2, message: "column 'name': text is not valid UTF-8 although the file starts with UTF-8's byte-order mark (save the file as UTF-8)")) {
            try read(bytes: [0xEF, 0xBB, 0xBF] + Array("name\nab".utf8) + [0xFF, 0x0A])
        }
    }

    /// UTF-8 validity by the Unicode Standard's Table 3-7, against Swift's own decoder, on every
    /// one- and two-byte string and on the edge cases of the table.
    @Test func utf8ValidationAgreesWithSwift() {
        func agrees(_ bytes: [UInt8]) -> Bool {
            let ours = bytes.withUnsafeBytes { TextDecoding.isValidUTF8($0) }
            return ours == (String(validating: bytes, as: UTF8.self) != nil)
        }
        for a in 0...255 { #expect(agrees([UInt8(a)])) }
        for a in 0x80...0xFF { for b in 0...255 where !agrees([UInt8(a), UInt8(b)]) { Issue.record("bytes \(a) \(b)") } }
        for bytes: [UInt8] in [[0xE0, 0x9F, 0x80], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0x80, 0x80],
                               [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
                               Array("plain ASCII text, longer than eight bytes".utf8), Array("längre än åtta byte, med å ä ö".utf8)] {
            #expect(agrees(bytes), "\(bytes)")
        }
    }

    /// Excel's CSV in most of Europe: semicolons and decimal commas.
    @Test func decimalCommasAreDetectedWithSemicolons() throws {
        let t = try read("id;wai;core\n1;3,33333333333333;12\n2;4,5;\n3;-0,25;1,5e1\n")
        #expect(t["wai"] == .numeric([3.33333333333333, 4.5, -0.25]))
        guard case .numeric(let core)? = t["core"] else { Issue.record("core not numeric"); return }
        #expect(core[0] == 12 && core[1].isNaN && core[2] == 15)
        #expect(t.file?.decimalMark == ",")
        // With a comma delimiter the point is the decimal mark; a semicolon file with points keeps them.
        #expect(try read("a,b\n1.5,2\n").file?.decimalMark == ".")
        #expect(try read("a;b\n1.5;2\n")["a"] == .numeric([1.5]))
        // Given explicitly: a comma-delimited decimal comma is impossible; --decimal . keeps "3,5" as text.
        #expect(throws: DataError(location: "--decimal", message: "a decimal comma needs a delimiter other than the comma (give --delimiter semicolon or tab)")) {
            try DelimitedTextReader(decimalMark: UInt8(ascii: ",")).read(text: "a,b\n1,2\n", source: "t.csv")
        }
        let pointed = try DelimitedTextReader(decimalMark: UInt8(ascii: ".")).read(text: "a;b\n3,5;2\n", source: "t.csv")
        #expect(pointed["a"] == .categorical(codes: [0], labels: ["3,5"]))
        #expect(pointed.file?.decided["decimal"] == "given")
    }

    @Test func delimiterCanBeGiven() throws {
        let t = try DelimitedTextReader(delimiter: UInt8(ascii: "|")).read(text: "a|b\n1|x,y\n", source: "t.csv")
        #expect(t["b"] == .categorical(codes: [0], labels: ["x,y"]))
        #expect(t.file?.summary == "CSV, UTF-8 (detected), vertical bar-delimited (given), decimal point (detected)")
    }

    /// `--na 99,-99,.`: numbers equal to a numeric code (also written 99.0) and cells equal to a
    /// code are missing, except in the exempt (identifier) columns.
    @Test func declaredMissingCodes() throws {
        var codes = try MissingCodes(specification: "99, -99,.")
        codes.exemptColumns = ["patient"]
        let t = try DelimitedTextReader(missingCodes: codes).read(text: "patient,wai,note\n99,99.0,.\n2,-99,x\n3,4,99\n", source: "t.csv")
        #expect(t["patient"] == .numeric([99, 2, 3]))
        guard case .numeric(let wai)? = t["wai"] else { Issue.record("wai not numeric"); return }
        #expect(wai[0].isNaN && wai[1].isNaN && wai[2] == 4)
        #expect(t["note"] == .categorical(codes: [-1, 0, -1], labels: ["x"]))
        #expect(throws: DataError(location: "--na", message: "an empty code in '99,,1' (codes are separated by commas, e.g. --na 99,-99,NA)")) {
            try MissingCodes(specification: "99,,1")
        }
    }

    /// Long input is quoted in part: a 5 MB cell never becomes a 5 MB message.
    @Test func messagesQuoteAtMostAnExcerpt() {
        let long = String(repeating: "9", count: 100_000)
        #expect {
            try read("x\n" + long + "e999\n")
        } throws: { error in
            let message = String(describing: error)
            return message.count < 200 && message.contains("(100004 characters)")
        }
    }

    @Test func selectingRowsKeepsLines() throws {
        let t = try read("x\n1\n2\n3\n").selectingRows([2, 0])
        #expect(t["x"] == .numeric([3, 1]))
        #expect(t.location(ofRow: 0) == "t.csv:4")
    }
}
