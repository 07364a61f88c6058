import Testing
import SessionData
@testable import Ruptures

/// The `drop` criterion with the exact semantics: a rupture at session t is
/// A(t-1) - A(t) >= 1 between consecutive observed sessions, repaired at the first later session
/// whose rating is at least A(t-1).
@Suite struct DropCriterionTests {
    // P1: 6, 5, 5.5, 6, 4.5, 4 at sessions 1-6.
    //   s2: 6 - 5 = 1 >= 1 (a tie at the threshold counts) -> rupture, level 6; s3 5.5 < 6;
    //       s4 6 >= 6 -> repaired at 4. Trough: lowest of s2..s3 = s2 (5). Magnitude 1, length 1.
    //   s5: 6 - 4.5 = 1.5 -> rupture, level 6; s6 = 4 < 6, end: unrepaired. Trough s6 (4),
    //       magnitude 6 - 4 = 2, length 6 - 5 + 1 = 2.
    //   s6: 4.5 - 4 = 0.5 -> no rupture.  Class: Rupture (one episode unrepaired).
    // P2: sessions 1, 2, 4, 5, 6 (session 3 has no row): 6, 6, 4, 4, 3.
    //   s4 has no session 3 before it: a gap, not judged (the 6 -> 4 is never compared).
    //   s6: 4 - 3 = 1 -> rupture in the last session, unrepaired (trough s6, magnitude 1).
    // P3: 5, NA, 3, 5: s2 missing; s3 cannot be compared (s2 missing); s4 is a rise. No rupture.
    // P4: one session only: too short to judge (a comparison needs two ratings).
    // P5: 5.3, 4.3, 5.3: 5.3 - 4.3 is 0.9999999999999996 in binary, still a drop of 1 point;
    //   repaired at s3 (5.3 >= 5.3). Class: Repair.
    static let csv = """
    patient,session,alliance_patient
    P1,1,6
    P1,2,5
    P1,3,5.5
    P1,4,6
    P1,5,4.5
    P1,6,4
    P2,1,6
    P2,2,6
    P2,4,4
    P2,5,4
    P2,6,3
    P3,1,5
    P3,2,NA
    P3,3,3
    P3,4,5
    P4,1,5
    P5,1,5.3
    P5,2,4.3
    P5,3,5.3
    """

    @Test func episodesIndicatorsAndClasses() throws {
        let data = try panel(Self.csv)
        let r = try detect(.drop, in: data)
        #expect(spans(r, "P1") == [[2, 2, 4], [5, 6, nil]])
        #expect(spans(r, "P2") == [[6, 6, nil]])
        #expect(spans(r, "P3").isEmpty)
        #expect(spans(r, "P5") == [[2, 2, 3]])
        let p1 = r.episodes.filter { $0.patient == "P1" }
        #expect(p1.map(\.magnitude) == [1, 2])
        #expect(p1.map(\.length) == [1, 2])
        #expect(p1.map(\.preRuptureLevel) == [6, 6])
        #expect(p1.map(\.troughRating) == [5, 4])
        #expect(indicators(r.ruptureIndicator, of: "P1", in: data) == [nil, 1, 0, 0, 1, 0])
        #expect(indicators(r.repairIndicator, of: "P1", in: data) == [0, 0, 0, 1, 0, 0])
        #expect(indicators(r.ruptureIndicator, of: "P2", in: data) == [nil, 0, nil, 0, 1])
        #expect(indicators(r.ruptureIndicator, of: "P3", in: data) == [nil, nil, nil, 0])
        #expect(indicators(r.repairIndicator, of: "P3", in: data) == [0, nil, 0, 0])
        #expect(indicators(r.ruptureIndicator, of: "P4", in: data) == [nil])
        #expect(indicators(r.repairIndicator, of: "P4", in: data) == [nil])
        #expect(r.classes == [.rupture, .rupture, .noRupture, nil, .repair])
        let p5 = r.episodes.first { $0.patient == "P5" }!
        #expect(abs(p5.magnitude - 1) < 1e-12)
    }

