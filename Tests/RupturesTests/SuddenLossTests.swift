import Testing
import SessionData
@testable import Ruptures

/// `sudden-loss`: the mirror of suddengains' `identify_sg` criteria on a higher-is-better scale.
@Suite struct SuddenLossTests {
    // Scale reliability .9 and reference SD 1: RCI = 1.96 x sqrt(2) x 1 x sqrt(.1) = 0.8765386
    // (R: 1.96 * sqrt(2) * sqrt(.1)).
    static let scale = RatingScale(minimum: 1, maximum: 7, reliability: 0.9, referenceSD: 1)

    // S: 6, 6, 6, 4, 4, 4, 6 at sessions 1-7.
    //   s4: crit 1: 6 - 4 = 2 >= 0.877; crit 2: 2 >= .25 x 6 = 1.5; crit 3: before (s1-s3) mean 6,
    //       SD 0; after (s4-s6) mean 4, SD 0; pooled SD 0; 6 - 4 > 2.776 x 0 -> sudden loss.
    //       Repaired at s7 (6 >= 6).
    //   Judgeable sessions: both sides of the stability test need two ratings: s3 (before s1-s2),
    //   s4, s5, s6 (after s6-s7). s1, s2, s7 are missing (not judged), as suddengains gives NA.
    // N: 5, 7, 5, 3, 5, 7: s4 has a drop of 2 (crit 1 and 2 hold) but before = 5, 7, 5
    //   (mean 5.667, variance 1.333) and after = 3, 5, 7 (mean 5, variance 4): pooled SD
    //   sqrt((2 x 1.333 + 2 x 4) / 4) = 1.633; 0.667 < 2.776 x 1.633 = 4.53 -> no sudden loss.
    //   s3 (7 -> 5) also passes crit 1 and 2, but before = 5, 7 (mean 6, variance 2), after
    //   = 5, 3, 5 (mean 4.333, variance 1.333): pooled sqrt((2 + 2 x 1.333) / 3) = 1.247, df 3,
    //   1.667 < 3.182 x 1.247 = 3.97 -> no sudden loss either.
    //   (`drop` flags both: s3 from level 7, trough s4, repaired at s6 (7); s4 from 5, repaired at s5.)
    // L: 6, -, 6, 4, 4, 4 (session 2 missing). s4: before = s1, s3 (two ratings: df = 3,
    //   t = 3.182), SD 0; after s4-s6 mean 4, SD 0: 2 > 0 -> sudden loss; never repaired.
    static let csv = """
    patient,session,alliance_patient
    S,1,6
    S,2,6
    S,3,6
    S,4,4
    S,5,4
    S,6,4
    S,7,6
    N,1,5
    N,2,7
    N,3,5
    N,4,3
    N,5,5
    N,6,7
    L,1,6
    L,3,6
    L,4,4
    L,5,4
    L,6,4
    """

    @Test func threeCriteria() throws {
        let data = try panel(Self.csv, scales: ["alliance_patient": Self.scale])
        let r = try detect(.suddenLoss, in: data)
        #expect(abs(r.commonThreshold! - 1.96 * 2.0.squareRoot() * 0.1.squareRoot()) < 1e-12)
        #expect(spans(r, "S") == [[4, 4, 7]])
        #expect(indicators(r.ruptureIndicator, of: "S", in: data) == [nil, nil, 0, 1, 0, 0, nil])
        #expect(spans(r, "N").isEmpty)
        #expect(spans(try detect(.drop, in: data), "N") == [[3, 4, 6], [4, 4, 5]])
        #expect(spans(r, "L") == [[4, 4, nil]])
    }

    @Test func relativeDropCriterion() throws {
        // R: 7, 7, 7, 6.1, 6.1, 6.1 with RCI 0.877: drop 0.9 passes crit 1 and crit 3, but
        //    0.9 < .25 x 7 = 1.75 fails crit 2.
        let csv = "patient,session,alliance_patient\n" + zip(1..., [7, 7, 7, 6.1, 6.1, 6.1]).map { "R,\($0),\($1)" }.joined(separator: "\n")
        let data = try panel(csv, scales: ["alliance_patient": Self.scale])
        #expect(try detect(.suddenLoss, in: data).episodes.isEmpty)
        var without = RuptureCriterion.suddenLoss
        without.relativeDrop = nil
        #expect(spans(try detect(without, in: data), "R") == [[4, 4, nil]])
    }

    @Test func criticalValuesAreSuddengainsQt() throws {
        // R: qt(0.975, 2:4) = 4.302652730 3.182446305 2.776445105.
        let d = try SeriesDetector(criterion: .suddenLoss)
        // Before 6, 6.5 (mean 6.25, variance .125); after 4, 4.5, 5 (mean 4.5, variance .25);
        // df 3; pooled SD sqrt((.125 + 2 x .25) / 3) = 0.456435. 1.75 > 3.182446 x 0.456435 = 1.4526.
        #expect(d.isSignificantDecline(before: [6, 6.5], after: [4, 4.5, 5]))
        // Same means, before 5.5, 7 (variance 1.125): pooled sqrt((1.125 + .5) / 3) = 0.7360;
        // 3.182446 x 0.7360 = 2.342 > 1.75: not significant.
        #expect(!d.isSignificantDecline(before: [5.5, 7], after: [4, 4.5, 5]))
        // Two on each side, df 2: before 6, 6.2 (var .02), after 4, 4.2 (var .02): pooled 0.1414;
        // 4.302653 x 0.1414 = 0.6085 < 2.
        #expect(d.isSignificantDecline(before: [6, 6.2], after: [4, 4.2]))
        // ... and 0.6 apart (6, 6.2 vs 5.4, 5.6) is below 0.6085: not significant, while with
        // df 4 (2.776 x pooled) it would have been: the missing-data adjustment matters.
        #expect(!d.isSignificantDecline(before: [6, 6.2], after: [5.4, 5.6]))
    }

    @Test func needsReliability() throws {
        let data = try panel(Self.csv)
        #expect(throws: (any Error).self) { try detect(.rci, in: data) }
        #expect(throws: (any Error).self) { try detect(.suddenLoss, in: data) }
    }
}
