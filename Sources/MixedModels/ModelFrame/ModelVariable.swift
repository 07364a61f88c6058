/// A formula atom evaluated on the data: numbers, or a factor (codes into ordered levels).
enum ModelVariable: Sendable {
    /// NaN marks a missing value.
    case numeric([Double])
    /// Codes into `levels` (in R's sorted order); -1 marks a missing value.
    case factor(codes: [Int32], levels: [String])
    /// Several numeric columns from one atom (`poly(x, 2)`), named by the atom and a suffix
    /// (`poly(x, 2)1`, `poly(x, 2)2`); NaN marks a missing value.
    case matrix(columns: [[Double]], suffixes: [String])

    /// The number of design columns it gives on its own (levels for a factor).
    var width: Int {
        switch self {
        case .numeric: return 1
        case .factor(_, let levels): return levels.count
        case .matrix(let columns, _): return columns.count
        }
    }

    /// The rows in `rows`, with unused factor levels dropped (as lme4's model frame does).
    /// When `allRows` is true, `rows` is every row in order and nothing is copied unless levels
    /// must be dropped.
    func selecting(_ rows: [Int], allRows: Bool = false) -> ModelVariable {
        switch self {
        case .numeric(let v):
            return allRows ? self : .numeric(rows.map { v[$0] })
        case .matrix(let columns, let suffixes):
            return allRows ? self : .matrix(columns: columns.map { c in rows.map { c[$0] } }, suffixes: suffixes)
        case .factor(let codes, let levels):
            var used = [Bool](repeating: false, count: levels.count)
            for r in rows { used[Int(codes[r])] = true }
            if allRows && !used.contains(false) { return self }
            var remap = [Int32](repeating: -1, count: levels.count)
            var kept = [String]()
            for (k, level) in levels.enumerated() where used[k] {
                remap[k] = Int32(kept.count)
                kept.append(level)
            }
            return .factor(codes: rows.map { remap[Int(codes[$0])] }, levels: kept)
        }
    }
}

/// Sorting of factor levels as R's `sort()` does in an English UTF-8 locale, the setting lme4 users
/// almost always have: letters compare without regard to case first, and on a tie lowercase comes
/// first (`a A b B`); digits sort before letters, character by character (`10` before `9`).
/// This is an approximation of the locale's collation for the characters that appear in level
/// names [I]; numeric columns turned into factors sort numerically instead, as R does.
public enum LevelOrder {
    /// The indices of `labels` in sorted order.
    public static func sortedIndices(_ labels: [String]) -> [Int] {
        let folded = labels.map { $0.lowercased() }
        return labels.indices.sorted { a, b in
            if folded[a] != folded[b] { return folded[a] < folded[b] }
            return caseTieBreak(labels[a], labels[b])
        }
    }

    /// For two labels equal but for case: lowercase first at the first difference.
    private static func caseTieBreak(_ a: String, _ b: String) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            if x.isLowercase && y.isUppercase { return true }
            if x.isUppercase && y.isLowercase { return false }
            return x < y
        }
        return a.count < b.count
    }
}
