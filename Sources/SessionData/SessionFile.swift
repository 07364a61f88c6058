import Tabular

/// A data file as read, before validation: its table, with the metadata SPSS and Stata files
/// carry (`DataTable.metadata`) and how the file was read (`DataTable.file`).
///
/// SPSS and Stata store a labelled variable as numbers with a label on some values
/// (1 = "Not at all", ..., 7 = "Completely"; or therapist 3 = "Anna"). Such a variable is read as
/// the numbers, with the labels as metadata: a rating or session number with labels stays a number
/// in every command. It becomes a factor only where the user says so: `factor()` in a formula, or
/// `factors:` in a codebook (`asFactors`), whose levels are then the labels.
public struct SessionFile: Sendable {
    public var table: DataTable

    public init(table: DataTable) {
        self.table = table
    }

    /// Reads `path`, choosing the reader by its extension: `.csv`, `.tsv`, `.txt` (delimited
    /// text), `.sav`, `.zsav`, `.por` (SPSS), `.dta` (Stata).
    public static func read(path: String, options: ReadingOptions = ReadingOptions()) throws -> SessionFile {
        var file: SessionFile
        switch SessionFileFormat(path: path) {
        case .delimitedText?:
            let reader = DelimitedTextReader(delimiter: options.delimiter, decimalMark: options.decimalMark,
                                             missingCodes: options.missingCodes)
            file = SessionFile(table: try reader.read(path: path))
        case .spss?, .spssCompressed?, .spssPortable?, .stata?:
            file = try StatisticalFileReader(path: path).read()
            try file.applyMissingCodes(options.missingCodes)
        case nil:
            throw DataError(source: path, message: "unknown file type (alliance reads \(SessionFileFormat.knownExtensions))")
        }
        if !options.factors.isEmpty { try file.asFactors(options.factors) }
        return file
    }

    /// Makes the numbers equal to a code of `codes` missing, in the numeric columns the codes apply
    /// to, and the text equal to one in the text columns (the delimited-text reader does this as it
    /// reads).
    mutating func applyMissingCodes(_ codes: MissingCodes) throws {
        guard !codes.isEmpty else { return }
        var table = self.table
        for (name, column) in zip(table.names, table.columns) where codes.applies(to: name) {
            switch column {
            case .numeric(var values):
                var changed = false
                for r in values.indices where !values[r].isNaN && codes.numbers.contains(values[r]) {
                    values[r] = .nan
                    changed = true
                }
                if changed { try table.append(.numeric(values), named: name, metadata: table.metadata[name]) }
            case .categorical(var codesOfRows, let labels):
                let missingLevels = Set(labels.indices.filter { codes.tokens.contains(labels[$0]) }.map(Int32.init))
                guard !missingLevels.isEmpty else { continue }
                for r in codesOfRows.indices where missingLevels.contains(codesOfRows[r]) { codesOfRows[r] = -1 }
                try table.append(.categorical(codes: codesOfRows, labels: labels), named: name, metadata: table.metadata[name])
            }
        }
        self.table = table
    }

    /// Turns the value-labelled numeric columns `names` into factors whose levels are the labels
    /// (a value without a label is its number as text), as haven's `as_factor()` does; levels are
    /// in the order of their values. A name that is not a column is an error.
    public mutating func asFactors(_ names: [String]) throws {
        var table = self.table
        for name in names {
            guard let column = table[name] else {
                throw DataError(source: table.source, message: "'factors' names \(Excerpt.quoted(name)), which is not a column (columns: \(table.names.joined(separator: ", ")))")
            }
            guard case .numeric(let values) = column else { continue }
            let metadata = table.metadata[name] ?? VariableMetadata()
            let distinct = Set(values.filter { !$0.isNaN }).sorted()
            var labels = [String]()
            var codeOf = [Double: Int32]()
            for v in distinct {
                let label = metadata.label(of: v) ?? Column.numeric([v]).text(at: 0)!
                if let existing = labels.firstIndex(of: label) {
                    codeOf[v] = Int32(existing)   // two values with one label are one level
                } else {
                    codeOf[v] = Int32(labels.count)
                    labels.append(label)
                }
            }
            let codes = values.map { $0.isNaN ? Int32(-1) : codeOf[$0]! }
            try table.append(.categorical(codes: codes, labels: labels), named: name, metadata: metadata)
        }
        self.table = table
    }
}

