import Numerics
import Tabular

/// The data as the model sees them: the response, the fixed-effects design matrix X, and the
/// random-effects terms, on the rows that have every variable the formula uses.
///
/// Built as lme4's `lFormula` builds it: rows with a missing value in any variable of the formula
/// are dropped (and counted); unused factor levels are dropped; X has R's treatment contrasts and
/// loses columns that are linear combinations of earlier ones; random-effects terms are put in
/// lme4's order: if the numbers of levels ever increase along the written order, the terms are
/// sorted by number of levels, decreasing (R: `rev(order(nlevels))`, so ties end up reversed).
public struct ModelFrame: Sendable {
    public let formula: ModelFormula
    /// The response's name as written (`Reaction`, `log(y)`).
    public let responseName: String
    /// The file the data came from.
    public let source: String
    private(set) var y: [Double]
    /// n x p, column-major.
    private(set) var x: Matrix
    /// Names of X's columns as lme4 prints them.
    public private(set) var fixedEffectNames: [String]
    /// Columns dropped because they were linear combinations of earlier ones.
    public let droppedColumnNames: [String]
    /// The fixed-effects terms (R's `term.labels` order), the term of each column of X (-1 for the
    /// intercept), and the terms' variables on the rows used: what type III contrasts need.
    let fixedTerms: [FormulaTerm]
    private(set) var fixedColumnTerms: [Int]
    let fixedVariables: [FormulaExpression: ModelVariable]
    /// Random-effects terms in lme4's (fitting) order.
    let randomTerms: [RandomEffectsTerm]
    /// The sum of the formula's `offset()` terms per row used (zeros without offsets); `y` is
    /// the response minus this.
    let offset: [Double]
    /// Rows of the data table used, in order.
    public let rows: [Int]
    /// Rows dropped because a variable of the formula (or of the residual structure) was missing there.
    public let droppedRowCount: Int
    /// The groups of the residual correlation structure, when the model has one.
    private(set) var correlationGroups: CorrelationGroups?
    /// The residual correlation structure, when the model has one.
    public var correlationStructure: CorrelationStructure? { correlationGroups?.structure }

    public var observationCount: Int { y.count }

    /// The most fixed-effects columns, and the most cells (rows x columns) of X, a model may have;
    /// checked before X is built.
    public static let maximumFixedColumns = 5_000
    public static let maximumDesignCells = 150_000_000
    /// The most columns a random-effects term may have (k, with k(k+1)/2 parameters).
    public static let maximumRandomColumns = 50

