import Foundation
import Testing
import Tabular
@testable import SessionData

/// SPSS and Stata files as researchers have them, made by R's haven (and GNU PSPP for the portable
/// file and the measurement levels): `datasets/labelled/make-labelled.R` and `make-por.sps`. The
/// expected values below are those R prints for the same files (`read_sav(user_na = TRUE)`,
/// `read_dta`), listed in `datasets/labelled/README.md`.
@Suite struct StatisticalFileTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("datasets/labelled")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-readstat-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The numbers of a numeric column, with each missing value as its reason.
    static func cells(_ column: Column?) -> [Cell] {
        guard case .numeric(let values)? = column else { return [] }
        return values.map { v in MissingReason(of: v).map(Cell.missing) ?? .number(v) }
    }

    enum Cell: Equatable {
        case number(Double)
        case missing(MissingReason)
    }

    static let sessions: [Double] = [1, 2, 3, 1, 2, 4, 1, 2]
    static let clinicians: [Double] = [2, 2, 2, 1, 1, 1, 2, 2]

    // MARK: - Labelled numbers stay numbers; declared missing values are missing

    @Test(arguments: ["sessions-labelled.sav", "sessions-labelled.zsav"])
    func spssValueLabelsAreMetadataAndUserMissingValuesAreMissing(name: String) throws {
        let table = try SessionFile.read(path: Self.path(name)).table
        #expect(table.names == ["id", "clinician", "sess", "wai_pat", "wai_ther", "core10", "site"])
        // Value-labelled variables are numbers.
        #expect(table["clinician"] == .numeric(Self.clinicians))
        #expect(table["sess"] == .numeric(Self.sessions))
        #expect(table.metadata["clinician"]?.valueLabels == [ValueLabel(value: .number(1), label: "Andersson"),
                                                             ValueLabel(value: .number(2), label: "Öberg")])
        #expect(table.metadata["sess"]?.valueLabels == [ValueLabel(value: .number(1), label: "Intake")])
        #expect(table.metadata["sess"]?.label == "Session number")
        #expect(table.metadata["wai_pat"]?.label == "WAI-SR patient, mean of 12 items")
        #expect(table.metadata["wai_pat"]?.format == "F8.2")
        #expect(table.metadata["core10"]?.format == "F3.0")
        // User-missing: -9 in the range -9 thru -1, 99 in 99 thru HI, -99 and -98 (discrete).
        #expect(Self.cells(table["wai_pat"]) == [.number(3.25), .number(4.5), .number(5), .number(1), .number(2.75),
                                                 .missing(.declared(index: 0)), .number(4), .number(3.5)])
        #expect(table.metadata["wai_pat"]?.missingRanges == [MissingRange(low: -9, high: -1)])
        #expect(table.metadata["wai_pat"]?.declaredMissingValues == [-9])
        #expect(Self.cells(table["wai_ther"]) == [.number(5), .number(6), .number(7), .number(4), .missing(.declared(index: 0)),
                                                  .number(4.5), .number(6), .number(1)])
        #expect(table.metadata["wai_ther"]?.missingRanges == [MissingRange(low: 99, high: .infinity)])
        #expect(table.metadata["wai_ther"]?.missingRanges.first?.description == "99 thru HI")
        #expect(Self.cells(table["core10"]) == [.number(22), .number(20), .missing(.declared(index: 0)), .number(30), .number(28),
                                                .number(25), .missing(.declared(index: 1)), .number(12)])
        #expect(table.metadata["core10"]?.missingRanges == [MissingRange(-99), MissingRange(-98)])
        #expect(table.metadata["core10"]?.declaredMissingValues == [-99, -98])
        #expect(table.metadata["core10"]?.label(of: MissingReason.declared(index: 0).value) == "Not administered")
        #expect(table["site"]?.text(at: 3) == "Malmö")
        #expect(table.file?.format == (name.hasSuffix("zsav") ? "SPSS .zsav (compressed)" : "SPSS .sav"))
    }

    @Test func stataExtendedMissingValuesAreMissingWithTheirTags() throws {
        let table = try SessionFile.read(path: Self.path("sessions-labelled.dta")).table
        #expect(table["clinician"] == .numeric(Self.clinicians))
        #expect(table.metadata["clinician"]?.valueLabels.map(\.label) == ["Andersson", "Öberg"])
        #expect(Self.cells(table["core10"]) == [.number(22), .number(20), .missing(.tagged("a")), .number(30), .number(28),
                                                .number(25), .missing(.tagged("b")), .number(12)])
        #expect(table.metadata["core10"]?.valueLabels == [ValueLabel(value: .tagged("a"), label: "Not administered"),
                                                          ValueLabel(value: .tagged("b"), label: "Refused")])
        #expect(Self.cells(table["wai_pat"])[5] == .missing(.system))
        #expect(table.metadata["wai_pat"]?.format == "%8.2f")
        #expect(table.metadata["id"]?.label == "Patient")
    }

    /// ReadStat reads the portable files of older SPSS versions and its own, not those PSPP 1.6
    /// (or SPSS 25 and later) writes: such a file is a clear error, and a file written here is read.
    @Test func portableFiles() throws {
        #expect {
            try SessionFile.read(path: Self.path("sessions-labelled.por"))
        } throws: { error in
            (error as? DataError)?.message.hasSuffix("save it as .sav in SPSS or PSPP)") == true
        }
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Portable files hold names of at most 8 characters, and ASCII text.
        let sav = try SessionFile.read(path: Self.path("sessions-labelled.sav")).table
        let short = sav.names.map { $0 == "clinician" ? "clin" : $0 }
        var metadata = Dictionary(uniqueKeysWithValues: zip(short, sav.names).compactMap { s, n in sav.metadata[n].map { (s, $0) } })
        metadata["clin"]?.valueLabels[1].label = "Oberg"
        var columns = sav.columns
        columns[6] = .categorical(codes: [0, 0, 0, 1, 1, 1, 0, 0], labels: ["Linkoping", "Malmo"])
        let table = try DataTable(source: "s", names: short, columns: columns, metadata: metadata)
        let out = dir.appendingPathComponent("s.por").path
        #expect(throws: DataError(source: out, message: "column 'clinician': a portable file (.por) holds names of at most 8 characters; write .sav")) {
            try StatisticalFileWriter.data(for: SessionFile(table: sav), format: .spssPortable, destination: out)
        }
        try StatisticalFileWriter.data(for: SessionFile(table: table), format: .spssPortable, destination: out).write(to: URL(fileURLWithPath: out))
        let back = try SessionFile.read(path: out).table
        #expect(back.names.map { $0.lowercased() } == short)
        for (a, b) in zip(back.names, short) where b != "id" && b != "site" {
            #expect(Self.cells(back[a]) == Self.cells(table[b]), "\(b)")
            #expect(back.metadata[a]?.valueLabels == table.metadata[b]?.valueLabels, "\(b)")
            #expect(back.metadata[a]?.missingRanges == table.metadata[b]?.missingRanges, "\(b)")
            #expect(back.metadata[a]?.label == table.metadata[b]?.label, "\(b)")
        }
        #expect(back[back.names[6]]?.text(at: 0) == "Linkoping")
        // And again: read, write, read is identical.
        let again = dir.appendingPathComponent("again.por").path
        try StatisticalFileWriter.data(for: SessionFile(table: back), format: .spssPortable, destination: again).write(to: URL(fileURLWithPath: again))
        #expect(Self.identical(try SessionFile.read(path: again).table, back))
    }

    @Test func measurementLevelsAreRead() throws {
        let table = try SessionFile.read(path: Self.path("sessions-levels.sav")).table
        #expect(table.metadata["clinician"]?.measure == .nominal)
        #expect(table.metadata["wai_pat"]?.measure == .ordinal)
        #expect(table.metadata["core10"]?.measure == .scale)
        #expect(table.metadata["id"]?.measure == .nominal)
    }

    // MARK: - Read, write, read: identical

    /// Bitwise equality (NaN payloads included) of two tables with their metadata.
    static func identical(_ a: DataTable, _ b: DataTable) -> Bool {
        guard a.names == b.names, a.metadata == b.metadata, a.rowCount == b.rowCount else { return false }
        for (x, y) in zip(a.columns, b.columns) {
            switch (x, y) {
            case (.numeric(let u), .numeric(let v)):
                guard u.map(\.bitPattern) == v.map(\.bitPattern) else { return false }
            default:
                guard x == y else { return false }
            }
        }
        return true
    }

    @Test(arguments: [("sessions-labelled.sav", "sav"), ("sessions-labelled.zsav", "zsav"), ("sessions-levels.sav", "sav"),
                      ("sessions-labelled.dta", "dta")])
    func roundTripIsIdentical(name: String, ext: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try SessionFile.read(path: Self.path(name))
        let out = dir.appendingPathComponent("again.\(ext)").path
        try StatisticalFileWriter.data(for: first, format: SessionFileFormat(path: out)!, destination: out).write(to: URL(fileURLWithPath: out))
        let second = try SessionFile.read(path: out)
        #expect(Self.identical(first.table, second.table))
        if !Self.identical(first.table, second.table) {
            for n in first.table.names where first.table.metadata[n] != second.table.metadata[n] {
                Issue.record("\(n): \(String(describing: first.table.metadata[n])) != \(String(describing: second.table.metadata[n]))")
            }
        }
    }

    /// A table made here (not read) with every kind of metadata, through each format and back.
    @Test(arguments: ["sav", "zsav", "dta"])
    func writtenMetadataReadsBack(ext: String) throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let isStata = ext == "dta"
        var table = try DataTable(source: "made", names: ["patient", "rating", "site"], columns: [
            .categorical(codes: [0, 0, 1], labels: ["P1", "P2"]),
            .numeric([1, isStata ? MissingReason.tagged("c").value : MissingReason.declared(index: 0).value, 7]),
            .categorical(codes: [0, -1, 1], labels: ["Lund", "Umeå"]),
        ])
        var rating = VariableMetadata(label: "Alliance", valueLabels: [ValueLabel(value: .number(1), label: "Not at all"),
                                                                    ValueLabel(value: .number(7), label: "Completely")],
                                      format: isStata ? "%9.2f" : "F8.2")
        if isStata {
            rating.valueLabels.append(ValueLabel(value: .tagged("c"), label: "Skipped"))
        } else {
            rating.missingRanges = [MissingRange(-99)]
            rating.declaredMissingValues = [-99]
            rating.measure = .ordinal
            rating.displayWidth = 10
        }
        table.setMetadata(rating, of: "rating")
        table.setMetadata(VariableMetadata(label: "Site"), of: "site")
        let out = dir.appendingPathComponent("made.\(ext)").path
        try StatisticalFileWriter.data(for: SessionFile(table: table), format: SessionFileFormat(path: out)!, destination: out)
            .write(to: URL(fileURLWithPath: out))
        let back = try SessionFile.read(path: out).table
        #expect(Self.cells(back["rating"]) == Self.cells(table["rating"]))
        #expect(back.metadata["rating"]?.label == "Alliance")
        #expect(back.metadata["rating"]?.valueLabels == rating.valueLabels)
        #expect(back.metadata["rating"]?.format == rating.format)
        #expect(back.metadata["rating"]?.missingRanges == rating.missingRanges)
        if !isStata {
            #expect(back.metadata["rating"]?.measure == .ordinal)
            #expect(back.metadata["rating"]?.displayWidth == 10)
        }
        #expect(back.metadata["site"]?.label == "Site")
        #expect(back["site"] == table["site"])
    }

    // MARK: - The panel sees numbers

    @Test func aLabelledSessionAndRatingAreNumbersInThePanel() throws {
        var columns = ColumnMapping()
        try columns.apply(specification: "patient=id,therapist=clinician,session=sess,alliance_patient=wai_pat,alliance_therapist=wai_ther,distress=core10")
        for name in ["sessions-labelled.sav", "sessions-labelled.dta", "sessions-labelled.zsav"] {
            let panel = try Panel.read(path: Self.path(name), columns: columns)
            #expect(panel.sessions == [1, 2, 3, 1, 2, 4, 1, 2], "\(name)")
            #expect(panel.therapistIDs == ["2", "1"], "\(name)")
            let wai = try panel.values(of: "wai_pat")
            #expect(wai[0] == 3.25 && wai[5].isNaN, "\(name)")
            let core = try panel.values(of: "core10")
            #expect(core.filter(\.isNaN).count == 2, "\(name)")
        }
    }

    @Test func aCodebookCanMakeALabelledColumnAFactorOfItsLabels() throws {
        var file = try SessionFile.read(path: Self.path("sessions-labelled.sav"))
        try file.asFactors(["clinician"])
        #expect(file.table["clinician"] == .categorical(codes: [1, 1, 1, 0, 0, 0, 1, 1], labels: ["Andersson", "Öberg"]))
        #expect(throws: DataError.self) { try file.asFactors(["nope"]) }
    }

    @Test func declaredCodesApplyToEveryColumnButTheIdentifiers() throws {
        var columns = ColumnMapping()
        try columns.apply(specification: "patient=id,therapist=clinician,session=sess")
        // --na 2 makes the 2s of the ratings missing, not session 2 or clinician 2.
        let panel = try Panel.read(path: Self.path("sessions-labelled.sav"), columns: columns,
                                   options: ReadingOptions(missingCodes: try MissingCodes(specification: "4.5, 30")))
        #expect(panel.sessions == [1, 2, 3, 1, 2, 4, 1, 2])
        let wai = try panel.values(of: "wai_pat")
        #expect(wai[1].isNaN && wai[0] == 3.25)
        #expect(try panel.values(of: "core10")[3].isNaN)
    }

    // MARK: - Files that are not what they claim

    @Test func unknownAndMissingFiles() {
        #expect(throws: DataError(source: "x.xlsx", message: "unknown file type (alliance reads .csv, .tsv, .txt, .sav, .zsav, .por and .dta)")) {
            try SessionFile.read(path: "x.xlsx")
        }
        #expect(throws: DataError(source: "/no/such.sav", message: "no such file")) { try SessionFile.read(path: "/no/such.sav") }
        #expect(throws: DataError(source: "/", message: "unknown file type (alliance reads .csv, .tsv, .txt, .sav, .zsav, .por and .dta)")) {
            try SessionFile.read(path: "/")
        }
    }

    @Test func corruptFilesAreErrorsNotCrashes() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.sav").path
        try Data("not an spss file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.self) { try SessionFile.read(path: path) }
        // Every prefix of a real file, and the file with bytes flipped, is read or refused, never a crash.
        for name in ["sessions-labelled.sav", "sessions-labelled.dta", "sessions-labelled.zsav"] {
            let original = try Data(contentsOf: URL(fileURLWithPath: Self.path(name)))
            let out = dir.appendingPathComponent(name).path
            for length in stride(from: 0, to: original.count, by: max(1, original.count / 40)) {
                try original.prefix(length).write(to: URL(fileURLWithPath: out))
                _ = try? SessionFile.read(path: out)
            }
            var generator = SplitMix64(seed: 2026)
            for _ in 0..<40 {
                var bytes = [UInt8](original)
                for _ in 0..<4 { bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
                try Data(bytes).write(to: URL(fileURLWithPath: out))
                if let table = try? SessionFile.read(path: out).table {
                    for case .numeric(let values) in table.columns { _ = values.count }
                }
            }
        }
    }
}

/// A seeded generator, so that the damaged files are the same in every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