/// How to read a data file: what `--delimiter`, `--decimal`, `--na` and a codebook's `factors:`
/// say. Every field left at its default leaves the reader to find out.
public struct ReadingOptions: Sendable, Equatable {
    /// The delimiter of delimited text; nil detects it.
    public var delimiter: UInt8?
    /// The decimal mark of delimited text (`.` or `,`); nil detects it.
    public var decimalMark: UInt8?
    /// Codes declared missing (`--na`), with the columns they do not apply to.
    public var missingCodes = MissingCodes()
    /// Value-labelled numeric columns to read as factors of their labels.
    public var factors: [String] = []

    public init(delimiter: UInt8? = nil, decimalMark: UInt8? = nil, missingCodes: MissingCodes = MissingCodes(), factors: [String] = []) {
        self.delimiter = delimiter
        self.decimalMark = decimalMark
        self.missingCodes = missingCodes
        self.factors = factors
    }

    /// Parses `--delimiter`: `comma`, `semicolon`, `tab`, or one character.
    public static func delimiter(option value: String) throws -> UInt8 {
        switch value.lowercased() {
        case "comma", ",": return UInt8(ascii: ",")
        case "semicolon", ";": return UInt8(ascii: ";")
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        default:
            guard value.utf8.count == 1, let b = value.utf8.first, b >= 0x20, b < 0x7F, b != UInt8(ascii: "\"") else {
                throw DataError(location: "--delimiter", message: "\(Excerpt.quoted(value)) is not a delimiter (comma, semicolon, tab or one ASCII character)")
            }
            return b
        }
    }

    /// Parses `--decimal`: `.`/`point` or `,`/`comma`.
    public static func decimalMark(option value: String) throws -> UInt8 {
        switch value.lowercased() {
        case ".", "point", "period", "dot": return UInt8(ascii: ".")
        case ",", "comma": return UInt8(ascii: ",")
        default: throw DataError(location: "--decimal", message: "\(Excerpt.quoted(value)) is not a decimal mark (. or ,)")
        }
    }
}

/// The file formats session data can come in, by extension.
public enum SessionFileFormat: Sendable, Equatable {
    case delimitedText, spss, spssCompressed, spssPortable, stata

    public static let knownExtensions = ".csv, .tsv, .txt, .sav, .zsav, .por and .dta"

    public init?(path: String) {
        let lower = path.lowercased()
        guard let dot = lower.lastIndex(of: "."), !lower[dot...].contains("/") else { return nil }
        switch lower[lower.index(after: dot)...] {
        case "csv", "tsv", "txt": self = .delimitedText
        case "sav": self = .spss
        case "zsav": self = .spssCompressed
        case "por": self = .spssPortable
        case "dta": self = .stata
        default: return nil
        }
    }

    /// Whether the format is one of SPSS's.
    public var isSPSS: Bool { self == .spss || self == .spssCompressed || self == .spssPortable }

    /// `SPSS .sav`, for messages and `describe`.
    public var name: String {
        switch self {
        case .delimitedText: return "CSV"
        case .spss: return "SPSS .sav"
        case .spssCompressed: return "SPSS .zsav (compressed)"
        case .spssPortable: return "SPSS .por (portable)"
        case .stata: return "Stata .dta"
        }
    }

    /// `an SPSS`, `a Stata`, for "cannot be read as an SPSS file".
    var article: String {
        switch self {
        case .stata: return "a Stata"
        case .delimitedText: return "a delimited text"
        default: return "an SPSS"
        }
    }
}
