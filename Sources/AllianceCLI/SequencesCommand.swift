import ArgumentParser
import Foundation
import Reports
import Ruptures
import SessionData
import Tabular

/// `alliance sequences EVENTS --codebook C`: lag-sequential analysis of observer-coded rupture
/// events, rupture episodes and the therapist moves in them, the fit of a stage model, and the
/// observer's session variables in the long format.
struct SequencesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sequences",
        abstract: "Analyse observer-coded rupture events: lag-sequential transitions, episodes, moves by resolution, a stage model, session variables.",
        discussion: """
        EVENTS has one row per coded event: patient, session, segment and/or onset, actor \
        (patient or therapist), code. The codebook (YAML or JSON) maps each code to a category \
        (withdrawal, confrontation, facilitating, hindering, resolution, or a declared one) and may \
        hold a stage model. Every statistic, with its source, is in docs/METHODS.md.

        Examples:
          alliance sequences datasets/coded-sessions-synthetic.csv --codebook datasets/coded-sessions-codebook.yaml
          alliance sequences events.sav --codebook codes.yaml --unit code --lag 2 --format markdown
          alliance sequences events.csv --codebook codes.yaml --out results --sessions-out observer.sav
        """)

    @Argument(help: "Coded events (one row per event): .csv, .tsv, .txt, .sav, .zsav or .dta.")
    var events: String

    @Option(help: ArgumentHelp("The event codebook (YAML or JSON): codes, categories, optionally a stage model.", valueName: "file"))
    var codebook: String

    @Option(help: "Lag of the transitions: 1 = the next event, 2 = the one after, ...")
    var lag: Int = 1

    @Option(help: "Count transitions between codes or between their categories.")
    var unit: SequenceUnit = .category

    @Option(help: ArgumentHelp("A stage model: categories in order, separated by commas, alternatives by | (e.g. withdrawal|confrontation,attending,exploring,resolution). Default: the codebook's model.",
                               valueName: "stages"))
    var model: String?

    @Option(help: ArgumentHelp("Column names for the roles, e.g. code=rrs_code,segment=seg (roles: patient, session, segment, onset, actor, code).",
                               valueName: "role=column,..."))
    var columns: [String] = []

    @OptionGroup var reading: FileReadingOptions

    @Option(help: "Permutations for the transitions' p-values (0 for none).")
    var permutations: Int = 9999

    @Option(help: "Seed of the permutations (the same seed gives the same p-values).")
    var seed: UInt64 = 1

    @Option(help: "Output format: text, markdown, latex, csv or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("Also write every table as CSV, the JSON and the transition diagram (SVG) into this folder.", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Write the observer's session variables in the long session format (.csv, .sav or .dta).", valueName: "file"))
    var sessionsOut: String?

    func validate() throws {
        if lag < 1 { throw ValidationError("--lag must be at least 1, not \(lag)") }
        if permutations < 0 || permutations > 1_000_000 {
            throw ValidationError("--permutations must be from 0 to 1,000,000, not \(permutations)")
        }
        if let path = sessionsOut, !TableFile.isWritable(path) {
            throw ValidationError("--sessions-out: unknown file type for '\(path)' (use \(TableFile.writableList))")
        }
    }

    func run() throws {
        let inputs = [events, codebook]
        if let path = sessionsOut { try OutputFile.check(path, protecting: inputs) }
        if let out { try OutputFolder.check(out) }
        let book = try EventCodebook(path: codebook)
        var mapping = book.columns
        for spec in columns { try mapping.apply(specification: spec) }
        let stageModel = try model.map { try StageModel(specification: $0, codebook: book) } ?? book.model
        var options = try reading.readingOptions()
        options.missingCodes.exemptColumns.formUnion([EventRole.patient, .session].map { mapping[$0] })
        let coded = try CodedSessions.read(path: events, codebook: book, columns: mapping, options: options)
        let report = SequenceReport(coded: coded, unit: unit, lag: lag, permutations: permutations, seed: seed, model: stageModel)
        guard report.pooled.total > 0 else {
            let longest = coded.sessions.map(\.events.count).max() ?? 0
            throw DataError(location: "--lag \(lag)", message: "no session of \(coded.source) has more than \(longest) event\(longest == 1 ? "" : "s"), so there are no lag-\(lag) transitions")
        }

        // Everything is computed before anything is written.
        let tables = SequenceTables.all(report)
        let json = try JSONOutput.string(report)
        let sessionsFile = try sessionsOut.map { path in
            (path, try TableFile.data(for: try ObserverSessionSummary.longFormat(report.sessions, coded: coded), destination: path))
        }
        var folder = [(name: String, contents: String)]()
        if out != nil {
            folder = tables.map { ($0.name + ".csv", $0.rendered(as: .csv)) }
            folder.append(("sequences.json", json))
            let caption = "Transition diagram of \(coded.source): lag-\(lag) transitions between \(unit == .code ? "codes" : "categories"), arrow widths proportional to p(target | given)."
            let figure = TransitionFigure.diagram(report).svg(description: caption).rendered
            folder.append(("transitions.svg", figure))
            let provenance = try ReportProvenance.now(dataFile: events, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: Self.sources)
            let html = HTMLReport(title: "Observer-coded rupture events: \(URL(fileURLWithPath: coded.source).lastPathComponent)",
                                  facts: [("Events", events), ("Codebook", codebook), ("Unit", unit == .code ? "codes" : "categories"),
                                          ("Lag", String(lag)), ("Permutations", "\(permutations) (seed \(seed))")],
                                  sections: [HTMLReport.Section("Tables", tables.map { .table($0) }),
                                             HTMLReport.Section("Transition diagram", [.figure(.init(svg: figure, caption: caption, fileName: "transitions.svg"))])],
                                  provenance: provenance)
            folder.append(("report.html", html.rendered()))
        }
        let printed = format.tableFormat.map { tables.rendered(as: $0, labelPrefix: "sequences", comment: "alliance sequences") } ?? json
        // The folder appears whole or not at all (OutputFolder); the session file is atomic.
        if let out { try OutputFolder.write(folder, to: out, protecting: inputs) }
        if let (path, data) = sessionsFile { try OutputFile.write(data, to: path, protecting: inputs) }
        print(printed, terminator: "")
    }
}

extension SequencesCommand {
    /// The sources of the methods, for the HTML report's footer (docs/METHODS.md has the details).
    static let sources = [
        "Bakeman, R., & Quera, V. (2011). Sequential Analysis and Observational Methods for the Behavioral Sciences. Cambridge University Press (lag-sequential analysis, adjusted residuals, Yule's Q).",
        "Bakeman, R., Robinson, B. F., & Quera, V. (1996). Testing sequential association: Estimating exact p values using sampled permutations. Psychological Methods, 1(1), 4-15 (permutation tests within sessions).",
        "Eubanks, C. F., Muran, J. C., & Safran, J. D.: the Rupture Resolution Rating System (3RS), the kind of coding system the codebook describes.",
        "Observer-coded rupture events, their statistics and assumptions: docs/METHODS.md, \"Observer-coded rupture events\".",
    ]
}

extension SequenceUnit: ExpressibleByArgument {}
