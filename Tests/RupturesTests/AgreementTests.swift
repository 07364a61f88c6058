import Testing
import SessionData
@testable import Ruptures

@Suite struct AgreementTests {
    @Test func cohensKappaByHand() {
        // a = 2, b = 1, c = 3, d = 14, n = 20: p_o = 16/20 = .8;
        // p_e = (3 x 5 + 17 x 15) / 400 = 270/400 = .675; κ = (.8 - .675) / .325 = 0.384615...
        let k = RaterAgreement(raters: ["patient", "therapist"], both: 2, firstOnly: 1, secondOnly: 3, neither: 14)
        #expect(k.sessions == 20)
        #expect(abs(k.observedAgreement! - 0.8) < 1e-12)
        #expect(abs(k.kappa! - 0.125 / 0.325) < 1e-12)
        // Perfect agreement: κ = 1. Both raters never flag: p_e = 1, κ undefined.
        #expect(RaterAgreement(raters: ["a", "b"], both: 3, firstOnly: 0, secondOnly: 0, neither: 7).kappa == 1)
        #expect(RaterAgreement(raters: ["a", "b"], both: 0, firstOnly: 0, secondOnly: 0, neither: 9).kappa == nil)
        #expect(RaterAgreement(raters: ["a", "b"], both: 0, firstOnly: 0, secondOnly: 0, neither: 0).observedAgreement == nil)
    }

    @Test func agreementUsesSessionsBothRatersWereJudgedAt() throws {
        // Patient ratings: 6, 5, 6, 4; therapist ratings: 5, 5, NA, 3.
        // Patient ruptures (drop 1): s2 (1), s4 (2); judged s2, s3, s4.
        // Therapist: s2 0 (5 - 5), s3 missing, s4 not judged (s3 missing): judged s2 only.
        // Common sessions: s2 only, where the patient flags a rupture and the therapist does not:
        // b = 1, n = 1; p_o = 0, p_e = (1 x 0 + 0 x 1) / 1 = 0, κ = 0.
        let data = try panel("""
        patient,session,alliance_patient,alliance_therapist
        P,1,6,5
        P,2,5,5
        P,3,6,NA
        P,4,4,3
        """)
        let a = try detect(.drop, in: data, rater: "patient"), b = try detect(.drop, in: data, rater: "therapist")
        let k = RaterAgreement(a, b)
        #expect(k.sessions == 1 && k.firstOnly == 1 && k.both == 0)
        #expect(k.kappa == 0 && k.observedAgreement == 0)
    }

    @Test func wilsonInterval() throws {
        // R: prop.test(0, 5, correct = FALSE)$conf.int = 0 0.4344824648.
        let w = WilsonInterval(successes: 0, trials: 5)!
        #expect(w.lower == 0 && abs(w.upper - 0.4344824648) < 1e-9)
        // Identity: the interval for x/n mirrors the one for (n - x)/n.
        let a = WilsonInterval(successes: 7, trials: 19)!, b = WilsonInterval(successes: 12, trials: 19)!
        #expect(abs(a.lower - (1 - b.upper)) < 1e-12 && abs(a.upper - (1 - b.lower)) < 1e-12)
        #expect(WilsonInterval(successes: 0, trials: 0) == nil)
    }
}
