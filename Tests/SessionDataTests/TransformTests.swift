import Testing
import Tabular
@testable import SessionData

/// Transforms by session number. Patient A attends sessions 1, 2, 4, 5 (3 is missed);
/// patient B sessions 1-3 with a missing rating at 2.
@Suite struct TransformTests {
    static let csv = """
    patient,session,distress
    A,1,10
    A,2,12
    A,4,11
    A,5,15
    B,1,20
    B,2,NA
    B,3,26
    """

    func data() throws -> (Panel, [Double]) {
        let p = try Panel(file: SessionFile(table: try DelimitedTextReader().read(text: Self.csv, source: "t.csv")))
        return (p, try p.values(of: "distress"))
    }

    func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { ($0.isNaN && $1.isNaN) || abs($0 - $1) < 1e-12 }
    }

    @Test func leadAndLagBySessionNumber() throws {
        let (p, x) = try data()
        // distress_next: A1 -> A2 (12), A2 -> session 3 missed (NA), A4 -> A5 (15), A5 -> none;
        // B1 -> B2 rating missing (NA), B2 -> B3 (26), B3 -> none.
        #expect(same(p.shifted(x, by: 1), [12, .nan, 15, .nan, .nan, 26, .nan]))
        // Lag 1: A4's previous session 3 was missed (NA), not A2's 12.
        #expect(same(p.shifted(x, by: -1), [.nan, 10, .nan, 11, .nan, 20, .nan]))
        #expect(same(p.shifted(x, by: 2), [.nan, 11, .nan, .nan, 26, .nan, .nan]))
    }

    @Test func personMeanCentring() throws {
        let (p, x) = try data()
        // A: mean (10 + 12 + 11 + 15) / 4 = 12; B: (20 + 26) / 2 = 23 (missing skipped).
        #expect(same(p.personMeans(x), [12, 12, 12, 12, 23, 23, 23]))
        #expect(same(p.withinPersonDeviations(x), [-2, 0, -1, 3, -3, .nan, 3]))
    }

    @Test func detrending() throws {
        let (p, x) = try data()
        // A: sessions 1, 2, 4, 5 (t̄ = 3), values 10, 12, 11, 15 (x̄ = 12):
        //   Σ dt dx = (-2)(-2) + (-1)(0) + (1)(-1) + (2)(3) = 9, Σ dt² = 10: slope 0.9, intercept 9.3;
        //   fitted 10.2, 11.1, 12.9, 13.8; residuals -0.2, 0.9, -1.9, 1.2.
        // B: only two ratings: fewer than three, so NaN.
        #expect(same(p.detrended(x), [-0.2, 0.9, -1.9, 1.2, .nan, .nan, .nan]))
        let line = PersonLine(sessions: [1, 2, 4, 5], values: [10, 12, 11, 15])!
        #expect(abs(line.slope - 0.9) < 1e-12 && abs(line.intercept - 9.3) < 1e-12)
        // Residual SD: sqrt((0.04 + 0.81 + 3.61 + 1.44) / 2) = sqrt(2.95).
        #expect(abs(line.residualSD - 2.95.squareRoot()) < 1e-12)
    }

    @Test func counts() throws {
        let (p, x) = try data()
        #expect(p.sessionCounts == [4, 3])
        #expect(p.observedCounts(x) == [4, 2])
    }

    @Test func descriptives() {
        // 1, 2, 4, 9 (and a missing value): mean 4, SD sqrt((9 + 4 + 0 + 25) / 3), median 3.
        let d = Descriptives([1, 2, .nan, 4, 9])
        #expect(d.count == 4 && d.mean == 4 && d.median == 3 && d.minimum == 1 && d.maximum == 9)
        #expect(abs(d.standardDeviation! - (38.0 / 3).squareRoot()) < 1e-12)
        #expect(Descriptives([5]).standardDeviation == nil)
        #expect(Descriptives([Double]()).mean == nil)
    }
}
