/// Why a value of a numeric column is missing, carried in the payload of the NaN that marks it.
///
/// A numeric column holds NaN for every missing value (`Column`), so every computation treats them
/// alike. SPSS and Stata files say more: SPSS has *user-missing* values (a value such as -99 that the
/// file declares missing: "Not administered"), Stata has 27 kinds of missing value (`.` and the
/// *extended* missing values `.a` to `.z`). To write such a file back without losing that, the
/// reason rides in the NaN's payload, as R's haven does for Stata's `tagged_na()`: a quiet NaN has
/// 51 payload bits that arithmetic and copies leave alone.
///
/// Payload layout (bits 0-49 of the significand): 0 = system-missing (`.`, an empty cell, `NA`);
/// `1 << 32 | ascii` = Stata's `.a`-`.z`; `2 << 32 | k` = the k-th declared missing value met in the
/// column (`VariableMetadata.declaredMissingValues[k]`: the -99 that was read).
public enum MissingReason: Sendable, Hashable {
    /// Missing with no reason given (system-missing).
    case system
    /// A Stata extended missing value `.a` to `.z`.
    case tagged(Character)
    /// The value `VariableMetadata.declaredMissingValues[index]`, declared missing by the file.
    case declared(index: Int)

    private static let payloadMask: UInt64 = (1 << 50) - 1
    private static let taggedKind: UInt64 = 1 << 32
    private static let declaredKind: UInt64 = 2 << 32

    /// The NaN that stands for a value missing for this reason.
    public var value: Double {
        switch self {
        case .system: return .nan
        case .tagged(let tag): return Double(nan: Self.taggedKind | UInt64(tag.asciiValue ?? 0), signaling: false)
        case .declared(let k): return Double(nan: Self.declaredKind | UInt64(k & 0xFFFF_FFFF), signaling: false)
        }
    }

    /// The reason `value` is missing, or nil when it is not missing.
    public init?(of value: Double) {
        guard value.isNaN else { return nil }
        let payload = value.significandBitPattern & Self.payloadMask
        switch payload & ~0xFFFF_FFFF {
        case Self.taggedKind:
            let code = UInt8(truncatingIfNeeded: payload)
            if code >= UInt8(ascii: "a") && code <= UInt8(ascii: "z") {
                self = .tagged(Character(Unicode.Scalar(code)))
            } else {
                self = .system
            }
        case Self.declaredKind:
            self = .declared(index: Int(payload & 0xFFFF_FFFF))
        default:
            self = .system
        }
    }
}
