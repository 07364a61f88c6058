import Foundation
import Tabular

/// One mapping of a study configuration, read field by field: an absent field takes its default,
/// a present one must have the right type and range, and a field that nothing asked for is an
/// error (so a misspelt `autoregresion` is never silently ignored). Every message names the file,
/// the line and the field's dotted path: `study.yaml:14: field 'distress.autoregression': ...`.
final class ConfigurationSection {
    /// The dotted path of this mapping (empty at the top).
    let path: String
    let location: String
    private let pairs: [(key: String, value: ConfigurationValue)]
    private var asked: [String] = []

    init(_ value: ConfigurationValue?, path: String, location: String) throws {
        self.path = path
        switch value {
        case nil:
            pairs = []
            self.location = location
        case .mapping(let p, let l)?:
            pairs = p
            self.location = l
        case let other?:
            throw DataError(location: other.location, message: "field '\(path)' must be a mapping of fields, not \(Excerpt.quoted(other.text))")
        }
    }

    /// The dotted path of `key` in this section.
    func field(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func error(_ key: String, _ message: String) -> DataError {
        DataError(location: value(key)?.location ?? location, message: "field '\(field(key))' \(message)")
    }

    /// The value of `key` as written, nil when absent.
    func value(_ key: String) -> ConfigurationValue? {
        if !asked.contains(key) { asked.append(key) }
        return pairs.first(where: { $0.key == key })?.value
    }

    /// The nested mapping `key` (empty when absent).
    func section(_ key: String) throws -> ConfigurationSection {
        try ConfigurationSection(value(key), path: field(key), location: location)
    }

    /// A scalar written as text.
    func text(_ key: String, default fallback: String) throws -> String {
        guard let v = value(key) else { return fallback }
        guard case .scalar(let s, _) = v, !s.isEmpty else { throw error(key, "must be text, not \(Excerpt.quoted(v.text))") }
        return s
    }

    /// The largest magnitude of any number in a configuration. Every parameter of the process is
    /// far smaller (ratings, SDs, effects in scale points, session counts); the bound keeps sums
    /// over a simulated course far from overflowing to infinity.
    static let largestMagnitude = 1e6

    /// A decimal number satisfying `valid`, at most `largestMagnitude` in size; `requirement` says
    /// what is allowed ("between 0 and 1").
    func number(_ key: String, default fallback: Double, requirement: String = "a number",
                valid: (Double) -> Bool = { _ in true }) throws -> Double {
        guard let v = value(key) else { return fallback }
        guard case .scalar(let s, _) = v, let x = DecimalText.value(of: s), valid(x) else {
            throw error(key, "must be \(requirement), not \(Excerpt.quoted(v.text))")
        }
        guard abs(x) <= Self.largestMagnitude else {
            throw error(key, "must be at most \(Int(Self.largestMagnitude)) in size (no parameter of the process is larger), not \(Excerpt.quoted(v.text))")
        }
        return x
    }

    /// A probability, 0 <= p <= 1.
    func probability(_ key: String, default fallback: Double) throws -> Double {
        try number(key, default: fallback, requirement: "a probability between 0 and 1") { $0 >= 0 && $0 <= 1 }
    }

    /// A standard deviation or other quantity that cannot be negative.
    func nonNegative(_ key: String, default fallback: Double) throws -> Double {
        try number(key, default: fallback, requirement: "a number of at least 0") { $0 >= 0 }
    }

    /// An autoregressive coefficient, strictly between -1 and 1 (a stationary process).
    func autoregression(_ key: String, default fallback: Double) throws -> Double {
        try number(key, default: fallback, requirement: "a number strictly between -1 and 1") { $0 > -1 && $0 < 1 }
    }

    /// A whole number from `minimum` to `maximum`.
    func integer(_ key: String, default fallback: Int, minimum: Int, maximum: Int = 1_000_000_000) throws -> Int {
        guard let v = value(key) else { return fallback }
        // 60 and 60.0 are the same number (JSON writers often add the decimal).
        guard case .scalar(let s, _) = v, let x = DecimalText.value(of: s), x == x.rounded(),
              x >= Double(minimum), x <= Double(maximum) else {
            throw error(key, "must be a whole number from \(minimum) to \(maximum), not \(Excerpt.quoted(v.text))")
        }
        return Int(x)
    }

    /// One of the named choices of `T`.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws -> T where T.RawValue == String {
        try choice(key, default: fallback, among: Array(T.allCases))
    }

    /// One of `choices`, by name.
    func choice<T: RawRepresentable>(_ key: String, default fallback: T, among choices: [T]) throws -> T where T.RawValue == String {
        guard let v = value(key) else { return fallback }
        guard case .scalar(let s, _) = v, let x = choices.first(where: { $0.rawValue == s }) else {
            throw error(key, "must be one of \(choices.map(\.rawValue).joined(separator: ", ")), not \(Excerpt.quoted(v.text))")
        }
        return x
    }

    /// true or false.
    func boolean(_ key: String, default fallback: Bool) throws -> Bool {
        guard let v = value(key) else { return fallback }
        guard case .scalar(let s, _) = v, s == "true" || s == "false" else { throw error(key, "must be true or false, not '\(v.text)'") }
        return s == "true"
    }

    /// A list of scalars (a single scalar counts as a list of one).
    func texts(_ key: String, default fallback: [String]) throws -> [String] {
        guard let v = value(key) else { return fallback }
        switch v {
        case .scalar(let s, _): return [s]
        case .sequence(let items, _):
            return try items.map { item in
                guard case .scalar(let s, _) = item else { throw error(key, "must be a list of names, not \(Excerpt.quoted(v.text))") }
                return s
            }
        case .mapping: throw error(key, "must be a list of names, not \(Excerpt.quoted(v.text))")
        }
    }

    /// Fails on the first field nobody asked for.
    func finish() throws {
        for (key, value) in pairs where !asked.contains(key) {
            throw DataError(location: value.location,
                            message: "unknown field \(Excerpt.quoted(field(key))) (fields\(path.isEmpty ? "" : " of '\(path)'"): \(asked.joined(separator: ", ")))")
        }
    }
}
