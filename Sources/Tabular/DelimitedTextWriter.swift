import Foundation

/// Writes a `DataTable` as comma-separated text that `DelimitedTextReader`, R's `read.csv` and
/// SPSS read back: a header line, numbers in the shortest form that reads back exactly, missing
/// values as `NA`, and text quoted (with `""` for a quote) when it holds a delimiter, a quote or
/// a line break, has spaces at either end, or is empty or `NA` (which would read back as missing).
public enum DelimitedTextWriter {
    public static func text(of table: DataTable) -> String {
        var out = table.names.map(quoted).joined(separator: ",") + "\n"
        out.reserveCapacity(table.rowCount * table.columns.count * 8)
        for r in 0..<table.rowCount {
            for (j, column) in table.columns.enumerated() {
                if j > 0 { out += "," }
                guard let text = column.text(at: r) else { out += "NA"; continue }
                out += column.isNumeric ? text : quoted(text)
            }
            out += "\n"
        }
        return out
    }

    /// A text field as written: quoted when needed so that it reads back as the same text.
    static func quoted(_ s: String) -> String {
        let needsQuotes = s.isEmpty || s == "NA" || s.first == " " || s.last == " "
            || s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" || $0 == "\t" })
        return needsQuotes ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
