import SessionData
import Tabular

/// How therapists enter the growth and lagged models (steps 4 and 5), and why.
///
/// Patients are nested in therapists, so sessions of one therapist's patients may share a
/// therapist effect. Three ways to handle it:
/// - a **random intercept** `(1 | therapist)`: the therapist effect u_j ~ N(0, τ²_therapist). It
///   needs enough therapists to estimate τ²: with few of them the variance and the standard errors
///   that depend on it are biased (Maas & Hox 2005 [V, abstract]: 50 or fewer groups bias the
///   second-level standard errors; a Monte Carlo study of within-patient process effects,
///   Psychotherapy Research 2020, doi:10.1080/10503307.2020.1769875 [V, abstract]: with few
///   therapists the standard errors of three-level models were biased, and two-level models did
///   as well or better);
/// - **fixed effects**: one dummy per therapist but the first, `factor(therapist)`, which absorbs
///   every between-therapist difference in level without estimating a variance (docs/REPLICATION-SOURCES.md
///   §5: fixed dummies are the plausible choice for the study's 6 therapists);
/// - **not modelled**: no therapist column, or a single therapist.
///
/// With `auto` (the default) a random intercept needs at least `randomInterceptMinimum` = 10
/// therapists [I]. The threshold is a design decision, not a published rule: the common guideline
/// of at least five levels for a random factor (Gomes 2022, PeerJ 10:e12794 [V, abstract]) is a
/// floor for fitting a variance at all, not for estimating it well; 10 doubles it while staying
/// below the 30-50 groups the simulation studies above ask for, which few psychotherapy process
/// studies have. Studies with 6 therapists, as Gidhagen et al. (2025), get fixed effects;
/// `--therapists random|fixed|none` overrides the choice.
public struct TherapistModelling: Sendable, Encodable, Equatable {
    public enum Kind: String, Sendable, Encodable {
        case randomIntercept = "random intercept"
        case fixedEffects = "fixed effects"
        case notModelled = "not modelled"
    }

    /// What the user asked for (`--therapists`).
    public enum Choice: String, Sendable, CaseIterable {
        case auto, random, fixed, none
    }

    public let kind: Kind
    /// Therapists in the data (0 without a therapist column).
    public let therapists: Int
    /// One sentence saying which was used and why.
    public let reason: String

    /// The fewest therapists for which `auto` fits a random intercept.
    public static let randomInterceptMinimum = 10

    public init(panel: Panel, choice: Choice = .auto) throws {
        let hasColumn = panel.column(for: .therapist) != nil
        let count = hasColumn ? panel.therapistIDs.count : 0
        therapists = count
        let counted = "\(count) therapist\(count == 1 ? "" : "s")"
        switch choice {
        case .none:
            kind = .notModelled
            reason = "therapists not modelled (--therapists none)"
        case .random, .fixed:
            guard hasColumn else {
                throw DataError(location: "--therapists \(choice.rawValue)", message: "\(panel.source) has no therapist column (rename yours with --columns therapist=NAME)")
            }
            guard count >= 2 else {
                throw DataError(location: "--therapists \(choice.rawValue)", message: "\(panel.source) has a single therapist; there is no therapist effect to model")
            }
            kind = choice == .random ? .randomIntercept : .fixedEffects
            reason = kind == .randomIntercept
                ? "therapist random intercept, as requested (--therapists random; \(counted))"
                : "therapist fixed effects (dummies), as requested (--therapists fixed; \(counted))"
        case .auto:
            if !hasColumn {
                kind = .notModelled
                reason = "therapists not modelled: the data have no therapist column"
            } else if count < 2 {
                kind = .notModelled
                reason = "therapists not modelled: the data have a single therapist"
            } else if count < Self.randomInterceptMinimum {
                kind = .fixedEffects
                reason = "therapist fixed effects (dummies): \(counted) are too few to estimate a therapist variance (a random intercept needs at least \(Self.randomInterceptMinimum); docs/METHODS.md)"
            } else {
                kind = .randomIntercept
                reason = "therapist random intercept: \(counted) (at least \(Self.randomInterceptMinimum))"
            }
        }
    }

    /// The fixed-effects part a model adds for therapists: `factor(therapist)` for fixed effects.
    public var fixedTerm: String? { kind == .fixedEffects ? "factor(therapist)" : nil }

    /// The random part a model adds for therapists: `(1 | therapist)` for a random intercept.
    public var randomTerm: String? { kind == .randomIntercept ? "(1 | therapist)" : nil }

    /// `fixed + therapist terms + random`, the formula of a model with therapists added.
    func formula(response: String, fixed: [String], random: [String]) -> String {
        let f = fixed + (fixedTerm.map { [$0] } ?? [])
        let r = (randomTerm.map { [$0] } ?? []) + random
        return "\(response) ~ " + (f + r).joined(separator: " + ")
    }
}
