import Foundation
import Testing
import Tabular
@testable import SessionData

/// SPSS and Stata files written with ReadStat's writer read back as the same panel as the CSV.
@Suite struct StatisticalFileTests {
    static let csv = """
    therapist,patient,session,alliance_patient,alliance_therapist,distress
    T1,P1,1,6,5,20
    T1,P1,2,5,NA,22
    T1,P1,3,5.5,4,21
    T2,P2,1,7,6,15
    T2,P2,3,4,5,16
    """

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-readstat-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(arguments: [SessionFileFormat.spss, .stata])
    func roundTripGivesTheSamePanel(format: SessionFileFormat) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csvTable = try DelimitedTextReader().read(text: Self.csv, source: "s.csv")
        // The therapist as a labelled number (1 = "T1", 2 = "T2"), as SPSS users store it, and
        // the patient-rated alliance with value labels on two of its values.
        var table = csvTable
        try table.append(.categorical(codes: [0, 0, 0, 1, 1], labels: ["T1", "T2"]), named: "therapist")
        try table.append(.categorical(codes: [0, 1, 2, 3, 4], labels: ["6", "5", "5.5", "Completely", "4"]), named: "alliance_patient")
        let labelled = ["therapist": [1.0, 2.0], "alliance_patient": [6, 5, 5.5, 7, 4]]
        let path = dir.appendingPathComponent(format == .spss ? "s.sav" : "s.dta").path
        try StatisticalFileWriter.data(for: SessionFile(table: table, labelledValues: labelled), format: format, destination: path)
            .write(to: URL(fileURLWithPath: path))

        let read = try SessionFile.read(path: path)
        #expect(read.table.names == csvTable.names)
        #expect(read.table["therapist"] == .categorical(codes: [0, 0, 0, 1, 1], labels: ["T1", "T2"]))
        #expect(read.labelledValues["therapist"] == [1, 2])
        #expect(read.table["patient"] == csvTable["patient"])

        let fromBinary = try Panel(file: read), fromCSV = try Panel(file: SessionFile(table: csvTable))
        #expect(fromBinary.patientIDs == fromCSV.patientIDs)
        #expect(fromBinary.therapistIDs == fromCSV.therapistIDs)
        #expect(fromBinary.therapistOfPatient == fromCSV.therapistOfPatient)
        #expect(fromBinary.sessions == fromCSV.sessions)
        for column in ["alliance_patient", "alliance_therapist", "distress"] {
            let a = try fromBinary.values(of: column), b = try fromCSV.values(of: column)
            #expect(zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(column)")
        }
        // Binary files have no lines: errors name the row.
        #expect(fromBinary.table.location(ofRow: 4) == "\(path), row 5")
    }

    @Test func unknownAndMissingFiles() {
        #expect(throws: DataError(source: "x.xlsx", message: "unknown file type (alliance reads .csv, .tsv, .txt, .sav, .zsav and .dta)")) {
            try SessionFile.read(path: "x.xlsx")
        }
        #expect(throws: DataError(source: "/no/such.sav", message: "no such file")) { try SessionFile.read(path: "/no/such.sav") }
    }

    @Test func corruptFileIsAnError() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.sav").path
        try Data("not an spss file".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: DataError.self) { try SessionFile.read(path: path) }
    }
}
