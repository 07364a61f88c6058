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
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch EncodingError.invalidValue(let bad, let context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            throw NonFiniteResultError(path: path.hasPrefix(".") ? String(path.dropFirst()) : path, value: "\(bad)")
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// A result that is not a finite number where JSON needs one: a computation that failed without
/// saying so (exit status 1, never a half-written file).
public struct NonFiniteResultError: Error, CustomStringConvertible {
    public let path: String
    public let value: String

    public var description: String { "the result \(path) is not a finite number (\(value)); nothing was written" }
}
