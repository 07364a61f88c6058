import ArgumentParser
import SessionData
import Tabular

/// The data file and how to read it: options every command that reads session data shares.
struct PanelOptions: ParsableArguments {
    @Argument(help: "Session data in the long format (one row per patient and session): .csv, .tsv, .txt, .sav, .zsav, .por or .dta.")
    var data: String

    @OptionGroup var reading: PanelReadingOptions

    func loadPanel() throws -> Panel { try reading.loadPanel(path: data) }

    /// The files the command reads, which no output may overwrite.
    var files: [String] { [data] + reading.files }
}

/// How to read any data file: the delimited-text dialect and the codes that mean "missing".
struct FileReadingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter of delimited text: comma, semicolon, tab or one character (default: detected from the header line).",
                               valueName: "delimiter"))
    var delimiter: String?

    @Option(help: ArgumentHelp("Decimal mark of delimited text: . or , (default: detected; a semicolon file with decimal commas is Excel's CSV in most of Europe).",
                               valueName: "mark"))
    var decimal: String?

    @Option(help: ArgumentHelp("Codes that mean a missing value, separated by commas (e.g. 99,-99,NA), in every column (in session data, not in the patient, therapist and session identifiers).",
                               valueName: "codes"))
    var na: [String] = []

    /// The options as the readers take them (codebook `factors:` added by the caller).
    func readingOptions() throws -> ReadingOptions {
        var options = ReadingOptions()
        options.delimiter = try delimiter.map { try ReadingOptions.delimiter(option: $0) }
        options.decimalMark = try decimal.map { try ReadingOptions.decimalMark(option: $0) }
        for spec in na { options.missingCodes.formUnion(try MissingCodes(specification: spec)) }
        return options
    }
}

/// How to read a session data file: column renames, scales, a codebook, and the file's dialect.
struct PanelReadingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Column names for the roles, e.g. patient=id,session=sess (roles: patient, therapist, session, alliance_patient, alliance_therapist, distress).",
                               valueName: "role=column,..."))
    var columns: [String] = []

    @Option(help: ArgumentHelp("Scale of a rating: NAME=MIN:MAX, optionally with ,reliability=R ,sd=S ,lower-is-better (e.g. alliance_patient=1:7,reliability=0.9). Repeatable.",
                               valueName: "spec"))
    var scale: [String] = []

    @Option(help: ArgumentHelp("A YAML or JSON codebook with column renames, scales and factors (see docs/METHODS.md).", valueName: "file"))
    var codebook: String?

    @OptionGroup var file: FileReadingOptions

    /// The codebook, if one is given (an input no output may overwrite).
    var files: [String] { codebook.map { [$0] } ?? [] }

    /// Reads and validates the panel at `path`: the codebook (or `defaultCodebook` when none is
    /// given) first, then --columns and --scale on top.
    func loadPanel(path: String, defaultCodebook: String? = nil) throws -> Panel {
        var book = try (codebook ?? defaultCodebook).map { try Codebook(path: $0) } ?? Codebook()
        for spec in columns { try book.columns.apply(specification: spec) }
        for spec in scale {
            let (name, s) = try RatingScale.parse(option: spec)
            book.scales[name] = s
        }
        var options = try file.readingOptions()
        options.factors = book.factors
        return try Panel.read(path: path, columns: book.columns, scales: book.scales, options: options)
    }
}
