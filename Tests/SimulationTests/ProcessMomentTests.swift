import Foundation
import Numerics
import Testing
import Simulation

/// The data-generating process against moments worked out from its equations
/// (docs/METHODS.md, "Simulation"). Tolerances are four Monte Carlo standard errors (a correct
/// generator fails one of them with probability about 6e-5); the expected values are computed
/// here from the equations, not by the simulator's code.
@Suite struct ProcessMomentTests {
    /// Mean, variance, and the standard error of the sample variance, sqrt((μ4 - σ⁴) / n), of a
    /// distribution given by weights on values.
    static func distribution(_ weights: [(n: Double, w: Double)], sample n: Double) -> (mean: Double, variance: Double, varianceSE: Double) {
        let total = weights.reduce(0) { $0 + $1.w }
        let mean = weights.reduce(0) { $0 + $1.n * $1.w } / total
        let variance = weights.reduce(0) { $0 + pow($1.n - mean, 2) * $1.w } / total
        let fourth = weights.reduce(0) { $0 + pow($1.n - mean, 4) * $1.w } / total
        return (mean, variance, ((fourth - variance * variance) / n).squareRoot())
    }

    @Test func sessionCountsFollowTheTruncatedPoisson() throws {
        let p = try quietProcess("patients: 4000\ntherapists: 10\nsessions: {distribution: poisson, mean: 6, minimum: 3, maximum: 12}")
        let counts = rowsByPatient(try SimulatedSample(process: p, seed: 1).table).map { Double($0.count) }
        #expect(counts.count == 4000)
        #expect(counts.allSatisfy { $0 >= 3 && $0 <= 12 })
        // P(N = n) ∝ 6^n / n! on 3...12, by the recursion w_n = w_{n-1} 6 / n.
        var weights = [(n: Double, w: Double)](), w = 1.0
        for n in 1...12 {
            w *= 6.0 / Double(n)
            if n >= 3 { weights.append((Double(n), w)) }
        }
        let (mean, variance, varianceSE) = Self.distribution(weights, sample: 4000)
        #expect(abs(moments(counts).mean - mean) < 4 * (variance / 4000).squareRoot())
        #expect(abs(moments(counts).variance - variance) < 4 * varianceSE)
    }

    @Test func sessionCountsFollowTheTruncatedNegativeBinomial() throws {
        let p = try quietProcess("patients: 4000\nsessions: {distribution: negative-binomial, mean: 10, sd: 5, minimum: 2, maximum: 40}")
        let counts = rowsByPatient(try SimulatedSample(process: p, seed: 2).table).map { Double($0.count) }
        // Size r = m² / (s² - m) = 100/15, q = r / (r + m); P(k + 1) / P(k) = (k + r)/(k + 1) (1 - q).
        let r = 100.0 / 15, q = r / (r + 10)
        var weights = [(n: Double, w: Double)](), w = 1.0
        for k in 0...40 {
            if k >= 2 { weights.append((Double(k), w)) }
            w *= (Double(k) + r) / Double(k + 1) * (1 - q)
        }
        let (mean, variance, varianceSE) = Self.distribution(weights, sample: 4000)
        #expect(abs(moments(counts).mean - mean) < 4 * (variance / 4000).squareRoot())
        #expect(variance > 20)   // overdispersed: the Poisson would have 10
        #expect(abs(moments(counts).variance - variance) < 4 * varianceSE)
    }

    @Test func dropoutAndMissedSessions() throws {
        // Fixed 10 sessions, dropout hazard h = 0.1 after each, a session missed with m = 0.2.
        // Rows per patient = Σ_t I(t <= L) I(attended_t), P(t <= L) = 0.9^(t-1); so
        // E = 0.8 Σ_t 0.9^(t-1) and E[rows²] = Σ_s Σ_t 0.9^(max(s,t)-1) (s == t ? 0.8 : 0.64).
        let p = try quietProcess("""
        patients: 4000
        sessions: {distribution: fixed, mean: 10, minimum: 10, maximum: 10}
        dropout: {hazard: 0.1}
        missing: {session: 0.2}
        """)
        let table = try SimulatedSample(process: p, seed: 3).table
        var mean = 0.0, second = 0.0
        for s in 1...10 {
            mean += 0.8 * pow(0.9, Double(s - 1))
            for t in 1...10 { second += pow(0.9, Double(max(s, t) - 1)) * (s == t ? 0.8 : 0.64) }
        }
        let sd = (second - mean * mean).squareRoot()
        #expect(abs(Double(table.rowCount) / 4000 - mean) < 4 * sd / 4000.0.squareRoot())
        // Session numbers keep their gaps.
        let sessions = column(table, "session")
        #expect(rowsByPatient(table).contains { rows in zip(rows, rows.dropFirst()).contains { sessions[$1] - sessions[$0] > 1 } })
    }