    /// The model frame of `formula` on `data`; with `residuals`, its correlation groups too (the
    /// structure's variables count for complete cases, as nlme's `na.action` treats them).
    public init(formula: ModelFormula, data: DataTable, residuals: CorrelationStructure? = nil) throws {
        let formula = formula.needsColumns ? try ModelFormula(formula.text, columns: data.names) : formula
        self.formula = formula
        self.source = data.source
        let evaluator = AtomEvaluator(data: data, formula: formula.text)
        var variables = [FormulaExpression: ModelVariable]()
        for atom in formula.atoms { variables[atom] = try evaluator.evaluate(atom) }
        if let residuals {
            let structureEvaluator = AtomEvaluator(data: data, formula: residuals.text)
            for atom in residuals.atoms where variables[atom] == nil { variables[atom] = try structureEvaluator.evaluate(atom) }
            if let time = residuals.time, case .numeric = variables[time]! {} else if let time = residuals.time {
                throw FormulaError("residual structure '\(FormulaError.excerpt(residuals.text))': the time '\(FormulaError.excerpt(time.deparsed))' must be numeric")
            }
        }

        // The response must be numeric.
        guard case .numeric = variables[formula.response]! else {
            throw FormulaError("response '\(FormulaError.excerpt(formula.response.deparsed))' is not numeric")
        }

        // Complete cases: a row is used when no atom is missing there.
        let atoms = formula.atoms + (residuals?.atoms ?? []).filter { !formula.atoms.contains($0) }
        var complete = [Bool](repeating: true, count: data.rowCount)
        for atom in atoms {
            switch variables[atom]! {
            case .numeric(let v):
                for r in 0..<v.count where v[r].isNaN { complete[r] = false }
            case .factor(let codes, _):
                for r in 0..<codes.count where codes[r] < 0 { complete[r] = false }
            case .matrix(let columns, _):
                for v in columns { for r in 0..<v.count where v[r].isNaN { complete[r] = false } }
            }
        }
        var rows = [Int]()
        rows.reserveCapacity(data.rowCount)
        for r in 0..<data.rowCount where complete[r] { rows.append(r) }
        self.rows = rows
        self.droppedRowCount = data.rowCount - rows.count
        guard !rows.isEmpty else {
            throw FormulaError("no rows of \(data.source) have every variable of \(FormulaError.quote(formula.text)) (\(data.rowCount) rows, all with something missing)")
        }
        // Keep the complete rows and drop factor levels no longer used.
        for atom in atoms { variables[atom] = variables[atom]!.selecting(rows, allRows: rows.count == data.rowCount) }
        let n = rows.count

        guard case .numeric(var response) = variables[formula.response]! else {
            throw FormulaError("response '\(FormulaError.excerpt(formula.response.deparsed))' is not numeric")
        }
        self.responseName = formula.response.deparsed
        if let first = response.first, response.allSatisfy({ $0 == first }) {
            throw FormulaError("response '\(FormulaError.excerpt(responseName))' has no variance (every value is \(Column.numeric([first]).text(at: 0)!)); there is nothing to model")
        }
        // Offsets: known parts of the linear predictor, fitted by modelling y - offset.
        var offset = [Double](repeating: 0, count: n)
        for atom in formula.offsets {
            guard case .numeric(let values) = variables[atom]! else { continue }
            for r in 0..<n { offset[r] += values[r] }
        }
        if !formula.offsets.isEmpty { for r in 0..<n { response[r] -= offset[r] } }
        self.offset = offset
        self.y = response

        // Fixed effects, after checking that X fits in memory.
        let columns = DesignColumns(terms: formula.fixedTerms, intercept: formula.hasIntercept,
                                    variables: variables, rowCount: n)
        let columnCount = columns.columnCount
        if columnCount > Self.maximumFixedColumns || columnCount > Self.maximumDesignCells / max(n, 1) {
            func width(_ term: FormulaTerm) -> Int {
                term.factors.map { variables[$0]!.width }.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            }
            var hint = ""
            if let widest = formula.fixedTerms.max(by: { width($0) < width($1) }) {
                hint = " (the widest term, '\(FormulaError.excerpt(widest.label))', has \(width(widest)) columns)"
            }
            let factors = formula.fixedTerms.flatMap(\.factors).filter { if case .factor = variables[$0]! { return true } else { return false } }
            if let biggest = factors.max(by: { variables[$0]!.width < variables[$1]!.width }), variables[biggest]!.width >= 1_000 {
                let name = FormulaError.excerpt(biggest.deparsed)
                hint += "; '\(name)' has \(variables[biggest]!.width) levels: a factor with that many levels is usually a random effect, (1 | \(name))"
            }
            throw FormulaError("\(FormulaError.quote(formula.text)): the fixed effects would need \(columnCount) columns for \(n) rows; alliance takes at most \(Self.maximumFixedColumns) columns and \(Self.maximumDesignCells / 1_000_000) million cells\(hint)")
        }
        let design = columns.build()
        var x = Matrix(rows: n, columns: design.names.count, columnMajor: design.values)
        let dependent = try RankDeficiency.dependentColumns(x)
        if dependent.isEmpty {
            self.fixedEffectNames = design.names
            self.droppedColumnNames = []
            self.fixedColumnTerms = design.assign
        } else {
            let keep = design.names.indices.filter { !dependent.contains($0) }
            x = x.selectingColumns(keep)
            self.fixedEffectNames = keep.map { design.names[$0] }
            self.droppedColumnNames = dependent.map { design.names[$0] }
            self.fixedColumnTerms = keep.map { design.assign[$0] }
        }
        self.fixedTerms = formula.fixedTerms
        var fixedVariables = [FormulaExpression: ModelVariable]()
        for term in formula.fixedTerms { for atom in term.factors { fixedVariables[atom] = variables[atom] } }
        self.fixedVariables = fixedVariables
        self.x = x

        // Random effects, in lme4's order.
        var terms = [RandomEffectsTerm]()
        for spec in formula.randomTerms {
            terms.append(try Self.randomTerm(spec, variables: variables, rowCount: n, formula: formula.text))
        }
        let levelCounts = terms.map(\.levelCount)
        if zip(levelCounts, levelCounts.dropFirst()).contains(where: { $0 < $1 }) {
            let ascending = terms.indices.sorted { (levelCounts[$0], $0) < (levelCounts[$1], $1) }
            terms = ascending.reversed().map { terms[$0] }
        }
        for term in terms {
            if term.levelCount < 2 {
                throw FormulaError("grouping factor '\(term.groupName)' has only one level in the data used; a random effect needs at least two")
            }
            if term.levelCount >= n {
                throw FormulaError("grouping factor '\(term.groupName)' has \(term.levelCount) levels for \(n) observations; the number of levels must be smaller than the number of observations (as lme4 requires)")
            }
            if term.size >= n {
                throw FormulaError("the random-effects term for '\(term.groupName)' has \(term.size) random effects for \(n) observations; they and the residual variance are not identifiable (as lme4 reports)")
            }
        }
        self.randomTerms = terms

        if let residuals {
            let (codes, levels) = try Self.groupingFactor(residuals.groupFactors, variables: variables, rowCount: n, formula: residuals.text)
            var time: [Double]?
            if let t = residuals.time, case .numeric(let values) = variables[t]! { time = values }
            correlationGroups = try CorrelationGroups(structure: residuals, groupCodes: codes, levels: levels, time: time,
                                                      terms: terms, data: data, rows: rows)
        } else {
            correlationGroups = nil
        }
    }

