import Numerics

/// A structural equation model in McArdle & McDonald's (1984) reticular action model (RAM) form,
/// compiled from a `ModelSpecification`.
///
/// The m variables are the p observed ones (in the data's column order) followed by the latent
/// ones. Three matrices hold every coefficient:
/// - `A` (m x m), the directed paths: `A[i, j]` is the effect of variable j on variable i (a
///   regression `i ~ j` or a loading `j =~ i`);
/// - `S` (m x m, symmetric), the variances and covariances of the exogenous variables and of the
///   residuals of the endogenous ones (`a ~~ b`);
/// - `M` (m), the means of the exogenous variables and the intercepts of the endogenous ones.
///
/// With `B = (I - A)^-1` and the filter `F = [I_p 0]` that keeps the observed variables, the model
/// implies the mean and covariance of the observed variables
///
///     mu(theta) = F B M,     Sigma(theta) = F B S B' F'.
///
/// theta holds the distinct free parameters: statements that share a label share one parameter.
public struct RAMModel: Sendable {
    /// A matrix of the RAM form.
    public enum Matrix: Sendable, Equatable { case a, s, m }

    /// One cell a parameter occupies: `A[row, column]`, `S[row, column]` (and `S[column, row]`), or
    /// `M[row]` (column unused).
    public struct Cell: Sendable, Equatable {
        public let matrix: Matrix
        public let row: Int
        public let column: Int
    }

    /// A free parameter: its name (the label, or `lhs op rhs` of its only statement) and the cells
    /// it fills.
    public struct Parameter: Sendable {
        public let name: String
        public let cells: [Cell]
        /// The statements (indices into `specification.statements`) that are this parameter.
        public let statements: [Int]
    }

    public let specification: ModelSpecification
    /// Observed variables first, then latent: `variables[i]` is variable i of the matrices.
    public let variables: [String]
    public var observedCount: Int { specification.observed.count }
    public var variableCount: Int { variables.count }
    public let parameters: [Parameter]
    /// The fixed cells and their values.
    public let fixedCells: [(cell: Cell, value: Double)]
    /// For each statement, the free parameter it belongs to (nil when fixed) and its cell.
    public let statementParameter: [Int?]
    public let statementCell: [Cell]

    public var parameterCount: Int { parameters.count }

    /// Compiles `specification`. Throws `ModelSpecificationError` for a statement about a variable
    /// the model does not have, the same coefficient stated twice, an intercept of a latent
    /// variable, or a label on both free and fixed statements of different kinds.
    public init(_ specification: ModelSpecification) throws {
        self.specification = specification
        let variables = specification.observed + specification.latent
        self.variables = variables
        var index = [String: Int]()
        for (i, v) in variables.enumerated() {
            guard index[v] == nil else { throw ModelSpecificationError("the variable '\(v)' is named twice") }
            index[v] = i
        }
        func lookup(_ name: String, in s: ModelSpecification.Statement) throws -> Int {
            guard let i = index[name] else {
                throw ModelSpecificationError("'\(Self.text(s))' names '\(name)', which is not a variable of the model")
            }
            return i
        }
        var cells = [Cell]()
        var seen = Set<String>()
        for s in specification.statements {
            let cell: Cell
            switch s.op {
            case .regression:
                cell = Cell(matrix: .a, row: try lookup(s.lhs, in: s), column: try lookup(s.rhs, in: s))
            case .loading:
                cell = Cell(matrix: .a, row: try lookup(s.rhs, in: s), column: try lookup(s.lhs, in: s))
                guard specification.latent.contains(s.lhs) else {
                    throw ModelSpecificationError("'\(Self.text(s))': '\(s.lhs)' is not a latent variable")
                }
            case .covariance:
                let a = try lookup(s.lhs, in: s), b = try lookup(s.rhs, in: s)
                cell = Cell(matrix: .s, row: max(a, b), column: min(a, b))
            case .intercept:
                cell = Cell(matrix: .m, row: try lookup(s.lhs, in: s), column: 0)
            }
            if cell.matrix == .a, cell.row == cell.column {
                throw ModelSpecificationError("'\(Self.text(s))': a variable cannot be regressed on itself")
            }
            let key = "\(cell.matrix)\(cell.row),\(cell.column)"
            guard seen.insert(key).inserted else {
                throw ModelSpecificationError("'\(Self.text(s))' states a coefficient that is already in the model")
            }
            cells.append(cell)
        }
        var parameters = [Parameter]()
        var byLabel = [String: Int]()
        var statementParameter = [Int?]()
        var fixed = [(cell: Cell, value: Double)]()
        var parameterStatements = [[Int]]()
        var parameterCells = [[Cell]]()
        var names = [String]()
        for (k, s) in specification.statements.enumerated() {
            if let value = s.fixedValue {
                fixed.append((cells[k], value))
                statementParameter.append(nil)
                continue
            }
            if let label = s.label, let p = byLabel[label] {
                parameterStatements[p].append(k)
                parameterCells[p].append(cells[k])
                statementParameter.append(p)
                continue
            }
            let p = names.count
            if let label = s.label { byLabel[label] = p }
            names.append(s.label ?? Self.text(s))
            parameterStatements.append([k])
            parameterCells.append([cells[k]])
            statementParameter.append(p)
        }
        for p in 0..<names.count {
            parameters.append(Parameter(name: names[p], cells: parameterCells[p], statements: parameterStatements[p]))
        }
        self.parameters = parameters
        self.fixedCells = fixed
        self.statementParameter = statementParameter
        self.statementCell = cells
    }

    /// `lhs op rhs` as lavaan prints a parameter.
    static func text(_ s: ModelSpecification.Statement) -> String {
        s.op == .intercept ? "\(s.lhs) ~1" : "\(s.lhs) \(s.op.rawValue) \(s.rhs)"
    }

    /// The matrices A, S (both triangles) and M at `theta`.
    public func matrices(at theta: [Double]) -> (a: Numerics.Matrix, s: Numerics.Matrix, m: [Double]) {
        let n = variableCount
        var a = Numerics.Matrix(rows: n, columns: n), s = Numerics.Matrix(rows: n, columns: n)
        var m = [Double](repeating: 0, count: n)
        func put(_ cell: Cell, _ value: Double) {
            switch cell.matrix {
            case .a: a.elements[cell.row + cell.column * n] = value
            case .s:
                s.elements[cell.row + cell.column * n] = value
                s.elements[cell.column + cell.row * n] = value
            case .m: m[cell.row] = value
            }
        }
        for (cell, value) in fixedCells { put(cell, value) }
        for (p, parameter) in parameters.enumerated() {
            for cell in parameter.cells { put(cell, theta[p]) }
        }
        return (a, s, m)
    }
}

/// A model specification that cannot be compiled; the message names the statement.
public struct ModelSpecificationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
