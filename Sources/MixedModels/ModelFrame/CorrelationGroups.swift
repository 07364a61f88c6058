import Foundation
import Tabular

/// The groups of a residual correlation structure on the rows of a model frame: each group's
/// rows in time order, with their times.
///
/// Built with the checks nlme makes and one it leaves implicit (Pinheiro & Bates 2000, ch. 5;
/// nlme's `Initialize.corAR1`, `Initialize.corCAR1`):
/// - times are unique within a group ("a time variable with ties": nlme refuses them too);
/// - `ar1` takes whole-number times (sessions; a missed session is a gap of two, so
///   cor = phi^2 across it, as nlme's corAR1 becomes an ARMA(1, 0) on the time positions);
/// - the group is the innermost level of the data: every random-effects grouping factor is
///   constant within each group (patients within therapists), as nlme requires of the
///   correlation's groups. Whitening a group's rows then keeps each row in the same level of every
///   random-effects factor, which is what lets the blocked Cholesky factor keep its structure;
/// - `cs` in a group that also has its own random intercept is refused: the two describe the same
///   covariance (a common shift of the group's residuals) and are not identifiable together.
struct CorrelationGroups: Sendable {
    let structure: CorrelationStructure
    /// The group levels, in R's order.
    let levels: [String]
    /// Frame rows (indices into the model frame), group by group, each group in time order.
    let order: [Int]
    /// Group g's entries are `order[start[g]..<start[g + 1]]`.
    let start: [Int]
    /// The time of each entry of `order` (0, 1, ... by position for `cs`).
    let times: [Double]

    var groupCount: Int { levels.count }
    /// The largest group.
    var largestGroup: Int { (0..<groupCount).map { start[$0 + 1] - start[$0] }.max() ?? 0 }

    /// Groups the frame's rows. `groupCodes` and `time` are per frame row; `data` and `rows` (the
    /// frame's rows of the data) name lines in messages.
    init(structure: CorrelationStructure, groupCodes: [Int32], levels: [String], time: [Double]?,
         terms: [RandomEffectsTerm], data: DataTable, rows: [Int]) throws {
        self.structure = structure
        self.levels = levels
        let n = groupCodes.count
        func fail(_ message: String) -> FormulaError {
            FormulaError("residual structure '\(FormulaError.excerpt(structure.text))': \(message)")
        }
        // Counting sort by group, then each group by time.
        var start = [Int](repeating: 0, count: levels.count + 1)
        for c in groupCodes { start[Int(c) + 1] += 1 }
        for g in 0..<levels.count { start[g + 1] += start[g] }
        var fill = start
        var order = [Int](repeating: 0, count: n)
        for r in 0..<n {
            let g = Int(groupCodes[r])
            order[fill[g]] = r
            fill[g] += 1
        }
        // The innermost level: every random-effects factor constant within each group.
        for term in terms {
            for g in 0..<levels.count where start[g + 1] - start[g] > 1 {
                let first = term.groupCodes[order[start[g]]]
                if let e = (start[g] + 1..<start[g + 1]).first(where: { term.groupCodes[order[$0]] != first }) {
                    throw fail("the group '\(FormulaError.excerpt(structure.groupName))' is not the innermost level of the data: the random-effects factor '\(FormulaError.excerpt(term.groupName))' changes within \(FormulaError.excerpt(structure.groupName)) \(FormulaError.excerpt(levels[g])) (\(data.location(ofRow: rows[order[start[g]]])) and \(data.location(ofRow: rows[order[e]]))); correlate the residuals within the finest grouping, such as \(FormulaError.excerpt(structure.groupName)):\(FormulaError.excerpt(term.groupName))")
                }
            }
        }
        var times = [Double](repeating: 0, count: n)
        let timeName = structure.time?.deparsed ?? ""
        for g in 0..<levels.count {
            let range = start[g]..<start[g + 1]
            guard let time else {
                for (k, e) in range.enumerated() { times[e] = Double(k) }
                continue
            }
            let sorted = order[range].sorted { (time[$0], $0) < (time[$1], $1) }
            order.replaceSubrange(range, with: sorted)
            for e in range { times[e] = time[order[e]] }
            for e in range.dropFirst() where times[e] == times[e - 1] {
                throw fail("the time '\(FormulaError.excerpt(timeName))' has ties within groups: \(FormulaError.excerpt(structure.groupName)) \(FormulaError.excerpt(levels[g])) has two rows at \(timeName) \(Column.numeric([times[e]]).text(at: 0)!) (\(data.location(ofRow: rows[order[e - 1]])) and \(data.location(ofRow: rows[order[e]])))")
            }
            if structure.kind == .ar1 {
                for e in range where times[e] != times[e].rounded() || abs(times[e]) > 1e9 {
                    throw fail("ar1 needs whole-number times (session numbers) and '\(FormulaError.excerpt(timeName))' is \(Column.numeric([times[e]]).text(at: 0)!) at \(data.location(ofRow: rows[order[e]])); for times on a continuous scale use car1(\(timeName) | \(structure.group.deparsed))")
                }
            }
        }
        if structure.kind == .cs {
            for term in terms where term.columnNames.contains("(Intercept)") {
                // Confounded when no two correlation groups share a level of the term.
                var owner = [Int](repeating: -1, count: term.levelCount)
                var shared = false
                for g in 0..<levels.count where start[g + 1] > start[g] {
                    let level = Int(term.groupCodes[order[start[g]]])
                    if owner[level] >= 0 && owner[level] != g { shared = true; break }
                    owner[level] = g
                }
                if !shared {
                    throw fail("compound symmetry within '\(FormulaError.excerpt(structure.groupName))' and the random intercept of '\(FormulaError.excerpt(term.groupName))' describe the same covariance (a shift shared by the group's residuals) and cannot be estimated together; drop one of them")
                }
            }
        }
        self.order = order
        self.start = start
        self.times = times
    }
}