    @Test func allianceMomentsOfBothRaters() throws {
        let p = try quietProcess("""
        patients: 4000
        therapists: 4000
        sessions: {distribution: fixed, mean: 10, minimum: 10, maximum: 10}
        alliance:
          rater_correlation: 0.5
          patient: {mean: 5, patient_sd: 0.6, slope: 0.05, slope_sd: 0.03, therapist_sd: 0.2, autoregression: 0.5, residual_sd: 0.4}
          therapist: {mean: 4.5, patient_sd: 0.5, slope: 0.02, slope_sd: 0.01, therapist_sd: 0.3, autoregression: 0.2, residual_sd: 0.3}
        """)
        let table = try SimulatedSample(process: p, seed: 4).table
        let patients = rowsByPatient(table)
        let n = Double(patients.count)
        var first = [String: [Double]](), second = [String: [Double]](), last = [String: [Double]]()
        for rater in ["patient", "therapist"] {
            let y = column(table, "alliance_" + rater)
            first[rater] = patients.map { y[$0[0]] }
            second[rater] = patients.map { y[$0[1]] }
            last[rater] = patients.map { y[$0[9]] }
        }
        let parameters: [(String, mean: Double, a: Double, slope: Double, b: Double, c: Double, phi: Double, sigma: Double)] = [
            ("patient", 5, 0.6, 0.05, 0.03, 0.2, 0.5, 0.4), ("therapist", 4.5, 0.5, 0.02, 0.01, 0.3, 0.2, 0.3),
        ]
        for q in parameters {
            let z2 = q.sigma * q.sigma / (1 - q.phi * q.phi)        // Var z_t (stationary)
            // Session 1: A = mean + a + c + z, normal, one patient per therapist (independent).
            let variance = q.a * q.a + q.c * q.c + z2
            let observed = moments(first[q.0]!)
            #expect(abs(observed.mean - q.mean) < 4 * (variance / n).squareRoot(), "\(q.0) mean")
            #expect(abs(observed.variance - variance) < 4 * variance * (2 / (n - 1)).squareRoot(), "\(q.0) variance")
            // Change from session 1 to 10: 9 (slope + b) + z_10 - z_1.
            let change = zip(last[q.0]!, first[q.0]!).map { $0 - $1 }
            let changeVariance = 81 * q.b * q.b + 2 * z2 * (1 - pow(q.phi, 9))
            #expect(abs(moments(change).mean - 9 * q.slope) < 4 * (changeVariance / n).squareRoot(), "\(q.0) slope")
            // Sessions 1 and 2: Cov = a² + c² + φ Var z; Var(A_2) adds b².
            let r12 = (q.a * q.a + q.c * q.c + q.phi * z2) / (variance * (variance + q.b * q.b)).squareRoot()
            #expect(abs(correlation(first[q.0]!, second[q.0]!) - r12) < 4 * (1 - r12 * r12) / n.squareRoot(), "\(q.0) lag-1 correlation")
        }
        // Between raters at session 1: only the patient intercepts correlate, with 0.5.
        let vp = 0.36 + 0.04 + 0.16 / 0.75, vt = 0.25 + 0.09 + 0.09 / 0.96
        let expected = 0.5 * 0.6 * 0.5 / (vp * vt).squareRoot()
        #expect(abs(correlation(first["patient"]!, first["therapist"]!) - expected) < 4 * (1 - expected * expected) / n.squareRoot())
    }

    @Test func ceilingAndRounding() throws {
        // Latent A* ~ N(6.5, 0.5²), independent; observed round(6 A*)/6 censored to 1...7, so
        // P(observed = 7) = P(A* >= 7 - 1/12).
        let p = try quietProcess("""
        patients: 3000
        sessions: {distribution: fixed, mean: 5, minimum: 5, maximum: 5}
        alliance:
          patient: {mean: 6.5, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0.5, scale: {minimum: 1, maximum: 7, values_per_point: 6}}
        """)
        let y = column(try SimulatedSample(process: p, seed: 5).table, "alliance_patient")
        #expect(y.allSatisfy { $0 >= 1 && $0 <= 7 && abs(6 * $0 - (6 * $0).rounded()) < 1e-9 })
        let expected = try Normal(mean: 6.5, standardDeviation: 0.5).upperTail(7 - 1.0 / 12)
        let share = Double(y.filter { $0 == 7 }.count) / Double(y.count)
        #expect(abs(share - expected) < 4 * (expected * (1 - expected) / Double(y.count)).squareRoot())
    }

