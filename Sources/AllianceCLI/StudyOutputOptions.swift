import ArgumentParser

/// The outputs of a power study besides the summary file, shared by `alliance power` and
/// `alliance merge` (which writes exactly what the unsharded study would).
struct StudyOutputOptions: ParsableArguments {
    @Option(help: "Output format of the summary: text, markdown, latex, csv or json (default: by the extension of --out).")
    var format: OutputFormat?

    @Option(help: ArgumentHelp("Also write the power curve (SVG).", valueName: "file"))
    var curve: String?

    @Option(help: ArgumentHelp("The grid factor on the curve's x axis (default: the first with numbers as values).", valueName: "path"))
    var curveFactor: String?

    @Option(help: ArgumentHelp("Also write every replication's estimates (CSV with a # header).", valueName: "file"))
    var replications: String?

    func validate() throws {
        if curveFactor != nil && curve == nil { throw ValidationError("--curve-factor applies to --curve") }
    }
}
