import Testing
import Tabular
import SessionData
import MixedModels
@testable import DynamicModels

/// The session-number time axis of the dynamic models. Patient A (therapist T1) attends sessions
/// 2, 3, 5 (4 is missed); patient B (therapist T2) sessions 1-3 with a missing rating at 2, rows
/// shuffled in the file.
@Suite struct LaggedPanelTests {
    static let csv = """
    patient,therapist,session,distress,age
    A,T1,3,12,30
    B,T2,1,20,41
    A,T1,2,10,30
    B,T2,3,26,41
    A,T1,5,15,30
    B,T2,2,NA,NA
    """

    func lagged() throws -> LaggedPanel {
        let panel = try Panel(file: SessionFile(table: try DelimitedTextReader().read(text: Self.csv, source: "t.csv")))
        return try LaggedPanel(panel: panel, variables: ["distress", "age"])
    }

    func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || $0 == $1 }
    }

    @Test func missedSessionsAreMissingCells() throws {
        let l = try lagged()
        #expect(l.patientIDs == ["A", "B"])
        #expect(l.firstSession == [2, 1] && l.lastSession == [5, 3])
        // A: sessions 2, 3, 4 (missed), 5; B: 1, 2, 3.
        #expect(l.cellStarts == [0, 4, 7])
        #expect(same(l.values(of: "distress"), [10, 12, .nan, 15, 20, .nan, 26]))
        #expect(l.panelRow[2] == -1)
        #expect(l.session(ofCell: 3, patient: 0) == 5)
        #expect(l.therapistIDs == ["T1", "T2"] && l.therapistOfPatient == [0, 1])
    }

    @Test func lagsCountSessionsNotRows() throws {
        let l = try lagged()
        // lag 1: A5's previous session (4) was missed, so its lag is missing, not A3's 12.
        #expect(same(l.lagged("distress", by: 1), [.nan, 10, 12, .nan, .nan, 20, .nan]))
        #expect(same(l.lagged("distress", by: 2), [.nan, .nan, 10, 12, .nan, .nan, 20]))
        #expect(same(l.lagged("distress", by: 0), l.values(of: "distress")))
    }

    @Test func wavesAreSessionNumbers() throws {
        let l = try lagged()
        let (w, count) = try l.waves(of: "distress")
        // Sessions 1..5: A has nothing at 1 and 4; B nothing after 3.
        #expect(count == 5)
        #expect(same(w, [.nan, 10, 12, .nan, 15,
                         20, .nan, 26, .nan, .nan]))
    }

    /// A variable computed per panel row (a rupture indicator) lands on the cells of those rows;
    /// a missed session's cell stays missing.
    @Test func computedVariables() throws {
        let l = try lagged()
        #expect(l.therapistColumn == "therapist")
        // Panel rows in panel order: A2, A3, A5, B1, B2, B3.
        let added = l.adding("rupture", byPanelRow: [0, 1, 0, 1, 0, 0])
        #expect(same(added.values(of: "rupture"), [0, 1, .nan, 0, 1, 0, 0]))
        #expect(added.variables == ["distress", "age", "rupture"])
        #expect(same(added.lagged("rupture", by: 1), [.nan, 0, 1, .nan, .nan, 1, 0]))
    }

    @Test func personConstants() throws {
        let l = try lagged()
        #expect(try l.personConstant("age") == [30, 41])
        #expect(throws: DataError.self) { try l.personConstant("distress") }
    }

    @Test func hugeSessionNumbersAreRefused() throws {
        let csv = "patient,session,y\nA,1,1\nA,900000000,2\n"
        let panel = try Panel(file: SessionFile(table: try DelimitedTextReader().read(text: csv, source: "big.csv")))
        #expect(throws: DataError.self) { try LaggedPanel(panel: panel, variables: ["y"]) }
    }

    @Test func lagTermsParseAndPrintAsR() throws {
        func term(_ text: String) throws -> LaggedVariable? {
            var parser = FormulaParser("y ~ " + text)
            return try LaggedVariable(parser.parse().rhs, formula: "y ~ " + text)
        }
        #expect(try term("lag(distress)") == LaggedVariable(name: "distress", lag: 1))
        #expect(try term("lag(distress, 2)")?.term == "lag(distress, 2)")
        #expect(try term("rupture")?.term == "rupture")
        #expect(try term("lag(rupture)")?.term == "lag(rupture)")
        #expect(try term("log(rupture)") == nil)
        #expect(throws: FormulaError.self) { try term("lag(distress, 1.5)") }
        #expect(throws: FormulaError.self) { try term("lag(distress, 99)") }
        #expect(throws: FormulaError.self) { try term("lag(1)") }
    }
}
