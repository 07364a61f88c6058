import Numerics
import SessionData

/// Everything `alliance ruptures` reports, and its JSON: the criterion with every parameter in
/// force, a summary per rater (with its episodes), agreement between each pair of raters, and
/// the sensitivity table. The JSON is meant to be embedded as it is by other commands.
public struct RuptureReport: Sendable, Encodable {
    public let source: String
    public let criterion: RuptureCriterion
    public let raters: [RaterSummary]
    public let agreement: [RaterAgreement]
    public let sensitivity: SensitivityAnalysis?
    /// The detection results behind the summaries (indicators per row), not encoded.
    public let results: [RaterResult]

    /// Detects ruptures for each rater under `criterion`; with `sensitivity`, also under every
    /// named criterion.
    public init(panel: Panel, raters: [Rater], criterion: RuptureCriterion, sensitivity: Bool = true) throws {
        source = panel.source
        let detector = try RuptureDetector(criterion: criterion)
        self.criterion = detector.criterion
        let detected = try raters.concurrentMap { rater in
            let result = try detector.detect(in: panel, rater: rater)
            return (result, try RaterSummary(result: result, panel: panel))
        }
        results = detected.map(\.0)
        self.raters = detected.map(\.1)
        var pairs = [RaterAgreement]()
        for i in 0..<results.count {
            for j in (i + 1)..<max(results.count, i + 1) { pairs.append(RaterAgreement(results[i], results[j])) }
        }
        agreement = pairs
        self.sensitivity = sensitivity ? try SensitivityAnalysis(panel: panel, raters: raters) : nil
    }

    enum CodingKeys: String, CodingKey { case source, criterion, raters, agreement, sensitivity }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(criterion, forKey: .criterion)
        try c.encode(raters, forKey: .raters)
        try c.encode(agreement, forKey: .agreement)
        try c.encode(sensitivity?.rows, forKey: .sensitivity)
    }
}
