import ArgumentParser
import Foundation
import Replication
import Reports
import Tabular

/// `alliance replicate [DATA]`: the analysis of Gidhagen, Holmqvist & Falkenström (2025) end to
/// end, on the bundled synthetic dataset or the user's own.
struct ReplicateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replicate",
        abstract: "Replicate Gidhagen, Holmqvist & Falkenström (2025): ruptures, repairs, growth and lagged models, sensitivity, published vs this dataset.",
        discussion: """
        Without DATA, analyses the bundled synthetic dataset (datasets/sud-synthetic.csv, generated \
        by alliance's simulator; not the study's data). Steps: sample; descriptives by rater (ICCs, \
        patient-therapist correlation); ruptures and repairs; alliance growth; lagged models of \
        next-session distress per rater and for both; sensitivity to the criterion and to detrending; \
        the published findings next to this dataset's. Models and sources: docs/METHODS.md.

        --out DIR writes report.md, tables.tex (booktabs), one CSV per table, results.json and three \
        SVG figures.
        """)

    @Argument(help: "Session data in the long format (.csv, .tsv, .txt, .sav, .zsav or .dta); default: the bundled synthetic dataset.")
    var data: String?

    @OptionGroup var reading: PanelReadingOptions

    @OptionGroup var criterionOptions: CriterionOptions

    @Option(help: "Therapists in the models: auto (random intercept with 10 or more therapists, else fixed effects), random, fixed or none.")
    var therapists: TherapistModelling.Choice = .auto

    @Option(help: ArgumentHelp("Write the report, tables (LaTeX, CSV), results.json and figures (SVG) into this folder.", valueName: "dir"))
    var out: String?

    @Option(help: "What to print: text (the report), markdown, latex, csv (the tables) or json (results.json).")
    var format: OutputFormat = .text

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func run() throws {
        let criterion = try criterionOptions.chosen()
        let path: String
        if let data {
            path = data
        } else {
            guard let root = BundledDataset.root else {
                throw CommandInputError("no data file given and the bundled dataset \(BundledDataset.dataPath) was not found (run from the repository, or give a file)")
            }
            // Named as the user would name it from the repository's folder.
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
            path = here == root.standardizedFileURL ? BundledDataset.dataPath : root.appendingPathComponent(BundledDataset.dataPath).path
        }
        // The bundled data come with their codebook (scales), whichever way they are named.
        let bundled = BundledDataset.isBundled(path)
        let defaultCodebook = bundled ? BundledDataset.codebook(for: path) : nil
        let inputs = [path] + reading.files + (defaultCodebook.map { [$0] } ?? [])
        if let out { try OutputFolder.check(out) }
        let panel = try reading.loadPanel(path: path, defaultCodebook: defaultCodebook)
        RupturesCommand.warnAboutMissingRaters(in: panel)
        let progress = quiet ? AnalysisProgress.silent : Self.terminalProgress()
        let analysis = try ReplicationAnalysis(panel: panel, criterion: criterion, therapists: therapists, progress: progress)
        let report = ReplicationReport(analysis: analysis, dataNote: bundled ? BundledDataset.note : nil)

        // Everything is rendered before anything is written.
        // Printed Markdown links the figures only where --out writes them.
        let printed = try format.tableFormat.map { report.rendered(as: $0, figuresIn: out) } ?? report.json()
        if let out {
            let provenance = try ReportProvenance.now(dataFile: path, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: ReplicationSources.all)
            let files = try report.files(provenance: provenance)
            progress.step("writing \(files.count) files to \(out)")
            try OutputFolder.write(files, to: out, protecting: inputs)
        }
        print(printed, terminator: "")
    }

    /// Progress lines on standard error; counted steps update one line in place on a terminal
    /// (a log file or a pipe gets the steps alone, never a count).
    static func terminalProgress() -> AnalysisProgress {
        let onTerminal = isatty(STDERR_FILENO) == 1
        return AnalysisProgress { event in
            let line: String
            switch event {
            case .step(let message, _):
                line = "alliance replicate: \(message)\n"
            case .advanced(let done, let total):
                guard onTerminal else { return }
                line = "  \(done)/\(total)" + (done == total ? "\n" : "\r")
            }
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

extension TherapistModelling.Choice: ExpressibleByArgument {}
