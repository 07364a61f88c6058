import Foundation
import Numerics

/// The type III analysis of variance table of the fixed effects, as lmerTest's `anova(fit)` prints
/// it ("Type III Analysis of Variance Table with Satterthwaite's method"): per term, the F test of
/// its type III hypothesis (`TypeThreeContrasts`) with the fit's df method (`FTest`).
public struct AnalysisOfVariance: Sendable, Encodable {
    public let method: DegreesOfFreedomMethod
    /// One row per term; nil for a term whose hypothesis is empty (lmerTest prints NA).
    public let rows: [FTest]
    /// Terms without a testable hypothesis.
    public let untestable: [String]

    /// lmerTest's heading.
    public var heading: String { "Type III Analysis of Variance Table with \(method.possessive) method" }

    public init(model: LinearMixedModel, fit: LinearMixedModelFit) throws {
        guard let method = fit.degreesOfFreedomMethod else {
            throw HypothesisError("an ANOVA table needs df (Satterthwaite's or Kenward-Roger's method)")
        }
        self.method = method
        var rows = [FTest](), untestable = [String]()
        for (label, l) in try TypeThreeContrasts.contrasts(model.frame) {
            if l.rows == 0 { untestable.append(label); continue }
            rows.append(try fit.test(l: l, rhs: [Double](repeating: 0, count: l.rows), label: label))
        }
        self.rows = rows
        self.untestable = untestable
    }

    enum CodingKeys: String, CodingKey { case method = "df_method", type, rows = "terms", untestable }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(method, forKey: .method)
        try c.encode("III", forKey: .type)
        try c.encode(rows, forKey: .rows)
        try c.encode(untestable, forKey: .untestable)
    }
}
