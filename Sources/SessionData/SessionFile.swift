import Tabular

/// A data file as read, before validation: its table, plus the numeric values behind value
/// labels.
///
/// SPSS and Stata store a labelled variable as numbers with a label for some values
/// (1 = "Not at all", ..., 7 = "Completely"; or therapist 3 = "Anna"). The readers keep such a
/// variable as a categorical column whose levels are the labels, as R's `haven::as_factor` does,
/// and keep the number behind each level here, so that a labelled rating or session number can
/// still be used as a number.
public struct SessionFile: Sendable {
    public var table: DataTable
    /// For each value-labelled column: the numeric value of each level (indexed by level code).
    public var labelledValues: [String: [Double]]

    public init(table: DataTable, labelledValues: [String: [Double]] = [:]) {
        self.table = table
        self.labelledValues = labelledValues
    }

    /// Reads `path`, choosing the reader by its extension: `.csv`, `.tsv`, `.txt` (delimited
    /// text), `.sav`, `.zsav` (SPSS), `.dta` (Stata).
    public static func read(path: String) throws -> SessionFile {
        switch SessionFileFormat(path: path) {
        case .delimitedText:
            return SessionFile(table: try DelimitedTextReader().read(path: path))
        case .spss, .stata:
            return try StatisticalFileReader(path: path).read()
        case nil:
            throw DataError(source: path, message: "unknown file type (alliance reads \(SessionFileFormat.knownExtensions))")
        }
    }
}

/// The file formats session data can come in, by extension.
public enum SessionFileFormat: Sendable {
    case delimitedText, spss, stata

    public static let knownExtensions = ".csv, .tsv, .txt, .sav, .zsav and .dta"

    public init?(path: String) {
        let lower = path.lowercased()
        guard let dot = lower.lastIndex(of: "."), !lower[dot...].contains("/") else { return nil }
        switch lower[lower.index(after: dot)...] {
        case "csv", "tsv", "txt": self = .delimitedText
        case "sav", "zsav": self = .spss
        case "dta": self = .stata
        default: return nil
        }
    }
}
