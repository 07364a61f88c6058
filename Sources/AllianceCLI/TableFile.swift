import Foundation
import SessionData
import Tabular

/// Reads and writes data files for commands that take or produce any table (not only session
/// data), by extension: CSV/TSV/TXT, SPSS .sav/.zsav/.por, Stata .dta.
enum TableFile {
    static func read(_ path: String, options: ReadingOptions = ReadingOptions()) throws -> DataTable {
        try SessionFile.read(path: path, options: options).table
    }

    /// The extensions data can be written as, for `--annotate`, `--out` of `simulate` and
    /// `--sessions-out`.
    static let writableExtensions = ["csv", "sav", "zsav", "por", "dta"]
    static let writableList = ".csv, .sav, .zsav, .por or .dta"

    /// Whether data can be written to `path` (by its extension).
    static func isWritable(_ path: String) -> Bool {
        writableExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    /// The contents of `file` in the format `destination`'s extension names: SPSS or Stata
    /// through ReadStat (with every variable's metadata), anything else as CSV. Returned, not
    /// written, so the caller writes everything only once all of it is computed.
    static func data(for file: SessionFile, destination: String) throws -> Data {
        switch SessionFileFormat(path: destination) {
        case let format? where format != .delimitedText:
            return try StatisticalFileWriter.data(for: file, format: format, destination: destination)
        default:
            return Data(DelimitedTextWriter.text(of: file.table).utf8)
        }
    }
}
