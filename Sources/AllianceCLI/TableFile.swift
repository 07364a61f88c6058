import SessionData
import Tabular

/// Reads a data file for a command that takes any table (not only session data), by extension:
/// CSV/TSV/TXT, SPSS .sav/.zsav, Stata .dta.
enum TableFile {
    static func read(_ path: String) throws -> DataTable {
        try SessionFile.read(path: path).table
    }
}
