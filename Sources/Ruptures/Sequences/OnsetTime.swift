import Foundation

/// Onset times as observational coding software exports them: seconds (`754.2`), or clock
/// time `m:ss`, `h:mm:ss`, with optional decimals (`12:34.5`, `1:02:03.250`). Minutes and
/// seconds after the first field must be below 60.
enum OnsetTime {
    /// The time in seconds, or nil when `text` is not a time.
    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let fields = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(fields.count) else { return nil }
        var total = 0.0
        for (k, field) in fields.enumerated() {
            let isLast = k == fields.count - 1
            guard !field.isEmpty, field.allSatisfy({ $0.isASCII && ($0.isNumber || (isLast && $0 == ".")) }),
                  let value = Double(field), value.isFinite else { return nil }
            if k > 0 && value >= 60 { return nil }
            if !isLast && value != value.rounded() { return nil }
            total = total * 60 + value
        }
        return total
    }
}