    @Test func ruptureOnsetsPerceptionAndRepairs() throws {
        // No noise and a fixed size of 2 on an integer scale far from its ends, so the patient's
        // alliance is 50 - 2 x (ruptures open); the therapist perceives each with probability .5.
        let p = try quietProcess("""
        patients: 2000
        sessions: {distribution: fixed, mean: 20, minimum: 20, maximum: 20}
        alliance:
          patient: {mean: 50, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0, scale: {minimum: -1000, maximum: 1000, values_per_point: 1}}
        ruptures: {rate: 0.1, size_mean: 2, size_sd: 0, repair_probability: 0.6, repair_delay_mean: 3, sensitivity: {patient: 1, therapist: 0.5}}
        """)
        let sample = try SimulatedSample(process: p, seed: 6)
        let table = try sample.tableWithTrueEvents()
        let y = column(table, "alliance_patient"), session = column(table, "session")
        let startedP = column(table, "true_rupture_patient"), startedT = column(table, "true_rupture_therapist")
        let repairedP = column(table, "true_repair_patient")
        var onsets = 0.0, eligible = 0.0, repairs = 0.0, alsoTherapist = 0.0
        for rows in rowsByPatient(table) {
            var open = 0.0
            for r in rows {
                let nowOpen = (50 - y[r]) / 2
                let repairedHere = open + startedP[r] - nowOpen
                #expect(repairedHere >= 0)
                #expect((repairedHere > 0 ? 1.0 : 0.0) == repairedP[r], "the true repair flag marks the sessions where a rupture closed")
                repairs += repairedHere
                open = nowOpen
                if session[r] >= 2 { eligible += 1; onsets += startedP[r]; alsoTherapist += startedT[r] * startedP[r] }
                if session[r] == 1 { #expect(startedP[r] == 0) }
            }
        }
        #expect(abs(onsets / eligible - 0.1) < 4 * (0.09 / eligible).squareRoot())
        #expect(abs(alsoTherapist / onsets - 0.5) < 4 * (0.25 / onsets).squareRoot())
        // A rupture at t is repaired by session 20 with probability .6 P(1 + Poisson(2) <= 20 - t);
        // onsets are equally likely at t = 2...20.
        func poissonCDF(_ k: Int, _ lambda: Double) -> Double {
            guard k >= 0 else { return 0 }
            var term = exp(-lambda), sum = term
            if k > 0 { for i in 1...k { term *= lambda / Double(i); sum += term } }
            return sum
        }
        let expected = 0.6 * (2...20).reduce(0.0) { $0 + poissonCDF(20 - $1 - 1, 2) } / 19
        #expect(abs(repairs / onsets - expected) < 4 * (expected * (1 - expected) / onsets).squareRoot())
    }

    /// Ruptures of the therapist's own: with shared ruptures at rate .1 (the therapist perceiving
    /// none of them) and own ruptures at rate .15, the therapist's perceived onsets per session
    /// t >= 2 are 1 - (1 - .1 x 0)(1 - .15) = .15 and never coincide with the patient's beyond
    /// chance; the patient's are .1; the therapist's own ruptures lower only the therapist's ratings.
    @Test func ownRupturesOfOneRater() throws {
        let p = try quietProcess("""
        patients: 2000
        sessions: {distribution: fixed, mean: 20, minimum: 20, maximum: 20}
        alliance:
          patient: {mean: 50, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0, scale: {minimum: -1000, maximum: 1000, values_per_point: 1}}
          therapist: {mean: 50, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0, scale: {minimum: -1000, maximum: 1000, values_per_point: 1}}
        ruptures: {rate: 0.1, size_mean: 2, size_sd: 0, repair_probability: 0, sensitivity: {patient: 1, therapist: 0}, own_rate: {patient: 0, therapist: 0.15}}
        """)
        let table = try SimulatedSample(process: p, seed: 8).tableWithTrueEvents()
        let session = column(table, "session"), yP = column(table, "alliance_patient"), yT = column(table, "alliance_therapist")
        let startedP = column(table, "true_rupture_patient"), startedT = column(table, "true_rupture_therapist")
        var eligible = 0.0, patient = 0.0, therapist = 0.0, both = 0.0
        for rows in rowsByPatient(table) {
            var openP = 0.0, openT = 0.0
            for r in rows {
                openP += startedP[r]
                openT += startedT[r]
                // Unrepaired ruptures of size 2 lower each rater's own ratings only.
                #expect(yP[r] == 50 - 2 * openP && yT[r] == 50 - 2 * openT)
                guard session[r] >= 2 else { continue }
                eligible += 1
                patient += startedP[r]
                therapist += startedT[r]
                both += startedP[r] * startedT[r]
            }
        }
        #expect(abs(patient / eligible - 0.1) < 4 * (0.09 / eligible).squareRoot())
        #expect(abs(therapist / eligible - 0.15) < 4 * (0.15 * 0.85 / eligible).squareRoot())
        // Independent draws: both at one session with probability .1 x .15.
        #expect(abs(both / eligible - 0.015) < 4 * (0.015 * 0.985 / eligible).squareRoot())
    }

    @Test func distressFeedbackRaisesTheOnsetRate() throws {
        // With κ = 1, no autoregression and no effects on distress, w_t is independent standard
        // normal (in SD units) at every session, so onsets are independent with probability
        // E[logistic(logit(.1) + Z)], Z standard normal (midpoint rule on [-10, 10]).
        let p = try quietProcess("""
        patients: 2000
        sessions: {distribution: fixed, mean: 20, minimum: 20, maximum: 20}
        ruptures: {rate: 0.1, distress_feedback: 1, sensitivity: {patient: 1, therapist: 1}}
        distress: {autoregression: 0, residual_sd: 3, rupture_effect: {patient: 0, therapist: 0}, repair_effect: {patient: 0, therapist: 0}}
        """)
        let table = try SimulatedSample(process: p, seed: 7).tableWithTrueEvents()
        let started = column(table, "true_rupture_patient"), session = column(table, "session")
        let eligible = session.filter { $0 >= 2 }.count
        let rate = Double(zip(started, session).filter { $0.1 >= 2 && $0.0 == 1 }.count) / Double(eligible)
        let steps = 20_000, h = 20.0 / Double(steps)
        var expected = 0.0
        for k in 0..<steps {
            let z = -10 + (Double(k) + 0.5) * h
            expected += h * exp(-z * z / 2) / (2 * Double.pi).squareRoot() / (1 + exp(-(log(0.1 / 0.9) + z)))
        }
        #expect(expected > 0.12)   // above the rate without feedback
        #expect(abs(rate - expected) < 4 * (expected * (1 - expected) / Double(eligible)).squareRoot())
    }

    @Test func distressMoments() throws {
        let p = try quietProcess("""
        patients: 4000
        therapists: 4000
        sessions: {distribution: fixed, mean: 10, minimum: 10, maximum: 10}
        distress: {mean: 20, patient_sd: 5, slope: -0.4, slope_sd: 0.3, therapist_sd: 1, autoregression: 0.6, residual_sd: 3}
        """)
        let table = try SimulatedSample(process: p, seed: 8).table
        let d = column(table, "distress")
        let patients = rowsByPatient(table)
        let first = patients.map { d[$0[0]] }, last = patients.map { d[$0[9]] }
        let w2 = 9.0 / (1 - 0.36)
        let variance = 25 + 1 + w2
        #expect(abs(moments(first).mean - 20) < 4 * (variance / 4000).squareRoot())
        #expect(abs(moments(first).variance - variance) < 4 * variance * (2.0 / 3999).squareRoot())
        let change = zip(last, first).map { $0 - $1 }
        let changeVariance = 81 * 0.09 + 2 * w2 * (1 - pow(0.6, 9))
        #expect(abs(moments(change).mean + 3.6) < 4 * (changeVariance / 4000).squareRoot())
    }

    @Test func therapistsByBalancedCaseloadAndNestedPatients() throws {
        let small = try SimulatedSample(process: try process("patients: 50\ntherapists: 6"), seed: 9).table
        let large = try SimulatedSample(process: try process("patients: 80\ntherapists: 6"), seed: 9).table
        let therapist = column(small, "therapist"), patient = column(small, "patient")
        #expect(zip(patient, therapist).allSatisfy { Int($1) == (Int($0) - 1) % 6 + 1 })
        // Patient i's course depends on its own stream only: the first 50 patients agree.
        for name in SimulatedSample.columns {
            #expect(column(small, name) == Array(column(large, name).prefix(small.rowCount)), "\(name)")
        }
        let again = try SimulatedSample(process: try process("patients: 50\ntherapists: 6"), seed: 9).table
        #expect(column(again, "distress") == column(small, "distress"))
        let other = try SimulatedSample(process: try process("patients: 50\ntherapists: 6"), seed: 10).table
        #expect(column(other, "distress") != column(small, "distress"))
    }
}
