import Testing
import Tabular
@testable import SessionData

/// Every validation error is one `DataError` naming the file, the line and the column.
@Suite struct PanelValidationTests {
    func panel(_ csv: String, columns: ColumnMapping = ColumnMapping(), scales: [String: RatingScale] = [:]) throws -> Panel {
        try Panel(file: SessionFile(table: try DelimitedTextReader().read(text: csv, source: "s.csv")), columns: columns, scales: scales)
    }

    func message(_ csv: String, columns: ColumnMapping = ColumnMapping(), scales: [String: RatingScale] = [:]) -> String? {
        do {
            _ = try panel(csv, columns: columns, scales: scales)
            return nil
        } catch let e as DataError {
            return e.description
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func validPanelIsSortedAndKeepsLines() throws {
        // Rows out of order: P2 first, P1's sessions reversed. Panel order: P2 (first seen), then P1
        // by session; line numbers travel with their rows.
        let p = try panel("patient,session,alliance_patient,extra\nP2,1,5,a\nP1,2,4,b\nP1,1,6,c\n")
        #expect(p.patientIDs == ["P2", "P1"])
        #expect(p.sessions == [1, 1, 2])
        #expect(p.table.sourceLines == [2, 4, 3])
        #expect(try p.values(of: "alliance_patient") == [5, 6, 4])
        #expect(p.table["extra"] == .categorical(codes: [0, 2, 1], labels: ["a", "b", "c"]))
        #expect(p.rows(ofPatient: 1) == 1..<3)
        #expect(p.therapistIDs.isEmpty && p.column(for: .therapist) == nil)
    }

    @Test func renamedColumns() throws {
        var m = ColumnMapping()
        try m.apply(specification: "patient=id,session=sess, alliance_patient = wai")
        let p = try panel("id,sess,wai\n7,1,5\n7,2,6\n", columns: m)
        #expect(p.patientIDs == ["7"] && p.column(for: .alliancePatient) == "wai")
        #expect(throws: DataError.self) { try m.apply(specification: "pateint=x") }
        #expect(throws: DataError.self) { try m.apply(specification: "patient") }
    }

    @Test func errorsNameFileLineAndColumn() {
        #expect(message("id,session\n1,1\n") == "s.csv: missing required column 'patient' (columns: id, session); rename with --columns patient=NAME")
        var m = ColumnMapping()
        m.rename(.therapist, to: "ther")
        #expect(message("patient,session\nP,1\n", columns: m) == "s.csv: missing required column 'ther' (columns: patient, session)")
        #expect(message("patient,session,alliance_patient\nP,1,5\nP,2,high\n") == "s.csv:3: column 'alliance_patient': 'high' is not a number")
        #expect(message("patient,session\nP,1\nQ,1\nP,1\n") == "s.csv:4: columns 'patient', 'session': patient 'P' has session 1 twice (also at line 2)")
        #expect(message("patient,therapist,session\nP,T1,1\nP,T2,2\n") == "s.csv:3: column 'therapist': patient 'P' has therapist 'T2' here but 'T1' at line 2 (a patient must have one therapist)")
        #expect(message("patient,session\nP,1\nP,2.5\n") == "s.csv:3: column 'session': session 2.5 is not a whole number")
        #expect(message("patient,session\nP,-1\n") == "s.csv:2: column 'session': session -1 is negative (sessions count from 0 or 1)")
        #expect(message("patient,session\nP,1\nP,NA\n") == "s.csv:3: column 'session': missing session number")
        #expect(message("patient,session\nP,one\n") == "s.csv:2: column 'session': 'one' is not a number")
        #expect(message("patient,session\n") == "s.csv: file has a header but no data rows")
        #expect(message("patient,session\nNA,1\n") == "s.csv:2: column 'patient': missing patient identifier")
        #expect(message("patient,session,alliance_patient\nP,1,5\nP,2,8\n", scales: ["alliance_patient": RatingScale(minimum: 1, maximum: 7)])
                == "s.csv:3: column 'alliance_patient': 8 is outside the scale 1 to 7")
        #expect(message("patient,session\nP,1\n", scales: ["wai": RatingScale(minimum: 1, maximum: 7)])
                == "s.csv: a scale is given for 'wai', which is not a column (columns: patient, session)")
    }

    @Test func emptyFile() {
        #expect(throws: DataError(source: "s.csv", message: "file is empty")) { try panel("") }
    }

    @Test func missingRatingsAreKeptNotFilled() throws {
        let p = try panel("patient,session,alliance_patient\nP,1,5\nP,2,NA\nP,3,\n")
        let v = try p.values(of: "alliance_patient")
        #expect(v[0] == 5 && v[1].isNaN && v[2].isNaN)
        let d = try PanelDescription(panel: p)
        #expect(d.ratings[0].observed == 1 && d.ratings[0].missing == 2)
    }
}
