import Testing
import SessionData
@testable import Ruptures

/// The SD-based presets, Gumz's multi-session declines, and the level references.
@Suite struct PresetTests {
    // A: 5, 5, 5, 2, 5, 5. Mean 4.5; deviations .5 x 5 and -2.5; SS = 1.25 + 6.25 = 7.5;
    //    SD = sqrt(7.5 / 5) = 1.2247. Drop at s4 = 3 >= 2 SD = 2.449 -> rupture (Stiles and
    //    Strauss), repaired at s5 (5 >= 5). s5 is a rise; no other drop.
    // B: 5, 5, 5, 5, 2. Mean 4.4; SS = 4 x .36 + 5.76 = 7.2; SD = sqrt(7.2 / 4) = 1.3416;
    //    2 SD = 2.683 <= 3, but s5 is the last session, which Stiles/Strauss do not judge.
    //    Under `drop` the same s5 is a rupture in the last session, unrepaired.
    // C: 5, 3: two ratings, too short for a within-person SD (three needed).
    static let csv = """
    patient,session,alliance_patient
    A,1,5
    A,2,5
    A,3,5
    A,4,2
    A,5,5
    A,6,5
    B,1,5
    B,2,5
    B,3,5
    B,4,5
    B,5,2
    C,1,5
    C,2,3
    """

    @Test func stilesAndStrauss() throws {
        let data = try panel(Self.csv)
        for criterion in [RuptureCriterion.stiles, .strauss] {
            let r = try detect(criterion, in: data)
            #expect(spans(r, "A") == [[4, 4, 5]], "\(criterion.name)")
            #expect(spans(r, "B").isEmpty, "\(criterion.name)")
            #expect(indicators(r.ruptureIndicator, of: "A", in: data) == [nil, 0, 0, 1, 0, nil])
            #expect(indicators(r.ruptureIndicator, of: "B", in: data) == [nil, 0, 0, 0, nil])
            #expect(r.classes == [.repair, .noRupture, nil], "\(criterion.name)")
            #expect(r.commonThreshold == nil)
        }
        #expect(spans(try detect(.drop, in: data), "B") == [[5, 5, nil]])
        #expect(try detect(.drop, in: data).classes[2] == .rupture) // C: 5 -> 3 under drop
    }

    @Test func withinPersonThresholdDecidesBetweenOneAndTwoSD() throws {
        // D: 5, 4, 5, 4, 5, 3.5, 5 at sessions 1-7. Mean 31.5/7 = 4.5; deviations .5, -.5, .5,
        //    -.5, .5, -1, .5; SS = 6 x .25 + 1 = 2.5; SD = sqrt(2.5 / 6) = 0.6455.
        //    1 SD = 0.6455: drops at s2 (1), s4 (1), s6 (1.5) are ruptures under Strauss, each
        //    repaired at the next session (5 >= 5).
        //    2 SD = 1.291: only s6 (1.5) under Stiles.
        let csv = "patient,session,alliance_patient\n" + zip(1..., [5, 4, 5, 4, 5, 3.5, 5]).map { "D,\($0),\($1)" }.joined(separator: "\n")
        let data = try panel(csv)
        #expect(spans(try detect(.strauss, in: data), "D") == [[2, 2, 3], [4, 4, 5], [6, 6, 7]])
        #expect(spans(try detect(.stiles, in: data), "D") == [[6, 6, 7]])
    }

    // G: 6, 5.5, 5, 4.8, 6: a decline over three sessions, no single drop of 1 point.
    //    Within SD (R: sd(c(6, 5.5, 5, 4.8, 6))) = 0.554977477.
    // H: 4, 4, 4, 4, 4: flat. Patient means 5.46 and 4: between-person SD = |5.46 - 4| / sqrt(2)
    //    = 1.032375901. G's threshold: 1 x max(0.555, 1.032) = 1.032.
    //    Run from the peak s1 (6) down to s4 (4.8): decline 1.2 >= 1.032 -> one episode, onset s2,
    //    trough s4, length 3, magnitude 1.2, repaired at s5 (6 >= 6).
    static let declining = """
    patient,session,alliance_patient
    G,1,6
    G,2,5.5
    G,3,5
    G,4,4.8
    G,5,6
    H,1,4
    H,2,4
    H,3,4
    H,4,4
    H,5,4
    """

