import ArgumentParser
import DynamicModels
import Foundation
import Reports
import SEM
import SessionData

/// `alliance mlsem`: the ML-SEM dynamic panel model of Allison, Williams & Moral-Benito (2017), as
/// the R package dpm and Stata's xtdpdml fit it, with FIML over missed sessions.
struct MLSEMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlsem",
        abstract: "Fit an ML-SEM dynamic panel model with fixed effects (dpm / xtdpdml) by maximum likelihood, with FIML.",
        discussion: """
        The formula is dpm's: the outcome, then the time-varying predictors, then after '|' the \
        time-invariant covariates. lag(x) is x at the previous session, lag(x, k) k sessions \
        earlier; pre() marks a predetermined predictor (it may respond to earlier shocks of the \
        outcome); the lagged outcome is implied (--y-lag). Sessions are the waves: a missed \
        session is a missing wave, and FIML uses every observed value of every patient. Options \
        are dpm's (error.inv -> --error-inv, ...). docs/METHODS.md ("ML-SEM") gives the model.
        Examples:
          alliance mlsem wages.csv --formula 'wks ~ pre(lag(union)) + lag(lwage) | ed' --id id --time t --error-inv
          alliance mlsem sessions.csv --formula 'distress ~ pre(lag(alliance_patient))' --sessions 1:16
          alliance mlsem sessions.csv --formula 'distress ~ pre(lag(alliance_patient))' --sessions 1:16 --print-model
        """)

    @Argument(help: "Session data in the long format (one row per patient and session): .csv, .tsv, .txt, .sav, .zsav or .dta.")
    var data: String

    @Option(help: "The model formula in dpm's syntax, e.g. 'distress ~ pre(lag(rupture)) + lag(x) | age'.")
    var formula: String

    @Option(help: "The column identifying the patient.")
    var id = "patient"

    @Option(help: "The column holding the session number (the wave).")
    var time = "session"

    @Option(help: ArgumentHelp("Only these sessions become waves, e.g. 1:16 (default: every session in the data).", valueName: "first:last"))
    var sessions: String?

    @Flag(help: "One error variance for every session (dpm's error.inv).")
    var errorInv = false

    @Flag(help: "One intercept for every session (dpm's const.inv).")
    var constInv = false

    @Option(help: ArgumentHelp("The lags of the outcome, e.g. 1,2; 0 for no lagged outcome (dpm's y.lag).", valueName: "lags"))
    var yLag = "1"

    @Option(help: ArgumentHelp("The lag of predictors written without lag(); 0 is the same session.", valueName: "k"))
    var xLag = 0

    @Option(help: ArgumentHelp("Lagged-outcome coefficients free across sessions: all, or lags such as 1,2 (dpm's y.free).", valueName: "all|lags"))
    var yFree: String?

    @Option(help: ArgumentHelp("Predictor coefficients free across sessions: all, or columns such as union,lwage (dpm's x.free).", valueName: "all|columns"))
    var xFree: String?

    @Flag(help: "Alpha's loadings free across sessions, the first fixed at 1 (dpm's alpha.free).")
    var alphaFree = false

    @Flag(help: "Lagged predetermined predictors may also correlate with the contemporaneous error (dpm's partial.pre).")
    var partialPre = false

    @Flag(help: "Random effects: alpha uncorrelated with the predictors (dpm's fixed.effects = FALSE).")
    var randomEffects = false

    @Option(help: "Missing values: fiml (every observed value) or listwise (complete patients only).")
    var missing: StructuralEquationModel.MissingData = .fiml

    @Option(help: "Standard errors from the observed information (as dpm's Socius replication and Stata) or the expected information (lavaan's default).")
    var information: InformationKind = .observed

    @Flag(help: "Print the model in lavaan syntax (as dpm's print.only) and stop.")
    var printModel = false

    @Option(help: "Output format: text (as dpm's summary, then every parameter), markdown, latex, csv (one row per coefficient) or json.")
    var format: OutputFormat = .text

    @Option(help: "Write the output to this file instead of the terminal; a file ending in .html gets the HTML report (tables, dpm's summary, the model in lavaan syntax, the data file's SHA-256).")
    var out: String?

    @OptionGroup var reading: FileReadingOptions

    func validate() throws {
        _ = try options()
        if printModel, let out, Self.writesHTML(out) {
            throw ValidationError("--print-model prints the model in lavaan syntax, not a report: write it to a .lav or .txt file, not '\(out)'")
        }
    }

    /// Whether `--out` names the HTML report (by its extension, as `fit --out FILE.html`).
    static func writesHTML(_ out: String) -> Bool { URL(fileURLWithPath: out).pathExtension.lowercased() == "html" }

    /// The options as the library takes them; bad values are one-line errors naming the option.
    func options() throws -> MLSEMOptions {
        var o = MLSEMOptions()
        o.errorInvariant = errorInv
        o.constantInvariant = constInv
        o.outcomeLags = try Self.integers(yLag, option: "--y-lag")
        o.predictorLag = xLag
        if let yFree { o.outcomeFree = yFree == "all" ? .all : .some(try Self.integers(yFree, option: "--y-free").map(String.init)) }
        if let xFree {
            let names = xFree.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, !names.contains("") else { throw ValidationError("--x-free: 'all' or column names separated by commas") }
            o.predictorFree = xFree == "all" ? .all : .some(names)
        }
        o.alphaFree = alphaFree
        o.partialPredetermined = partialPre
        o.randomEffects = randomEffects
        o.missing = missing
        o.information = information
        if let sessions {
            let ends = sessions.split(separator: ":", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard ends.count == 2, let first = ends[0], let last = ends[1], first <= last else {
                throw ValidationError("--sessions: two session numbers first:last with first <= last, e.g. 1:16 (not '\(sessions)')")
            }
            o.sessions = first...last
        }
        return o
    }

    static func integers(_ text: String, option: String) throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("\(option): whole numbers separated by commas, e.g. 1,2 (not '\(text)')")
        }
        return values.map { $0! }
    }

    func run() throws {
        if let out { try OutputFile.check(out, protecting: [data]) }
        let model = try MLSEM(formula: formula, options: try options())
        var columns = ColumnMapping()
        try columns.apply(specification: "patient=\(id),session=\(time)", option: "--id/--time")
        let panel = try Panel.read(path: data, columns: columns, options: try reading.readingOptions())
        let lagged = try LaggedPanel(panel: panel, variables: model.variables)
        if printModel {
            let spec = model.specification(waves: try model.waves(sessions: model.options.sessions ?? lagged.sessionRange))
            try emit(spec.lavaanSyntax)
            return
        }
        let fit = try model.fit(lagged)
        if let out, Self.writesHTML(out) {
            let provenance = try ReportProvenance.now(dataFile: data, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: MLSEMReport.sources)
            try emit(MLSEMReport.html(fit, lavaanSyntax: model.specification(waves: fit.waves).lavaanSyntax, provenance: provenance))
            return
        }
        let output: String
        switch format {
        case .json: output = try JSONOutput.string(fit)
        case .text: output = MLSEMSummary.text(fit)
        case .csv: output = MLSEMTables.tidy(fit).rendered(as: .csv)
        case .markdown, .latex:
            output = [MLSEMTables.coefficients(fit), MLSEMTables.fit(fit)]
                .rendered(as: format.tableFormat!, labelPrefix: "mlsem", comment: "alliance mlsem \(data): \(formula)")
        }
        try emit(output)
    }

    private func emit(_ text: String) throws {
        if let out { try OutputFile.write(text, to: out, protecting: [data]) } else { print(text, terminator: "") }
    }
}

extension StructuralEquationModel.MissingData: ExpressibleByArgument {}
extension InformationKind: ExpressibleByArgument {}
