import Testing
@testable import Ruptures

/// Lag-sequential statistics on small sequences worked out by hand.
@Suite struct TransitionTableTests {
    // Units A = 0, B = 1, C = 2. Session 1: A B A B C; session 2: A B C C A.
    // Lag-1 pairs: session 1 A→B, B→A, A→B, B→C; session 2 A→B, B→C, C→C, C→A.
    //
    //            A  B  C | row
    //        A   0  3  0 |  3
    //        B   1  0  2 |  3
    //        C   1  0  1 |  2
    //     column 2  3  3 |  N = 8
    static let sessions = [[0, 1, 0, 1, 2], [0, 1, 2, 2, 0]]

    @Test func lagOneCountsAndStatistics() {
        let t = TransitionTable(sequences: Self.sessions, unitCount: 3, lag: 1)
        #expect(t.counts == [[0, 3, 0], [1, 0, 2], [1, 0, 1]])
        #expect(t.total == 8 && t.rowTotal(1) == 3 && t.columnTotal(2) == 3)

        // A→B: x = 3, e = 3 x 3 / 8 = 1.125, p(B|A) = 3/3 = 1.
        // z = (3 - 1.125) / sqrt(1.125 (1 - 3/8)(1 - 3/8)) = 1.875 / sqrt(225/512) = 2 sqrt(2) = 2.8284271.
        // 2 x 2: a = 3, b = 0, c = 0, d = 8 - 3 - 3 + 3 = 5; Q = (15 - 0)/(15 + 0) = 1.
        #expect(abs(t.expected(given: 0, target: 1)! - 1.125) < 1e-12)
        #expect(t.transitionalProbability(given: 0, target: 1) == 1)
        #expect(abs(t.adjustedResidual(given: 0, target: 1)! - 2 * 2.0.squareRoot()) < 1e-12)
        #expect(t.yulesQ(given: 0, target: 1) == 1)

        // B→C: x = 2, e = 1.125, p(C|B) = 2/3; z = 0.875 / (15 / (16 sqrt 2)) = 14 sqrt(2) / 15 = 1.3199327.
        // a = 2, b = 1, c = 1, d = 8 - 3 - 3 + 2 = 4; Q = (8 - 1)/(8 + 1) = 7/9.
        #expect(abs(t.transitionalProbability(given: 1, target: 2)! - 2.0 / 3) < 1e-12)
        #expect(abs(t.adjustedResidual(given: 1, target: 2)! - 14 * 2.0.squareRoot() / 15) < 1e-12)
        #expect(abs(t.yulesQ(given: 1, target: 2)! - 7.0 / 9) < 1e-12)

        // C→A: x = 1, e = 2 x 2 / 8 = 0.5; z = 0.5 / sqrt(0.5 x 0.75 x 0.75) = 2 sqrt(2) / 3 = 0.9428090.
        // a = 1, b = 1, c = 1, d = 5; Q = (5 - 1)/(5 + 1) = 2/3.
        #expect(abs(t.expected(given: 2, target: 0)! - 0.5) < 1e-12)
        #expect(abs(t.adjustedResidual(given: 2, target: 0)! - 2 * 2.0.squareRoot() / 3) < 1e-12)
        #expect(abs(t.yulesQ(given: 2, target: 0)! - 2.0 / 3) < 1e-12)

        // A→A: x = 0, e = 3 x 2 / 8 = 0.75; z = -0.75 / sqrt(0.75 x 5/8 x 6/8) = -sqrt(1.6) = -1.2649111.
        // a = 0, b = 3, c = 2, d = 3; Q = (0 - 6)/(0 + 6) = -1.
        #expect(abs(t.adjustedResidual(given: 0, target: 0)! + 1.6.squareRoot()) < 1e-12)
        #expect(t.yulesQ(given: 0, target: 0) == -1)
    }