    @Test func gumzMultiSessionDecline() throws {
        let data = try panel(Self.declining)
        let r = try detect(.gumz, in: data)
        #expect(abs(r.betweenPersonSD! - 1.032375901) < 1e-9)
        #expect(spans(r, "G") == [[2, 4, 5]])
        let e = r.episodes[0]
        #expect(e.length == 3 && abs(e.magnitude - 1.2) < 1e-12 && e.preRuptureLevel == 6)
        #expect(indicators(r.ruptureIndicator, of: "G", in: data) == [nil, 1, 0, 0, 0])
        #expect(spans(r, "H").isEmpty)
        // The single-session drop criterion sees no rupture in G (largest drop 0.5).
        #expect(spans(try detect(.drop, in: data), "G").isEmpty)
        // With k = 2 the threshold is 2.065 > 1.2: no episode.
        var strict = RuptureCriterion.gumz
        strict.threshold = strict.threshold.with(amount: 2)
        #expect(try detect(strict, in: data).episodes.isEmpty)
    }

    @Test func gumzPlateauAndTwoEpisodes() throws {
        // K: 6, 5, 5, 4, 6, 5.5, 4.5, 4.5: runs s1->s4 (6 to 4, with a plateau: non-increasing) and
        //    s5->s8 (6 to 4.5). Threshold in points (1) to make it hand-checkable.
        //    Episode 1: onset s2, trough s4 (4), repaired s5 (6 >= 6).
        //    Episode 2: onset s6, trough s7 (first 4.5), unrepaired.
        let csv = "patient,session,alliance_patient\n" + zip(1..., [6, 5, 5, 4, 6, 5.5, 4.5, 4.5]).map { "K,\($0),\($1)" }.joined(separator: "\n")
        var c = RuptureCriterion.gumz
        c.threshold = .points(1)
        let r = try detect(c, in: try panel(csv))
        #expect(spans(r, "K") == [[2, 4, 5], [6, 7, nil]])
        #expect(r.episodes.map(\.length) == [3, 2])
    }

    @Test func levelReferences() throws {
        // Person mean: M: 5, 5, 2, 2, 5. Mean 3.8; s3 and s4 are 1.8 below (>= 1): one episode
        //   starting at s3, trough s3 (first of the tied 2s), repaired at s5 (5 >= 3.8).
        var mean = RuptureCriterion(threshold: .points(1))
        mean.reference = .personMean
        let m = try panel("patient,session,alliance_patient\nM,1,5\nM,2,5\nM,3,2\nM,4,2\nM,5,5\n")
        let rm = try detect(mean, in: m)
        #expect(spans(rm, "M") == [[3, 3, 5]])
        #expect(abs(rm.episodes[0].magnitude - 1.8) < 1e-12)
        #expect(indicators(rm.ruptureIndicator, of: "M", in: m) == [0, 0, 1, 0, 0])

        // Earlier mean: E: 4, 6, 5, 3. Means of earlier sessions: -, 4, 5, 5. s4: 5 - 3 = 2 -> a
        //   rupture in the last session, level 5, unrepaired. s1 has no earlier session.
        var earlier = RuptureCriterion(threshold: .points(1))
        earlier.reference = .earlierMean
        let e = try panel("patient,session,alliance_patient\nE,1,4\nE,2,6\nE,3,5\nE,4,3\n")
        let re = try detect(earlier, in: e)
        #expect(spans(re, "E") == [[4, 4, nil]])
        #expect(re.episodes[0].preRuptureLevel == 5)
        #expect(indicators(re.ruptureIndicator, of: "E", in: e) == [nil, 0, 0, 1])

        // Trend: T: 2, 3, 4, 2, 6 at sessions 1-5. Line: t̄ = 3, ȳ = 3.4, Σ dt dy = 7, Σ dt² = 10,
        //   slope 0.7, intercept 1.3; fitted 2.0, 2.7, 3.4, 4.1, 4.8. s4 is 4.1 - 2 = 2.1 below
        //   -> rupture, magnitude 2.1; s5: 6 >= 4.8 -> repaired.
        var trend = RuptureCriterion(threshold: .points(1))
        trend.reference = .personTrend
        let t = try panel("patient,session,alliance_patient\nT,1,2\nT,2,3\nT,3,4\nT,4,2\nT,5,6\n")
        let rt = try detect(trend, in: t)
        #expect(spans(rt, "T") == [[4, 4, 5]])
        #expect(abs(rt.episodes[0].magnitude - 2.1) < 1e-12)
        #expect(abs(rt.episodes[0].preRuptureLevel - 4.1) < 1e-12)
    }

