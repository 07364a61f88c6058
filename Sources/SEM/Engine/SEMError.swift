import Tabular

/// A model that cannot be fitted to these data: a variable without variance or without values,
/// fewer rows than variables, more parameters than moments. The message names the variable or the
/// reason; the command line reports it as bad input (exit status 2).
public struct SEMInputError: InputError, Equatable {
    public let description: String
    /// The observed variable the error is about, if it is about one.
    public let variable: String?
    public init(_ description: String, variable: String? = nil) {
        self.description = description
        self.variable = variable
    }
}

/// A fit that failed numerically; the command line reports it with exit status 1.
public enum SEMFailure: Error, CustomStringConvertible, Equatable {
    /// An implied covariance matrix that is not positive definite where one is needed.
    case notPositiveDefinite(String)
    /// The optimizer stopped without reaching a minimum.
    case notConverged(String)
    /// The information matrix is singular: some parameter is not identified by the data.
    case notIdentified(String)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let why), .notConverged(let why), .notIdentified(let why): return why
        }
    }
}
