import Numerics
import SessionData
import Tabular

/// The same summary under every named criterion, side by side (Gumz et al. 2012 warn that
/// prevalences under different criteria are only partly comparable; this table shows by how
/// much). The reliable change index is shown at 95% (z = 1.96) and at 90% (z = 1.645, the CORE
/// convention).
public struct SensitivityAnalysis: Sendable, Encodable {
    public let rows: [Row]

    /// One criterion: its parameters and a cell per rater.
    public struct Row: Sendable, Encodable {
        public let criterion: RuptureCriterion
        public let raters: [Cell]
    }

    /// One rater under one criterion; `unavailable` says why when the criterion could not be
    /// applied (for instance no reliability for the reliable change index).
    public struct Cell: Sendable, Encodable {
        public let rater: String
        public let patients: Int?
        public let patientsWithRupture: Int?
        public let prevalence: Double?
        public let ruptures: Int?
        public let repairs: Int?
        public let repairedShare: Double?
        public let unavailable: String?

        enum CodingKeys: String, CodingKey {
            case rater, patients, patientsWithRupture = "patients_with_rupture", prevalence, ruptures, repairs
            case repairedShare = "repaired_share", unavailable
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(rater, forKey: .rater)
            try c.encode(patients, forKey: .patients)
            try c.encode(patientsWithRupture, forKey: .patientsWithRupture)
            try c.encode(prevalence, forKey: .prevalence)
            try c.encode(ruptures, forKey: .ruptures)
            try c.encode(repairs, forKey: .repairs)
            try c.encode(repairedShare, forKey: .repairedShare)
            try c.encode(unavailable, forKey: .unavailable)
        }
    }

    /// The criteria compared: every preset, plus the RCI at z = 1.645 after the RCI at 1.96.
    public static var criteria: [RuptureCriterion] {
        var out = [RuptureCriterion]()
        for preset in RuptureCriterion.presets {
            out.append(preset)
            if preset.name == RuptureCriterion.rci.name {
                var rci90 = preset
                rci90.threshold = .reliableChange(z: 1.645)
                out.append(rci90)
            }
        }
        return out
    }

    public init(panel: Panel, raters: [Rater]) throws {
        rows = try Self.criteria.concurrentMap { criterion in
            let detector = try RuptureDetector(criterion: criterion)
            return Row(criterion: criterion, raters: try raters.map { rater in
                let result: RaterResult
                do {
                    result = try detector.detect(in: panel, rater: rater)
                } catch let error as DataError {
                    return Cell(rater: rater.name, patients: nil, patientsWithRupture: nil, prevalence: nil,
                                ruptures: nil, repairs: nil, repairedShare: nil, unavailable: error.message)
                }
                let s = try RaterSummary(result: result, panel: panel)
                return Cell(rater: rater.name, patients: s.patients, patientsWithRupture: s.patientsWithRupture,
                            prevalence: s.prevalence, ruptures: s.ruptures, repairs: s.repairs,
                            repairedShare: s.repairedShare, unavailable: nil)
            })
        }
    }
}
