import Testing
@testable import Ruptures

/// Episodes, therapist moves by resolution, the stage model and the session aggregates on hand-
/// coded sessions.
@Suite struct EpisodeTests {
    // Codebook: W, C markers; AT (attending), EX (exploring), F facilitating moves; H hindering;
    // R resolution; N, A, B neutral. Model: [W|C, attending, exploring, resolution].
    static let events = """
    patient,session,segment,actor,code
    P1,1,1,patient,W
    P1,1,2,therapist,F
    P1,1,3,patient,W
    P1,1,4,therapist,H
    P1,1,5,patient,R
    P1,1,6,therapist,F
    P1,1,7,patient,C
    P1,1,8,therapist,H
    P1,1,9,therapist,H
    P1,2,1,therapist,AT
    P1,2,2,patient,R
    P1,2,3,patient,N
    P2,1,1,patient,W
    P2,1,2,therapist,EX
    P2,1,3,therapist,AT
    P2,1,4,patient,R
    P2,1,5,patient,C
    P2,1,6,therapist,AT
    P2,1,7,therapist,EX
    P2,1,8,patient,R
    P2,1,9,patient,W
    P2,1,10,therapist,AT
    """

    func report() throws -> SequenceReport {
        let coded = try codedSessions(Self.events)
        return SequenceReport(coded: coded, unit: .category, lag: 1, permutations: 0, seed: 1, model: coded.codebook.model)
    }

    @Test func episodesFromMarkerToResolutionOrSessionEnd() throws {
        let r = try report()
        // P1 session 1: W opens (event 0); the second W (2) joins it; R (4) resolves it:
        // 5 events, 2 markers, therapist moves F, H. F (5) lies between episodes. C (6) opens the
        // second, which runs to the session's end (8) unresolved: 3 events, moves H, H.
        // P1 session 2: R closes nothing (no open episode): no episode.
        // P2 session 1: W..R (0-3) resolved; C..R (4-7) resolved; W, AT (8-9) unresolved.
        #expect(r.episodes.count == 5)
        let e = r.episodes
        #expect(e.map(\.session) == [0, 0, 2, 2, 2])
        #expect(e.map(\.number) == [1, 2, 1, 2, 3])
        #expect(e.map(\.first) == [0, 6, 0, 4, 8] && e.map(\.last) == [4, 8, 3, 7, 9])
        #expect(e.map(\.resolved) == [true, false, true, true, false])
        #expect(e.map(\.length) == [5, 3, 4, 4, 2])
        #expect(e.map(\.segments) == [5, 3, 4, 4, 2] && e.allSatisfy { $0.seconds == nil })
        #expect(e.map(\.markers) == [2, 1, 1, 1, 1])
        #expect(e.map(\.markerKind) == [.withdrawal, .confrontation, .withdrawal, .confrontation, .withdrawal])
        let book = r.coded.codebook
        #expect(e[0].therapistMoves.map { book.codes[$0].name } == ["F", "H"])
        #expect(e[1].therapistMoves.map { book.codes[$0].name } == ["H", "H"])
        #expect(e[2].therapistMoves.map { book.codes[$0].name } == ["EX", "AT"])
        // AT and EX are in categories of kind facilitating.
        #expect(e.map(\.facilitating) == [1, 0, 2, 2, 1] && e.map(\.hindering) == [1, 2, 0, 0, 0])
    }

    @Test func movesByResolutionWithFishersTest() throws {
        let m = try report().moves
        // Resolved episodes (1, 3, 4): facilitating 1 + 2 + 2 = 5, hindering 1 + 0 + 0 = 1.
        // Unresolved (2, 5): facilitating 0 + 1 = 1, hindering 2 + 0 = 2.
        #expect(m.resolvedEpisodes == 3 && m.unresolvedEpisodes == 2)
        #expect([m.facilitatingInResolved, m.hinderingInResolved, m.facilitatingInUnresolved, m.hinderingInUnresolved] == [5, 1, 1, 2])
        #expect(abs(m.facilitatingShareResolved! - 5.0 / 6) < 1e-12 && abs(m.facilitatingShareUnresolved! - 1.0 / 3) < 1e-12)
        // By hand: margins 6, 3 (rows) and 6, 3 (columns), N = 9; a ~ hypergeometric, support
        // 3..6 with P = 20, 45, 18, 1 (/84). Observed a = 5 (18/84): p = (18 + 1)/84 = 0.2261905.
        // R: fisher.test(matrix(c(5, 1, 1, 2), 2))$p.value = 0.226190476190476.
        #expect(abs(m.test.pValue! - 0.226190476190476) < 1e-12)
    }

    @Test(arguments: [
        // R 4.2: fisher.test(matrix(c(a, c, b, d), 2))$p.value, printed with options(digits = 15).
        (12, 2, 3, 6, 0.0227609246319705),
        (3, 1, 1, 3, 0.485714285714286),   // symmetric: two tables as probable as the observed
        (7, 1, 2, 9, 0.00547749464158),
        (120, 95, 80, 130, 0.000315161668667986),
        (0, 0, 5, 7, 1.0),                 // a zero margin: one possible table
    ])
    func fisherExactTestAgreesWithR(a: Int, b: Int, c: Int, d: Int, r: Double) {
        let p = FisherExactTest(a: a, b: b, c: c, d: d).pValue!
        #expect(abs(p - r) <= 1e-10 * r, "\([a, b, c, d])")
    }

