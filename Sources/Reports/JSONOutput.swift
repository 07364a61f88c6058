import Foundation

/// JSON for programs: pretty-printed, keys sorted, slashes unescaped.
///
/// Keys are sorted because Foundation's encoder on Linux emits an object's keys in hash order,
/// which changes from run to run; sorted keys make the same result byte-identical every time.
///
/// Non-finite numbers are not JSON; encoding one fails with an error naming where it is, which
/// is how a NaN that slipped through a computation is caught before it reaches a file.
public enum JSONOutput {
    public static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        let data = try encoder.encode(value)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
