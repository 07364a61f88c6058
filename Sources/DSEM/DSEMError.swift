import Tabular

/// Bad input to a DSEM (a model the data cannot support, a malformed setting): one line, exit
/// status 2 in the command.
public struct DSEMInputError: InputError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A computation of the sampler that failed (a covariance matrix that is not positive definite
/// in floating point, a non-finite draw): exit status 1 with the reason.
public struct DSEMComputationError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
