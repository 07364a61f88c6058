import Tabular

/// Reads a data file for a command, by its extension.
enum TableFile {
    static func read(_ path: String) throws -> DataTable {
        try DelimitedTextReader().read(path: path)
    }
}
