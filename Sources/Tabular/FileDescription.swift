/// How a data file was read: its format and, for delimited text, the encoding, delimiter and
/// decimal mark, each either found in the file or given by the user. `alliance describe` prints it,
/// so that a file read the wrong way is noticed.
public struct FileDescription: Sendable, Equatable {
    /// `CSV`, `SPSS .sav`, `SPSS .zsav (compressed)`, `SPSS .por (portable)`, `Stata .dta`.
    public var format: String
    /// The text encoding (delimited text; SPSS/Stata text is converted to UTF-8 by ReadStat).
    public var encoding: TextEncoding?
    /// The field delimiter and the decimal mark (delimited text).
    public var delimiter: Character?
    public var decimalMark: Character?
    /// How each of encoding, delimiter and decimal mark was decided ("detected", "given").
    public var decided: [String: String]
    /// The file label (SPSS/Stata).
    public var label: String?

    public init(format: String, encoding: TextEncoding? = nil, delimiter: Character? = nil, decimalMark: Character? = nil,
                decided: [String: String] = [:], label: String? = nil) {
        self.format = format
        self.encoding = encoding
        self.delimiter = delimiter
        self.decimalMark = decimalMark
        self.decided = decided
        self.label = label
    }

    /// A delimiter as users name it: `comma`, `semicolon`, `tab`, or the character.
    public static func name(ofDelimiter c: Character) -> String {
        switch c {
        case ",": return "comma"
        case ";": return "semicolon"
        case "\t": return "tab"
        case "|": return "vertical bar"
        default: return "'\(c)'"
        }
    }

    /// One line: `CSV, Windows-1252 (detected), semicolon-delimited (detected), decimal comma (detected)`.
    public var summary: String {
        var parts = [format]
        func how(_ key: String) -> String { decided[key].map { " (\($0))" } ?? "" }
        if let encoding { parts.append(encoding.rawValue + how("encoding")) }
        if let delimiter { parts.append(Self.name(ofDelimiter: delimiter) + "-delimited" + how("delimiter")) }
        if let decimalMark { parts.append((decimalMark == "," ? "decimal comma" : "decimal point") + how("decimal")) }
        if let label { parts.append("file label \"\(label)\"") }
        return parts.joined(separator: ", ")
    }
}

/// The text encodings the delimited-text reader reads (`DelimitedTextReader`).
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case utf8WithBOM = "UTF-8 with BOM"
    case utf16LittleEndian = "UTF-16LE"
    case utf16BigEndian = "UTF-16BE"
    /// Windows-1252, the superset of ISO 8859-1 (Latin-1) that Excel on Windows writes in Western
    /// Europe; a Latin-1 file reads the same, except for the rarely used C1 control characters.
    case windows1252 = "Windows-1252"
}
