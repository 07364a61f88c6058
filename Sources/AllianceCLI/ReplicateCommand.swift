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
        next-session distress per rater and for both, and per rater by the estimators without \
        Nickell's bias, DSEM (latent centring; seeded, --seed) and ML-SEM (fixed effects, sessions \
        3-12); sensitivity to the criterion and to detrending; the published findings next to this \
        dataset's, by estimator. Models and sources: docs/METHODS.md.

        --out DIR writes report.html, report.md, tables.tex (booktabs), one CSV per table, \
        results.json and three SVG figures. The same data, options and seed give the same files \
        (report.html apart from the date in its footer). --no-dynamic leaves out the DSEM and \
        ML-SEM, which take most of the time.
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

    @Option(help: "The DSEM sampler's random seed; the same seed gives the same output on any number of threads.")
    var seed: UInt64 = DynamicModelSettings().seed

    @Option(name: .customLong("dsem-iterations"),
            help: ArgumentHelp("DSEM iterations per chain kept after Mplus's PSR rule has converged.", valueName: "n"))
    var dsemIterations = DynamicModelSettings().iterations

    @Option(name: .customLong("mlsem-sessions"),
            help: ArgumentHelp("The sessions the ML-SEM takes as waves (those of them the data have).", valueName: "first:last"))
    var mlsemSessions = "\(DynamicModelSettings().mlsemSessions.lowerBound):\(DynamicModelSettings().mlsemSessions.upperBound)"

    @Flag(name: .customLong("no-dynamic"), help: "Leave out the DSEM and ML-SEM lagged models (the multilevel models stay).")
    var noDynamic = false

    @Flag(help: "Print no progress on standard error.")
    var quiet = false

    func validate() throws {
        _ = try dynamicSettings()
    }

    /// The DSEM and ML-SEM settings of the options (nil with --no-dynamic).
    func dynamicSettings() throws -> DynamicModelSettings? {
        var settings = DynamicModelSettings()
        guard dsemIterations >= 10 else { throw ValidationError("--dsem-iterations must be at least 10") }
        settings.iterations = dsemIterations
        settings.seed = seed
        let ends = mlsemSessions.split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard ends.count == 2, let first = ends[0], let last = ends[1], first <= last else {
            throw ValidationError("--mlsem-sessions: two session numbers first:last with first <= last, e.g. 3:12 (not '\(mlsemSessions)')")
        }
        settings.mlsemSessions = first...last
        return noDynamic ? nil : settings
    }

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
        let analysis = try ReplicationAnalysis(panel: panel, criterion: criterion, therapists: therapists, dynamic: try dynamicSettings(),
                                               progress: progress)
        let report = ReplicationReport(analysis: analysis, dataNote: bundled ? BundledDataset.note : nil)

        // Everything is rendered before anything is written.
        // Printed Markdown links the figures only where --out writes them.
        let printed = try format.tableFormat.map { report.rendered(as: $0, figuresIn: out) } ?? report.json()
        if let out {
            let provenance = try ReportProvenance.now(dataFile: path, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: ReplicationSources.of(analysis))
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