    @Test func summaryCountsAndInterval() throws {
        let data = try panel(Self.csv)
        let s = try RaterSummary(result: try detect(.drop, in: data), panel: data)
        // Judged: P1, P2, P3, P5 (P4 too short). With a rupture: P1, P2, P5.
        #expect(s.patients == 4 && s.patientsNotJudged == 1)
        #expect(s.patientsWithRupture == 3)
        #expect(s.prevalence == 0.75)
        // Wilson 95% for 3/4; R: prop.test(3, 4, correct = FALSE)$conf.int = 0.3006418426 0.9544127392.
        #expect(abs(s.prevalenceCI!.lower - 0.3006418426) < 1e-9)
        #expect(abs(s.prevalenceCI!.upper - 0.9544127392) < 1e-9)
        // Ruptures: P1 2, P2 1, P5 1 = 4; repaired: P1's first and P5's = 2.
        #expect(s.ruptures == 4 && s.repairs == 2 && s.repairedShare == 0.5)
        #expect(s.patientsWithRepair == 2)
        // Per judged patient: 2, 1, 0, 1 -> mean 1, SD sqrt((1 + 0 + 1 + 0) / 3), median 1, range 0-2.
        #expect(s.rupturesPerPatient.mean == 1)
        #expect(abs(s.rupturesPerPatient.standardDeviation! - (2.0 / 3).squareRoot()) < 1e-12)
        #expect(s.rupturesPerPatient.median == 1 && s.rupturesPerPatient.minimum == 0 && s.rupturesPerPatient.maximum == 2)
        // First ruptures at sessions 2 (P1), 6 (P2), 2 (P5).
        #expect(abs(s.firstRuptureSession.mean! - 10.0 / 3) < 1e-12)
        #expect(s.classes == [.repair: 1, .rupture: 2, .noRupture: 1])
        #expect(s.ceilingShare == nil) // no scale given
        #expect(s.thresholdPoints == 1)
    }

    @Test func bridgingGapsComparesWithTheLastObservedSession() throws {
        // P2 with gaps bridged: s4 is compared with s2: 6 - 4 = 2 -> rupture, level 6; s5 4, s6 3
        //   (also its own rupture, 4 - 3 = 1); nothing regains 6: unrepaired, trough s6 (3),
        //   magnitude 3, length 6 - 4 + 1 = 3.
        // P3: s3 compared with s1: 5 - 3 = 2 -> rupture, repaired at s4 (5 >= 5).
        var c = RuptureCriterion.drop
        c.gaps = .bridgeGap
        let data = try panel(Self.csv)
        let r = try detect(c, in: data)
        #expect(spans(r, "P2") == [[4, 6, nil], [6, 6, nil]])
        #expect(r.episodes.first { $0.patient == "P2" }!.magnitude == 3)
        #expect(r.episodes.first { $0.patient == "P2" }!.length == 3)
        #expect(spans(r, "P3") == [[3, 3, 4]])
    }

    // Q: 6, 4, 4.5, 5.2, 6 at sessions 1-5; threshold 1; rupture at s2 (level 6, drop 2).
    static let rising = "patient,session,alliance_patient\nQ,1,6\nQ,2,4\nQ,3,4.5\nQ,4,5.2\nQ,5,6\n"

    @Test func repairRules() throws {
        let data = try panel(Self.rising)
        // Return: the first rating >= 6 is s5.
        #expect(spans(try detect(.drop, in: data), "Q") == [[2, 2, 5]])
        // Rise: the first rating at least 1 above the lowest since onset (4): s4, 5.2 - 4 = 1.2.
        var rise = RuptureCriterion.drop
        rise.repair = .rise
        #expect(spans(try detect(rise, in: data), "Q") == [[2, 2, 4]])
        // Return with tolerance 0.8: 5.2 >= 6 - 0.8 -> s4.
        var tolerant = RuptureCriterion.drop
        tolerant.repair = .returnToLevel(tolerance: 0.8)
        #expect(spans(try detect(tolerant, in: data), "Q") == [[2, 2, 4]])
        // Window of 2 sessions: repair must come by session 2 + 2 = 4; s5 is too late.
        var window2 = RuptureCriterion.drop
        window2.window = 2
        let w2 = try detect(window2, in: data)
        #expect(spans(w2, "Q") == [[2, 2, nil]])
        #expect(indicators(w2.repairIndicator, of: "Q", in: data) == [0, 0, 0, 0, 0])
        var window3 = window2
        window3.window = 3
        #expect(spans(try detect(window3, in: data), "Q") == [[2, 2, 5]])
    }

    @Test func thresholdOverride() throws {
        // With a threshold of 1.5 points, P1's s2 (drop 1) is no longer a rupture; s5 (1.5) is.
        var c = RuptureCriterion.drop
        c.threshold = c.threshold.with(amount: 1.5)
        let r = try detect(c, in: try panel(Self.csv))
        #expect(spans(r, "P1") == [[5, 6, nil]])
    }

    @Test func lowerIsBetterScalesAreReversed() throws {
        // A distress-like scale (lower is better): 10 -> 12 is a change for the worse by 2.
        let csv = "patient,session,alliance_patient\nD,1,10\nD,2,12\nD,3,9\n"
        let data = try panel(csv, scales: ["alliance_patient": RatingScale(minimum: 0, maximum: 40, higherIsBetter: false)])
        let r = try detect(.drop, in: data)
        #expect(spans(r, "D") == [[2, 2, 3]])
        #expect(r.episodes[0].preRuptureLevel == 10 && r.episodes[0].troughRating == 12 && r.episodes[0].magnitude == 2)
    }
}