    @Test func fisherOnAnEmptyTableIsUndefined() {
        #expect(FisherExactTest(a: 0, b: 0, c: 0, d: 0).pValue == nil)
    }

    @Test func stageModelOrderAndDeviations() throws {
        let r = try report()
        let fit = try #require(r.stageFit)
        // Stages: 0 = W|C, 1 = attending, 2 = exploring, 3 = resolution; F and H are in no stage.
        // Episode 1 (P1 s1): W F W H R -> 0 0 3: in order, misses 1 and 2.
        // Episode 2 (P1 s1): C H H -> 0: in order, misses 1, 2, 3.
        // Episode 3 (P2 s1): W EX AT R -> 0 2 1 3: attending after exploring, first step back at
        //   event 2 (AT, stage 1) after stage 2; complete.
        // Episode 4 (P2 s1): C AT EX R -> 0 1 2 3: in order and complete.
        // Episode 5 (P2 s1): W AT -> 0 1: in order, misses 2 and 3.
        let s = fit.sequences
        #expect(s.map(\.stages) == [[0, 0, 3], [0], [0, 2, 1, 3], [0, 1, 2, 3], [0, 1]])
        #expect(s.map(\.inOrder) == [true, true, false, true, true])
        #expect(s[2].deviation == StageSequence.Deviation(event: 2, stage: 1, after: 2))
        #expect(s.map(\.missing) == [[1, 2], [1, 2, 3], [], [], [2, 3]])
        // Shares: all 5 episodes, 4 in order, 2 complete (3, 4), 1 both (4).
        func counts(_ s: StageModelFit.Share) -> [Int] { [s.episodes, s.inOrder, s.complete, s.inOrderAndComplete] }
        #expect(counts(fit.all) == [5, 4, 2, 1])
        // Resolved (1, 3, 4): in order 1 and 4; complete 3 and 4; both 4.
        #expect(counts(fit.resolved) == [3, 2, 2, 1])
        #expect(counts(fit.unresolved) == [2, 2, 0, 0])
        // Per stage: episodes with it (resolved, unresolved), first deviations to it.
        #expect(fit.stageCounts == [
            .init(episodes: 5, resolved: 3, unresolved: 2, deviationsTo: 0),
            .init(episodes: 3, resolved: 2, unresolved: 1, deviationsTo: 1),
            .init(episodes: 2, resolved: 2, unresolved: 0, deviationsTo: 0),
            .init(episodes: 3, resolved: 3, unresolved: 0, deviationsTo: 0),
        ])
    }

    @Test func sessionAggregatesInTheLongFormat() throws {
        let r = try report()
        // P1 s1: 9 events; W W C markers; 2 episodes, 1 resolved; F F facilitating, H H H
        // hindering; a resolution; rupture and repair. P1 s2: AT R N; no marker, so no episode;
        // the R is seen but repairs nothing here. P2 s1: 10 events, W C W; 3 episodes, 2 resolved;
        // EX AT AT EX AT facilitating.
        #expect(ObserverSessionSummary.variableNames == [
            "events", "markers_withdrawal", "markers_confrontation", "markers", "episodes", "episodes_resolved",
            "moves_facilitating", "moves_hindering", "resolution_seen", "rupture_observer", "repair_observer"])
        #expect(r.sessions.map(\.values) == [
            [9, 2, 1, 3, 2, 1, 2, 3, 1, 1, 1],
            [3, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0],
            [10, 2, 1, 3, 3, 2, 5, 0, 1, 1, 1],
        ])
        let file = try ObserverSessionSummary.longFormat(r.sessions, coded: r.coded)
        #expect(file.table.names.prefix(2) == ["patient", "session"])
        #expect(file.table["patient"] == .categorical(codes: [0, 0, 1], labels: ["P1", "P2"]))
        #expect(file.table["session"] == .numeric([1, 2, 1]))
        #expect(file.table["rupture_observer"] == .numeric([1, 0, 1]))
        #expect(file.table["repair_observer"] == .numeric([1, 0, 1]))
    }

    @Test func numericPatientIdentifiersStayNumbers() throws {
        let coded = try codedSessions("""
        patient,session,onset,actor,code
        101,3,0:05,patient,W
        101,3,1:10.5,patient,R
        """)
        let r = SequenceReport(coded: coded, unit: .code, lag: 1, permutations: 0, seed: 1, model: nil)
        let file = try ObserverSessionSummary.longFormat(r.sessions, coded: coded)
        #expect(file.table["patient"] == .numeric([101]))
        // Onsets 0:05 = 5 s and 1:10.5 = 70.5 s: the episode lasts 65.5 s.
        #expect(r.episodes.first?.seconds == 65.5 && r.episodes.first?.segments == nil)
    }
}
