import Foundation
import PropertyBased
import Testing
@testable import Tabular

/// Property-based tests (fuzzing) of the delimited-text reader, run a bounded number of cases in
/// every test run (a few seconds in all): whatever the bytes, the reader returns a well-formed
/// table or one `DataError` line, never a crash; what the writer writes reads back as the same
/// table; and the encoding a file is saved in does not change what is read.
@Suite struct DelimitedTextPropertyTests {
    /// Pieces of CSV-like text, chosen to hit every branch of the splitter and the converters:
    /// delimiters, quotes, line ends, numbers of every form, missing values, non-finite tokens,
    /// letters outside ASCII, and bytes that are not UTF-8.
    static let pieces: [[UInt8]] = [
        ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", " ", "NA", "", "1", "-3.5", ".25", "7.", "1e308", "1e999", "-0", "3,25",
        "0x10", "nan", "Inf", "-Inf", "abc", "x y", "ö", "€", "99", "-99", "patient", "session", "alliance_patient",
        "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324", "+", "-", "e5", "1e", ".",
    ].map { Array($0.utf8) } + [[0xF6], [0xFF], [0x00], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF], [0xC3], [0xE2, 0x82]]

    static func document(_ indices: [Int]) -> [UInt8] { indices.flatMap { pieces[$0] } }

    /// Any bytes: a table whose columns all have the table's length and whose rows have
    /// increasing lines, or one `DataError` of one line naming the file.
    @Test func anyBytesGiveATableOrOneLineOfError() async {
        let input = Gen.int(in: 0...(Self.pieces.count - 1)).array(of: 0...120)
        await propertyCheck(count: 3000, input: input) { indices in
            let bytes = Self.document(indices)
            for reader in [DelimitedTextReader(), DelimitedTextReader(delimiter: UInt8(ascii: ";"), decimalMark: UInt8(ascii: ",")),
                           DelimitedTextReader(missingCodes: try! MissingCodes(specification: "99,-99,."))] {
                do {
                    let table = try bytes.withUnsafeBytes { try reader.read(bytes: $0, source: "fuzz.csv") }
                    #expect(table.columns.allSatisfy { $0.count == table.rowCount })
                    #expect(table.sourceLines?.count == table.rowCount)
                    if let lines = table.sourceLines { #expect(zip(lines, lines.dropFirst()).allSatisfy { $0 < $1 }) }
                    for case .numeric(let values) in table.columns { #expect(values.allSatisfy { !$0.isInfinite }) }
                } catch let error as DataError {
                    #expect(error.location.hasPrefix("fuzz.csv") || error.location.hasPrefix("--"))
                    #expect(!error.description.contains("\n") && error.description.count < 300, "\(error)")
                } catch {
                    Issue.record("not a DataError: \(error)")
                }
            }
        }
    }

    /// Texts a cell may hold (quotes, delimiters, line breaks, spaces at the ends, `NA` as text,
    /// letters outside ASCII); each has a letter, so a column of them is text.
    static let texts = ["a", "Smith, J", "say \"hi\"", "two\nlines", " padded ", "NA x", "Linköping", "€5", "tab\there", "semi;colon",
                        "x", "Öberg", "b\r\nc"]
    /// Numbers, including those whose shortest form needs an exponent or 17 digits.
    static let numbers: [Double] = [0, 1, -1, 0.1, 3.25, -2.5e-8, 1e15, 123456789.125, 1.7976931348623157e308, Double.leastNonzeroMagnitude, 1 / 3, 6.02214076e23]

    /// A table of numeric and text columns, written by `DelimitedTextWriter` and read back: the
    /// same names, the same values bit for bit, the same missing cells.
    @Test func writtenTablesReadBackUnchanged() async {
        let input = zip(Gen.int(in: 1...5), Gen.int(in: 1...12), Gen.uint64(in: 0...UInt64.max))
        await propertyCheck(count: 1000, input: input) { columns, rows, seed in
            var rng = SplitMix(seed)
            var names = [String](), built = [Column]()
            for j in 0..<columns {
                names.append(j == 0 ? "id" : "c\(j)")
                if j % 2 == 0 {
                    built.append(.numeric((0..<rows).map { _ in rng.next() % 5 == 0 && j > 0 ? .nan : Self.numbers[Int(rng.next() % UInt64(Self.numbers.count))] }))
                } else {
                    var labels = [String](), codes = [Int32]()
                    for _ in 0..<rows {
                        if rng.next() % 6 == 0 { codes.append(-1); continue }
                        let text = Self.texts[Int(rng.next() % UInt64(Self.texts.count))]
                        if let k = labels.firstIndex(of: text) { codes.append(Int32(k)) } else { codes.append(Int32(labels.count)); labels.append(text) }
                    }
                    // A column of only missing cells reads back as numeric (as in R); give it one text.
                    if labels.isEmpty { codes[0] = 0; labels = ["a"] }
                    built.append(.categorical(codes: codes, labels: labels))
                }
            }
            let table = try! DataTable(source: "t.csv", names: names, columns: built)
            let text = DelimitedTextWriter.text(of: table)
            guard let back = try? DelimitedTextReader().read(text: text, source: "t.csv") else {
                Issue.record("cannot read back \(text.debugDescription)")
                return
            }
            #expect(back.names == names)
            for (a, b) in zip(back.columns, built) {
                switch (a, b) {
                case (.numeric(let x), .numeric(let y)): #expect(x.map(\.bitPattern) == y.map(\.bitPattern), "\(text)")
                default: #expect(a == b, "\(text)")
                }
            }
        }
    }

    /// The same text saved as UTF-8, UTF-8 with a byte-order mark, UTF-16LE/BE with one, and (when
    /// every letter fits) Windows-1252 reads as the same table.
    @Test func theEncodingDoesNotChangeTheTable() async {
        let input = Gen.int(in: 0...(Self.texts.count - 1)).array(of: 1...15)
        await propertyCheck(count: 500, input: input) { indices in
            let cells = indices.map { Self.texts[$0] }
            let table = try! DataTable(source: "t.csv", names: ["name", "n"], columns: [
                .categorical(codes: cells.indices.map { Int32($0) }, labels: cells).deduplicated,
                .numeric(cells.indices.map(Double.init)),
            ])
            let text = DelimitedTextWriter.text(of: table)
            let utf8 = Array(text.utf8)
            var encodings: [[UInt8]] = [utf8, [0xEF, 0xBB, 0xBF] + utf8,
                                        [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
                                        [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }]
            if text.unicodeScalars.allSatisfy({ $0.value < 0x80 || ($0.value >= 0xA0 && $0.value <= 0xFF) }) {
                encodings.append(text.unicodeScalars.map { UInt8($0.value) })
            }
            for bytes in encodings {
                do {
                    let back = try bytes.withUnsafeBytes { try DelimitedTextReader().read(bytes: $0, source: "t.csv") }
                    #expect(back["name"] == table["name"] && back["n"] == table["n"], "\(bytes.prefix(4))")
                } catch {
                    Issue.record("\(error) reading \(text.debugDescription) as \(bytes.prefix(2))")
                }
            }
        }
    }
}

private extension Column {
    /// The same column with repeated labels merged (codes in order of first appearance).
    var deduplicated: Column {
        guard case .categorical(let codes, let labels) = self else { return self }
        var distinct = [String](), out = [Int32]()
        for c in codes {
            let label = labels[Int(c)]
            if let k = distinct.firstIndex(of: label) { out.append(Int32(k)) } else { out.append(Int32(distinct.count)); distinct.append(label) }
        }
        return .categorical(codes: out, labels: distinct)
    }
}

/// A small seeded generator for building one case from the seed the property check draws.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
