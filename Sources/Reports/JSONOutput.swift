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

    /// The JSON of `value` without the object members named in `omitted`, at any depth: for
    /// output that must not depend on the run (`timing`), so that the same inputs give the same
    /// bytes. Everything else is encoded exactly as `string(_:)` encodes it.
    public static func string<T: Encodable>(_ value: T, omittingKeys omitted: Set<String>) throws -> String {
        try string(KeyOmitting(value: value, omitted: omitted))
    }
}

/// `value` encoded through `KeyOmittingEncoder`.
private struct KeyOmitting<Value: Encodable>: Encodable {
    let value: Value
    let omitted: Set<String>

    func encode(to encoder: any Encoder) throws {
        try value.encode(to: KeyOmittingEncoder(base: encoder, omitted: omitted))
    }
}

/// An encoder that passes everything to `base` but the members of keyed containers named in
/// `omitted`; every nested value is encoded through it again, so the members are left out at any
/// depth.
private struct KeyOmittingEncoder: Encoder {
    let base: any Encoder
    let omitted: Set<String>

    var codingPath: [any CodingKey] { base.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { base.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer(base: base.container(keyedBy: type), omitted: omitted))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(base: base.unkeyedContainer(), omitted: omitted)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(base: base.singleValueContainer(), omitted: omitted)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        var base: KeyedEncodingContainer<Key>
        let omitted: Set<String>
        var codingPath: [any CodingKey] { base.codingPath }

        func skips(_ key: Key) -> Bool { omitted.contains(key.stringValue) }

        mutating func encodeNil(forKey key: Key) throws { if !skips(key) { try base.encodeNil(forKey: key) } }
        mutating func encode(_ value: Bool, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: String, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Double, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Float, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Int, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Int8, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Int16, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Int32, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: Int64, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: UInt, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { if !skips(key) { try base.encode(value, forKey: key) } }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if !skips(key) { try base.encode(KeyOmitting(value: value, omitted: omitted), forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(KeyedContainer<NestedKey>(base: base.nestedContainer(keyedBy: keyType, forKey: key), omitted: omitted))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            UnkeyedContainer(base: base.nestedUnkeyedContainer(forKey: key), omitted: omitted)
        }

        mutating func superEncoder() -> any Encoder { KeyOmittingEncoder(base: base.superEncoder(), omitted: omitted) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { KeyOmittingEncoder(base: base.superEncoder(forKey: key), omitted: omitted) }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        var base: any UnkeyedEncodingContainer
        let omitted: Set<String>
        var codingPath: [any CodingKey] { base.codingPath }
        var count: Int { base.count }

        mutating func encodeNil() throws { try base.encodeNil() }
        mutating func encode(_ value: Bool) throws { try base.encode(value) }
        mutating func encode(_ value: String) throws { try base.encode(value) }
        mutating func encode(_ value: Double) throws { try base.encode(value) }
        mutating func encode(_ value: Float) throws { try base.encode(value) }
        mutating func encode(_ value: Int) throws { try base.encode(value) }
        mutating func encode(_ value: Int8) throws { try base.encode(value) }
        mutating func encode(_ value: Int16) throws { try base.encode(value) }
        mutating func encode(_ value: Int32) throws { try base.encode(value) }
        mutating func encode(_ value: Int64) throws { try base.encode(value) }
        mutating func encode(_ value: UInt) throws { try base.encode(value) }
        mutating func encode(_ value: UInt8) throws { try base.encode(value) }
        mutating func encode(_ value: UInt16) throws { try base.encode(value) }
        mutating func encode(_ value: UInt32) throws { try base.encode(value) }
        mutating func encode(_ value: UInt64) throws { try base.encode(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(KeyOmitting(value: value, omitted: omitted)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(KeyedContainer<NestedKey>(base: base.nestedContainer(keyedBy: keyType), omitted: omitted))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            UnkeyedContainer(base: base.nestedUnkeyedContainer(), omitted: omitted)
        }

        mutating func superEncoder() -> any Encoder { KeyOmittingEncoder(base: base.superEncoder(), omitted: omitted) }
    }

    struct SingleValueContainer: SingleValueEncodingContainer {
        var base: any SingleValueEncodingContainer
        let omitted: Set<String>
        var codingPath: [any CodingKey] { base.codingPath }

        mutating func encodeNil() throws { try base.encodeNil() }
        mutating func encode(_ value: Bool) throws { try base.encode(value) }
        mutating func encode(_ value: String) throws { try base.encode(value) }
        mutating func encode(_ value: Double) throws { try base.encode(value) }
        mutating func encode(_ value: Float) throws { try base.encode(value) }
        mutating func encode(_ value: Int) throws { try base.encode(value) }
        mutating func encode(_ value: Int8) throws { try base.encode(value) }
        mutating func encode(_ value: Int16) throws { try base.encode(value) }
        mutating func encode(_ value: Int32) throws { try base.encode(value) }
        mutating func encode(_ value: Int64) throws { try base.encode(value) }
        mutating func encode(_ value: UInt) throws { try base.encode(value) }
        mutating func encode(_ value: UInt8) throws { try base.encode(value) }
        mutating func encode(_ value: UInt16) throws { try base.encode(value) }
        mutating func encode(_ value: UInt32) throws { try base.encode(value) }
        mutating func encode(_ value: UInt64) throws { try base.encode(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try base.encode(KeyOmitting(value: value, omitted: omitted)) }
    }
}

/// A result that is not a finite number where JSON needs one: a computation that failed without
/// saying so (exit status 1, never a half-written file).
public struct NonFiniteResultError: Error, CustomStringConvertible {
    public let path: String
    public let value: String

    public var description: String { "the result \(path) is not a finite number (\(value)); nothing was written" }
}
