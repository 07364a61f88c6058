/// Agreement between two raters on whether a rupture began at a session, over the sessions both
/// were judged at (both indicators 0 or 1), with Cohen's (1960) kappa:
///
///     κ = (p_o - p_e) / (1 - p_e),  p_o = (a + d) / n,
///     p_e = ((a + b)(a + c) + (c + d)(b + d)) / n²
///
/// where a = both flag a rupture, b = only the first, c = only the second, d = neither.
/// κ is nil when p_e = 1 (both raters constant and equal: agreement by chance is certain).
public struct RaterAgreement: Sendable, Equatable, Encodable {
    public let raters: [String]
    public let sessions: Int
    public let both: Int
    public let firstOnly: Int
    public let secondOnly: Int
    public let neither: Int
    /// p_o; nil when no session was judged by both.
    public let observedAgreement: Double?
    public let kappa: Double?

    public init(_ first: RaterResult, _ second: RaterResult) {
        precondition(first.ruptureIndicator.count == second.ruptureIndicator.count, "raters of the same panel")
        var a = 0, b = 0, c = 0, d = 0
        for (x, y) in zip(first.ruptureIndicator, second.ruptureIndicator) where x >= 0 && y >= 0 {
            switch (x, y) {
            case (1, 1): a += 1
            case (1, _): b += 1
            case (_, 1): c += 1
            default: d += 1
            }
        }
        self.init(raters: [first.rater.name, second.rater.name], both: a, firstOnly: b, secondOnly: c, neither: d)
    }

    /// From the four cells of the 2 x 2 table.
    public init(raters: [String], both a: Int, firstOnly b: Int, secondOnly c: Int, neither d: Int) {
        self.raters = raters
        (both, firstOnly, secondOnly, neither) = (a, b, c, d)
        let n = a + b + c + d
        sessions = n
        guard n > 0 else { observedAgreement = nil; kappa = nil; return }
        let nn = Double(n)
        let po = Double(a + d) / nn
        let pe = (Double(a + b) * Double(a + c) + Double(c + d) * Double(b + d)) / (nn * nn)
        observedAgreement = po
        kappa = pe < 1 ? (po - pe) / (1 - pe) : nil
    }

    enum CodingKeys: String, CodingKey {
        case raters, sessions, both, firstOnly = "first_only", secondOnly = "second_only", neither
        case observedAgreement = "observed_agreement", kappa
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(raters, forKey: .raters)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(both, forKey: .both)
        try c.encode(firstOnly, forKey: .firstOnly)
        try c.encode(secondOnly, forKey: .secondOnly)
        try c.encode(neither, forKey: .neither)
        try c.encode(observedAgreement, forKey: .observedAgreement)
        try c.encode(kappa, forKey: .kappa)
    }
}