    @Test func reliableChangeIndex() throws {
        // Reliability .9, reference SD 1: RCI = 1.96 x sqrt(2) x 1 x sqrt(.1) = 0.8765386 (R).
        // R1: 6, 5.1, 5.2, 6: drop 0.9 >= 0.877 -> rupture at s2, repaired at s4 (6 >= 6).
        // R2: 6, 5.2, 6: drop 0.8 < 0.877 -> none; at z = 1.645 the RCI is
        //     1.645 x sqrt(2) x sqrt(.1) = 0.7357 and 0.8 is a rupture, repaired at s3.
        let csv = "patient,session,alliance_patient\nR1,1,6\nR1,2,5.1\nR1,3,5.2\nR1,4,6\nR2,1,6\nR2,2,5.2\nR2,3,6\n"
        let data = try panel(csv, scales: ["alliance_patient": RatingScale(minimum: 1, maximum: 7, reliability: 0.9, referenceSD: 1)])
        let r = try detect(.rci, in: data)
        #expect(abs(r.commonThreshold! - 0.8765386472) < 1e-9 && r.referenceSD == 1)
        #expect(spans(r, "R1") == [[2, 2, 4]] && spans(r, "R2").isEmpty)
        var rci90 = RuptureCriterion.rci
        rci90.threshold = rci90.threshold.with(amount: 1.645)
        #expect(spans(try detect(rci90, in: data), "R2") == [[2, 2, 3]])

        // Without a reference SD the RCI uses the SD of the patients' first observed ratings:
        // 6 and 4 -> SD sqrt(2); RCI = 1.96 x sqrt(2) x sqrt(2) x sqrt(.1) = 1.2396. Drops of
        // 1.2 (S1) do not reach it; 1.3 (S2) does.
        let baseline = try panel("patient,session,alliance_patient\nS1,1,6\nS1,2,4.8\nS2,1,4\nS2,2,2.7\n",
                                 scales: ["alliance_patient": RatingScale(reliability: 0.9)])
        let b = try detect(.rci, in: baseline)
        #expect(abs(b.referenceSD! - 2.0.squareRoot()) < 1e-12)
        #expect(abs(b.commonThreshold! - 1.96 * 2 * 0.1.squareRoot()) < 1e-12)
        #expect(spans(b, "S1").isEmpty && spans(b, "S2") == [[2, 2, nil]])
    }

    @Test func ceilingShareNeedsAScale() throws {
        // Scale 1-7. U: 7, 7, 7, 7 (never a rupture: nothing falls); V: 7, 6, 7.
        // Ceiling: 6 of 7 observed ratings at 7.
        let data = try panel("patient,session,alliance_patient\nU,1,7\nU,2,7\nU,3,7\nU,4,7\nV,1,7\nV,2,6\nV,3,7\n",
                             scales: ["alliance_patient": RatingScale(minimum: 1, maximum: 7)])
        let s = try RaterSummary(result: try detect(.drop, in: data), panel: data)
        #expect(abs(s.ceilingShare! - 6.0 / 7) < 1e-12)
        #expect(s.patientsWithRupture == 1 && s.repairs == 1)
    }

    @Test func invalidCombinationsAreRejected() {
        var c = RuptureCriterion.gumz
        c.reference = .personMean
        #expect(throws: (any Error).self) { try RuptureDetector(criterion: c) }
        var w = RuptureCriterion.drop
        w.window = 0
        #expect(throws: (any Error).self) { try RuptureDetector(criterion: w) }
        var t = RuptureCriterion.drop
        t.threshold = .points(0)
        #expect(throws: (any Error).self) { try RuptureDetector(criterion: t) }
    }
}
