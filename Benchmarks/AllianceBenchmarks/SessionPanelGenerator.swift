import Foundation
import Numerics

/// Seeded data for benchmarks: sessions nested in patients nested in therapists, in the long
/// format alliance reads, with the columns the benchmark models use.
///
/// Each therapist t has an effect u_t ~ N(0, 1.5^2); each patient i an intercept v_i ~ N(0, 3^2)
/// and a session slope w_i ~ N(0, 0.2^2). Patient- and therapist-rated alliance follow a latent
/// AR(1)-free trend 4.5 + 0.05 session + noise, rounded to 1/6 and clipped to 1..7; `rupture` is a
/// drop of at least one point from the previous session in patient ratings, `repair` a return to the
/// pre-rupture level. Distress = 20 + u_t + v_i + (w_i - 0.3) session + 1.5 rupture - 1.0 repair +
/// N(0, 4^2), rounded and clipped to 0..40. (Only the shape of the data matters for timing.)
struct SessionPanelGenerator {
    let patients: Int
    let therapists: Int
    let sessions: Int
    let seed: UInt64

    func csv() -> String {
        var out = "therapist,patient,session,alliance_patient,alliance_therapist,distress,rupture,repair\n"
        out.reserveCapacity(patients * sessions * 48)
        for i in 0..<patients {
            let r = RandomStream(seed: seed, path: [UInt64(i)])
            let t = i % therapists
            let therapistEffect = RandomStream(seed: seed, path: [1_000_000_000, UInt64(t)]).normal(standardDeviation: 1.5)
            let intercept = r.normal(standardDeviation: 3)
            let slope = r.normal(standardDeviation: 0.2)
            var previous: Double?
            var preRupture: Double?
            for s in 1...sessions {
                let ap = min(7, max(1, ((4.5 + 0.05 * Double(s) + r.normal(standardDeviation: 0.8)) * 6).rounded() / 6))
                let at = min(7, max(1, ((4.2 + 0.05 * Double(s) + r.normal(standardDeviation: 0.8)) * 6).rounded() / 6))
                var rupture = 0, repair = 0
                if let p = previous, p - ap >= 1 { rupture = 1; preRupture = p }
                else if let level = preRupture, ap >= level { repair = 1; preRupture = nil }
                previous = ap
                let d = 20 + therapistEffect + intercept + (slope - 0.3) * Double(s)
                    + 1.5 * Double(rupture) - 1.0 * Double(repair) + r.normal(standardDeviation: 4)
                let distress = min(40, max(0, d.rounded()))
                out += "T\(t + 1),P\(i + 1),\(s),\(String(format: "%.4f", ap)),\(String(format: "%.4f", at)),\(Int(distress)),\(rupture),\(repair)\n"
            }
        }
        return out
    }
}