    @Test func transitionsNeverCrossSessions() {
        // Joined into one sequence, the boundary would add C→A (session 1 ends in C, session 2
        // starts with A): 2 instead of 1.
        let separate = TransitionTable(sequences: Self.sessions, unitCount: 3, lag: 1)
        let joined = TransitionTable(sequences: [Self.sessions[0] + Self.sessions[1]], unitCount: 3, lag: 1)
        #expect(separate.counts[2][0] == 1 && joined.counts[2][0] == 2)
    }

    @Test func lagTwo() {
        // Session 1 A B A B C: A→A, B→B, A→C; session 2 A B C C A: A→C, B→C, C→A. N = 6.
        let t = TransitionTable(sequences: Self.sessions, unitCount: 3, lag: 2)
        #expect(t.counts == [[1, 0, 2], [0, 1, 1], [1, 0, 0]])
        // A→C: x = 2, row A = 3, column C = 3, e = 9/6 = 1.5;
        // z = 0.5 / sqrt(1.5 x 0.5 x 0.5) = 0.5 / sqrt(0.375) = 0.8164966.
        #expect(abs(t.adjustedResidual(given: 0, target: 2)! - 0.5 / 0.375.squareRoot()) < 1e-12)
        // A session of two events has no lag-2 pair.
        #expect(TransitionTable(sequences: [[0, 1]], unitCount: 2, lag: 2).total == 0)
    }

    @Test func undefinedStatisticsAreNilNotNaN() {
        // Sessions A B and A B: the only transition is A→B (x = 2 = N). B never starts a
        // transition: p(·|B) undefined. Column B's total is N, so 1 - x_+B/N = 0: z undefined.
        // A→B's 2 x 2 is a = 2, b = c = d = 0: ad + bc = 0, Q undefined.
        let t = TransitionTable(sequences: [[0, 1], [0, 1]], unitCount: 2, lag: 1)
        #expect(t.transitionalProbability(given: 1, target: 0) == nil)
        #expect(t.adjustedResidual(given: 0, target: 1) == nil)
        #expect(t.adjustedResidual(given: 1, target: 1) == nil)
        #expect(t.yulesQ(given: 0, target: 1) == nil)
        #expect(t.transitionalProbability(given: 0, target: 1) == 1)
        // No transitions at all: nothing is defined.
        let empty = TransitionTable(sequences: [[0]], unitCount: 2, lag: 1)
        #expect(empty.expected(given: 0, target: 0) == nil && empty.adjustedResidual(given: 0, target: 0) == nil)
        let cells = TransitionCell.cells(of: t, units: ["A", "B"], permutation: nil)
        #expect(cells.allSatisfy { [$0.expected, $0.adjustedResidual, $0.yulesQ, $0.transitionalProbability].allSatisfy { $0 == nil || $0!.isFinite } })
    }

    @Test func reportCountsCategoriesOrCodesPerSession() throws {
        // Codes A, B, N are all in the category 'neutral'; W is a withdrawal marker.
        let coded = try codedSessions("""
        patient,session,segment,actor,code
        P1,1,1,patient,A
        P1,1,2,patient,B
        P1,1,3,patient,W
        P1,2,1,patient,B
        P1,2,2,patient,A
        """)
        let byCode = SequenceReport(coded: coded, unit: .code, lag: 1, permutations: 0, seed: 1, model: nil)
        // Units that occur, in codebook order: W, A, B (codebook order W, ..., N, A, B).
        #expect(byCode.units == ["W", "A", "B"])
        // Session 1: A→B, B→W; session 2: B→A.
        #expect(byCode.pooled.counts == [[0, 0, 0], [0, 0, 1], [1, 1, 0]])
        #expect(byCode.bySession.map(\.total) == [2, 1])
        #expect(byCode.permutation == nil && byCode.cells.allSatisfy { $0.pValue == nil })
        let byCategory = SequenceReport(coded: coded, unit: .category, lag: 1, permutations: 0, seed: 1, model: nil)
        #expect(byCategory.units == ["withdrawal", "neutral"])
        #expect(byCategory.unitKinds == [.withdrawal, .other])
        // neutral→neutral twice (A→B, B→A), neutral→withdrawal once.
        #expect(byCategory.pooled.counts == [[0, 0], [1, 2]])
    }
}
