import ArgumentParser
import Ruptures
import Tabular

/// The rupture criterion: a preset and the options that override its parameters, shared by
/// `alliance ruptures` and `alliance replicate`.
struct CriterionOptions: ParsableArguments {
    @Option(help: "Criterion: drop, rci, stiles-2sd, strauss-1sd, gumz or sudden-loss.")
    var criterion: String = "drop"

    @Option(help: "The criterion's amount: points (drop), k (SD criteria), z (rci, sudden-loss).")
    var threshold: DecimalArgument?

    @Option(help: "Repair rule: return (regain the pre-rupture level) or rise (rise by the threshold).")
    var repair: CriterionOverrides.Repair?

    @Option(help: "With --repair return: count a rating within this many points of the pre-rupture level as regaining it.")
    var tolerance: DecimalArgument?

    @Option(help: "Sessions after the onset within which a repair must come (default: by the end of treatment).")
    var window: Int?

    @Option(help: "What a rupture is measured against: previous, person-mean, earlier-mean or trend.")
    var reference: RuptureReference?

    @Option(help: "Missing sessions: break (compare only consecutive sessions) or bridge (compare with the last observed).")
    var gaps: GapHandling?

    func validate() throws {
        if tolerance != nil && repair == .rise {
            throw ValidationError("--tolerance applies to --repair return, not rise")
        }
    }

    /// The preset with the options on top.
    func chosen() throws -> RuptureCriterion {
        try CriterionOverrides(threshold: threshold?.value, repair: repair, tolerance: tolerance?.value, window: window,
                               reference: reference, gaps: gaps).applied(toPreset: criterion)
    }
}

extension CriterionOverrides.Repair: ExpressibleByArgument {}
extension RuptureReference: ExpressibleByArgument {}
extension GapHandling: ExpressibleByArgument {}

/// A number given on the command line, in the decimal syntax of data files (`1.5`, `-2`, `1e-3`):
/// Swift's own `Double` parsing would also take `0x10` (16), `nan` and `inf`, none of which a user
/// means as a threshold.
struct DecimalArgument: ExpressibleByArgument {
    let value: Double

    init?(argument: String) {
        guard let v = DecimalText.value(of: argument) else { return nil }
        value = v
    }
}
