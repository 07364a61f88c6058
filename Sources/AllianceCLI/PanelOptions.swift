import ArgumentParser
import SessionData

/// The data file and how to read it: options every command that reads session data shares.
struct PanelOptions: ParsableArguments {
    @Argument(help: "Session data in the long format (one row per patient and session): .csv, .tsv, .txt, .sav, .zsav or .dta.")
    var data: String

    @OptionGroup var reading: PanelReadingOptions

    func loadPanel() throws -> Panel { try reading.loadPanel(path: data) }
}

/// How to read a session data file: column renames, scales, a codebook.
struct PanelReadingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Column names for the roles, e.g. patient=id,session=sess (roles: patient, therapist, session, alliance_patient, alliance_therapist, distress).",
                               valueName: "role=column,..."))
    var columns: [String] = []

    @Option(help: ArgumentHelp("Scale of a rating: NAME=MIN:MAX, optionally with ,reliability=R ,sd=S ,lower-is-better (e.g. alliance_patient=1:7,reliability=0.9). Repeatable.",
                               valueName: "spec"))
    var scale: [String] = []

    @Option(help: ArgumentHelp("A YAML or JSON codebook with column renames and scales (see docs/METHODS.md).", valueName: "file"))
    var codebook: String?

    /// Reads and validates the panel at `path`: the codebook (or `defaultCodebook` when none is
    /// given) first, then --columns and --scale on top.
    func loadPanel(path: String, defaultCodebook: String? = nil) throws -> Panel {
        var book = try (codebook ?? defaultCodebook).map { try Codebook(path: $0) } ?? Codebook()
        for spec in columns { try book.columns.apply(specification: spec) }
        for spec in scale {
            let (name, s) = try RatingScale.parse(option: spec)
            book.scales[name] = s
        }
        return try Panel.read(path: path, columns: book.columns, scales: book.scales)
    }
}
