import Foundation
import SessionData
import Tabular

/// Reads and writes data files for commands that take or produce any table (not only session
/// data), by extension: CSV/TSV/TXT, SPSS .sav/.zsav, Stata .dta.
enum TableFile {
    static func read(_ path: String) throws -> DataTable {
        try SessionFile.read(path: path).table
    }

    /// The contents of `file` in the format `destination`'s extension names: SPSS or Stata
    /// through ReadStat, anything else as CSV. Returned, not written, so the caller writes
    /// everything only once all of it is computed.
    static func data(for file: SessionFile, destination: String) throws -> Data {
        switch SessionFileFormat(path: destination) {
        case .spss?: return try StatisticalFileWriter.data(for: file, format: .spss, destination: destination)
        case .stata?: return try StatisticalFileWriter.data(for: file, format: .stata, destination: destination)
        default: return Data(DelimitedTextWriter.text(of: file.table).utf8)
        }
    }
}
