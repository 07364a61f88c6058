import ArgumentParser
import Reports

/// The `--format` every reporting command accepts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, latex, csv, json

    /// The table format, for every format but JSON.
    var tableFormat: TableFormat? { TableFormat(rawValue: rawValue) }
}