    /// Evaluates one random-effects term: its model matrix and grouping factor.
    private static func randomTerm(_ spec: RandomTermSpecification, variables: [FormulaExpression: ModelVariable],
                                   rowCount n: Int, formula: String) throws -> RandomEffectsTerm {
        let columns = DesignColumns(terms: spec.terms, intercept: spec.intercept, variables: variables, rowCount: n)
        guard columns.columnCount <= maximumRandomColumns else {
            throw FormulaError("the random-effects term for '\(FormulaError.excerpt(spec.groupName))' has \(columns.columnCount) columns; alliance takes at most \(maximumRandomColumns) columns per term")
        }
        let design = columns.build()
        let k = design.names.count
        var z = [Double](repeating: 0, count: n * k)
        for c in 0..<k { for r in 0..<n { z[r * k + c] = design.values[c * n + r] } }
        let (codes, levels) = try groupingFactor(spec.groupFactors, variables: variables, rowCount: n, formula: formula)
        return RandomEffectsTerm(groupName: spec.groupName, levels: levels, groupCodes: codes,
                                 columnNames: design.names, z: z)
    }

    /// A grouping factor from one or more atoms (an interaction `a:b` has a level per combination
    /// present, ordered by the atoms' own level orders, labelled `a1:b1`). Numeric atoms group by
    /// value.
    static func groupingFactor(_ atoms: [FormulaExpression], variables: [FormulaExpression: ModelVariable],
                               rowCount n: Int, formula: String) throws -> (codes: [Int32], levels: [String]) {
        let factors = try atoms.map { atom in
            do { return try AtomEvaluator.factorCodes(variables[atom]!) } catch {
                throw FormulaError("\(FormulaError.quote(formula)): '\(FormulaError.excerpt(atom.deparsed))' cannot be a grouping factor")
            }
        }
        if factors.count == 1 { return factors[0] }
        // One integer key per row in mixed radix (first atom most significant), so sorting the
        // distinct keys orders the combinations lexicographically by the atoms' level orders.
        var keys = [Int64](repeating: 0, count: n)
        var capacity: Int64 = 1
        for f in factors {
            let (product, overflow) = capacity.multipliedReportingOverflow(by: Int64(max(1, f.levels.count)))
            guard !overflow else {
                throw FormulaError("\(FormulaError.quote(formula)): the grouping factor \(FormulaError.excerpt(atoms.map(\.deparsed).joined(separator: ":"))) has too many combinations")
            }
            capacity = product
            for r in 0..<n { keys[r] = keys[r] * Int64(f.levels.count) + Int64(f.codes[r]) }
        }
        var distinct: [Int64]
        var codes = [Int32](repeating: 0, count: n)
        if capacity <= Int64(8 * max(n, 1024)) {
            // A small key space: mark the keys present in a table indexed by key, number them in
            // key order, and look each row up directly (linear time, no sorting).
            var slot = [Int32](repeating: -1, count: Int(capacity))
            for key in keys { slot[Int(key)] = 0 }
            distinct = []
            for key in 0..<Int(capacity) where slot[key] == 0 {
                slot[key] = Int32(distinct.count)
                distinct.append(Int64(key))
            }
            for r in 0..<n { codes[r] = slot[Int(keys[r])] }
        } else {
            distinct = keys.sorted()
            var unique = 0
            for k in distinct.indices where k == 0 || distinct[k] != distinct[unique - 1] {
                distinct[unique] = distinct[k]
                unique += 1
            }
            distinct.removeSubrange(unique...)
            for r in 0..<n {
                // Binary search: the position of the row's key among the distinct keys.
                var lo = 0, hi = distinct.count - 1
                let key = keys[r]
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if distinct[mid] < key { lo = mid + 1 } else { hi = mid }
                }
                codes[r] = Int32(lo)
            }
        }
        let labels = distinct.map { key -> String in
            var rest = key
            var parts = [String](repeating: "", count: factors.count)
            for (i, f) in factors.enumerated().reversed() {
                let count = Int64(f.levels.count)
                parts[i] = f.levels[Int(rest % count)]
                rest /= count
            }
            return parts.joined(separator: ":")
        }
        return (codes, labels)
    }
}

extension ModelFrame {
    /// The same rows and design with independent residuals (for the likelihood-ratio test of a
    /// residual correlation structure).
    public func withoutResidualCorrelation() -> ModelFrame {
        var frame = self
        frame.correlationGroups = nil
        return frame
    }

    /// The same frame with another response (y minus any offset, for each row used): a parametric
    /// bootstrap replicate.
    func replacingResponse(_ response: [Double]) -> ModelFrame {
        precondition(response.count == y.count, "one response value per row")
        var frame = self
        frame.y = response
        return frame
    }

    /// The frame with the coefficient of X's column `j` held at `value`: the column removed and
    /// `value` times it moved into the offset (lme4's profile of a fixed effect).
    func fixingFixedEffect(_ j: Int, at value: Double) -> ModelFrame {
        var frame = self
        let column = Array(x.column(j))
        frame.y = zip(y, column).map { $0 - value * $1 }
        frame.x = x.selectingColumns(x.columns == 0 ? [] : (0..<x.columns).filter { $0 != j })
        frame.fixedEffectNames.remove(at: j)
        frame.fixedColumnTerms.remove(at: j)
        return frame
    }
}
