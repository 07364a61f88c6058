/// Why a BLAS/LAPACK computation could not give an answer.
///
/// The wrappers in this module never return a NaN silently and never stop the process: a
/// factorization that breaks down, an argument LAPACK rejects, or a non-finite input is reported as
/// one of these cases.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Cholesky factorization failed: the leading minor of order `column` (one-based, as LAPACK
    /// counts) is not positive definite.
    case notPositiveDefinite(column: Int)
    /// An LU factorization found an exactly zero pivot at `column` (one-based): the matrix is singular.
    case singular(column: Int)
    /// LAPACK rejected argument number `position` (one-based) of `routine`: a bug in the caller.
    case illegalArgument(routine: String, position: Int)
    /// The operands' shapes do not fit together.
    case dimensionMismatch(String)
    /// An input held NaN or an infinity.
    case nonFiniteInput(routine: String)
    /// An iterative routine (eigenvalues, singular values) did not converge.
    case didNotConverge(routine: String, info: Int)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let k):
            return "matrix is not positive definite (leading minor of order \(k))"
        case .singular(let k):
            return "matrix is singular (zero pivot in column \(k))"
        case .illegalArgument(let routine, let position):
            return "\(routine) rejected argument \(position)"
        case .dimensionMismatch(let what):
            return "dimension mismatch: \(what)"
        case .nonFiniteInput(let routine):
            return "\(routine): input contains NaN or infinity"
        case .didNotConverge(let routine, let info):
            return "\(routine) did not converge (info = \(info))"
        }
    }
}

/// Turns LAPACK's `info` into a thrown error: negative means an illegal argument; positive values
/// are interpreted by `positive` (their meaning differs between routines).
@inline(__always)
func checkLapackInfo(_ info: Int32, routine: String,
                     positive: (Int) -> LinearAlgebraError) throws {
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, position: Int(-info)) }
    if info > 0 { throw positive(Int(info)) }
}

/// Throws `nonFiniteInput` unless every element is finite.
@inline(__always)
func requireFinite(_ m: Matrix, routine: String) throws {
    if !m.isFinite { throw LinearAlgebraError.nonFiniteInput(routine: routine) }
}

/// A LAPACK character argument ("L", "N", ...).
@inline(__always)
func lapackChar(_ c: Character) -> CChar { CChar(c.asciiValue!) }
