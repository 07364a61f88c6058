/// An error caused by what the user gave (a file, an option, a formula), as opposed to a
/// computation that failed on valid input. The command line exits with status 2 for these and 1
/// for the others, and prints either as one line.
public protocol InputError: Error, CustomStringConvertible {}

extension DataError: InputError {}
