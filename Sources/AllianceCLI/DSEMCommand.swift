import ArgumentParser
import DSEM
import DynamicModels
import Foundation
import Reports
import SessionData
import Tabular

/// `alliance dsem`: a two-level dynamic structural equation model (Mplus's DSEM with latent mean
/// centring) in lme4's formula language, by Gibbs sampling.
struct DSEMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dsem",
        abstract: "Fit a dynamic structural equation model (two-level DSEM with latent centring, as in Mplus) by Bayesian estimation.",
        discussion: """
        Examples:
          alliance dsem sessions.csv --time session --formula 'distress ~ lag(distress)
            + lag(rupture) + lag(repair) + (1 + lag(distress) | patient)'
          alliance dsem sessions.csv --format json --formula 'distress ~ lag(distress)
            + session + factor(therapist) + mean(rupture) + (1 | patient)'
          alliance dsem esm.csv --formula 'na ~ lag(na) + (1 + lag(na) | id)'
            --time beep --iterations 5000 --trace na.svg

        The formula: lag(y) (or lag(y, k)) of the outcome is the autoregression,
        centred on each patient's latent mean; x, lag(x), lag(x, k) are
        time-varying covariates (observed, not centred); factor(x) and columns
        constant within patients are between-level covariates of the latent mean,
        as is mean(x), a patient's mean of x over its sessions; one random term
        (1 + ... | patient) names the patient column and the random effects
        (intercept required; '||' for uncorrelated). Time is the session number:
        a missed session is a missing value, sampled with the rest.

        Iterations (per chain, counted after thinning): by default Mplus's rule,
        which runs until the PSR of every parameter over the last half of the
        iterations is below --psr (checked every 100, between --min-iterations
        and --max-iterations) and keeps that last half; --iterations N keeps N
        more after convergence instead. --burn-in B fixes the burn-in (then
        --iterations defaults to B).

        Priors (Mplus's defaults unless set, in Mplus's notation):
          --prior 'lag(distress) ~ N(0, 1)'    a fixed-part term: N(mean, variance)
          --prior 'residual ~ IG(0.01, 0.01)'  the residual variance
          --prior 'random ~ IW(1, 4)'          random-effect covariance: IW(s x I, df)
          --prior 'random ~ IG(1, 0.1)'        each variance, with '||'
          --prior 'initial ~ N(0, 10)'         pre-sample values (default: from data)
          --prior 'log(residual variance) ~ N(2, 10)'
                                               the mean of the log residual variances
                                               (with --random-residual-variance)
        See docs/METHODS.md ("Dynamic structural equation models").
        """)

    @OptionGroup var panel: PanelOptions

    @Option(name: .long, help: "The model formula, e.g. 'distress ~ lag(distress) + lag(rupture) + (1 + lag(distress) | patient)'.")
    var formula: String

    @Option(name: .long, help: "The column of session numbers (the time axis; default: the session column, 'session').")
    var time: String?

    @Option(name: .long, help: "Markov chains, run in parallel.")
    var chains = 2

    @Option(name: .long, help: "Iterations kept per chain: after convergence (Mplus's rule) or after --burn-in.")
    var iterations: Int?

    @Option(name: .customLong("burn-in"), help: "A fixed number of burn-in iterations per chain instead of Mplus's PSR rule.")
    var burnIn: Int?

    @Option(name: .customLong("min-iterations"), help: "Mplus's rule: the fewest iterations per chain before convergence is checked.")
    var minimumIterations = 1_000

    @Option(name: .customLong("max-iterations"), help: "Mplus's rule: the most iterations per chain.")
    var maximumIterations = 50_000

    @Option(name: .long, help: "The PSR below which every parameter counts as converged.")
    var psr = 1.1

    @Option(name: .long, help: "Record every k-th iteration.")
    var thin = 1

    @Option(name: .long, help: "Random seed; the same seed gives the same output on any number of threads.")
    var seed: UInt64 = 1

    @Option(name: .long, help: ArgumentHelp("Initial condition: latent (Mplus's latent pre-sample values) or first (condition on the first observations).", valueName: "latent|first"))
    var initial = "latent"

    @Flag(name: .customLong("random-residual-variance"), help: "Give each patient its own residual variance (log variance random, sampled by a Metropolis step).")
    var randomResidualVariance = false

    @Option(name: .long, help: ArgumentHelp("A prior, e.g. 'lag(distress) ~ N(0, 1)' (repeatable; see above).", valueName: "prior"))
    var prior: [String] = []

    @Option(name: .long, help: "Output format: text (as Mplus reports Bayesian results), markdown, latex, csv (one row per parameter) or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write trace plots of every parameter and the PSR history to this SVG file.", valueName: "FILE.svg"))
    var trace: String?

    @Option(name: .long, help: ArgumentHelp("Write every recorded draw to this CSV file (chain, iteration, kept, one column per parameter).", valueName: "FILE.csv"))
    var draws: String?

    @Option(name: .long, help: "Write the output to this file instead of the terminal; a file ending in .html gets the HTML report (estimates, PSR and ESS, the trace plots, the priors, the data file's SHA-256).")
    var out: String?

    @Option(name: .long, help: "Threads for the chains and the patients (default: all cores). The results do not depend on it.")
    var threads: Int?

    func validate() throws {
        if chains < 1 { throw ValidationError("--chains must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if DSEMSpecification.InitialCondition(rawValue: initial) == nil {
            throw ValidationError("--initial must be 'latent' or 'first', not '\(initial)'")
        }
        if let trace, !trace.lowercased().hasSuffix(".svg") { throw ValidationError("--trace must name an .svg file") }
    }

    var settings: SamplerSettings {
        var s = SamplerSettings()
        s.chains = chains
        s.seed = seed
        s.thin = thin
        s.burnIn = burnIn
        s.iterations = iterations
        s.minimumIterations = minimumIterations
        s.maximumIterations = maximumIterations
        s.convergenceCriterion = psr
        s.threads = threads
        return s
    }

    func run() throws {
        if let problem = settings.problem { throw CommandInputError(problem) }
        for path in [out, trace, draws].compactMap({ $0 }) { try OutputFile.check(path, protecting: panel.files) }
        let parsed = try DSEMFormula(formula)
        var reading = panel.reading
        reading.columns.append("patient=\(parsed.group)")
        if let time { reading.columns.append("session=\(time)") }
        let data: Panel
        do {
            data = try reading.loadPanel(path: panel.data)
        } catch let error as DataError where error.message.hasPrefix("missing required column \(Excerpt.quoted(time ?? "session"))") {
            throw DataError(location: error.location,
                            message: error.message + (time == nil ? "; name the column of session numbers with --time" : "; check --time"))
        } catch let error as DataError where error.message.hasPrefix("missing required column \(Excerpt.quoted(parsed.group))") {
            throw DataError(location: error.location,
                            message: error.message + "; the formula's random part (... | \(parsed.group)) names the patient column")
        }
        let therapist = data.column(for: .therapist)
        let lagged: LaggedPanel
        do {
            lagged = try LaggedPanel(panel: data, variables: parsed.columns.filter { $0 != therapist })
        } catch let error as DataError where ["rupture", "repair"].contains(where: { error.message.hasPrefix("no column '\($0)") }) {
            // Rupture and repair indicators are computed from the alliance ratings, not read.
            throw DataError(location: error.location, message: error.message
                            + "; rupture and repair indicators come from the alliance ratings: 'alliance ruptures \(panel.data) --rater patient --annotate FILE' writes the data with rupture_patient and repair_patient")
        }
        var specification = try inFile { try DSEMSpecification(formula: parsed, panel: lagged) }
        specification.initialCondition = DSEMSpecification.InitialCondition(rawValue: initial)!
        specification.randomResidualVariance = randomResidualVariance
        for setting in prior { try specification.priors.apply(setting) }
        if let problem = specification.priorProblem { throw CommandInputError(problem) }

        let fit: DSEMFit
        do {
            fit = try inFile { try DSEM.fit(lagged, specification: specification, settings: settings) }
        } catch let error as DSEMComputationError {
            throw DSEMFailure(description: "the sampler failed: \(error.description)")
        }

        let output: String
        if let out, URL(fileURLWithPath: out).pathExtension.lowercased() == "html" {
            let provenance = try ReportProvenance.now(dataFile: panel.data, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: DSEMReport.sources)
            output = DSEMReport.html(fit, provenance: provenance)
        } else {
            output = try rendered(fit)
        }
        if let trace { try OutputFile.write(DSEMTables.trace(fit).svg().rendered, to: trace, protecting: panel.files) }
        if let draws { try OutputFile.write(DrawsFile.csv(fit), to: draws, protecting: panel.files) }
        if let out { try OutputFile.write(output, to: out, protecting: panel.files) } else { print(output, terminator: "") }
        // Warnings (not converged, patients left out) also on standard error, where a user who
        // writes CSV, JSON or HTML to a file sees them (after the output, not in the middle of it).
        fflush(nil)
        for warning in fit.warnings { FileHandle.standardError.write(Data("alliance dsem: warning: \(warning)\n".utf8)) }
    }

    /// The fit in `--format`.
    func rendered(_ fit: DSEMFit) throws -> String {
        let output: String
        switch format {
        case .json: output = try JSONOutput.string(fit)
        case .text: output = DSEMTables.text(fit)
        case .csv: output = DSEMTables.tidy(fit).rendered(as: .csv)
        case .markdown, .latex:
            output = [DSEMTables.estimates(fit)].rendered(as: format.tableFormat!, labelPrefix: "dsem", comment: "alliance dsem \(panel.data): \(formula)")
        }
        return output
    }

    /// Runs `body`; a `DSEMInputError` (what the data cannot support) names the data file.
    private func inFile<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DSEMInputError {
            throw DSEMInputError("\(panel.data): \(error.description)")
        }
    }
}

/// A failed computation of the sampler (exit status 1).
private struct DSEMFailure: Error, CustomStringConvertible {
    let description: String
}

/// Every recorded draw, one row per chain and iteration: chain, iteration, kept (1 for the draws
/// the posterior summaries use), then one column per parameter, numbers as the shortest text that
/// reads back exactly. R: `read.csv(file, check.names = FALSE)`.
enum DrawsFile {
    static func csv(_ fit: DSEMFit) -> String {
        var lines = [(["chain", "iteration", "kept"] + fit.parameterNames).map(csvField).joined(separator: ",")]
        for (c, chain) in fit.draws.enumerated() {
            let count = chain.first?.count ?? 0
            for i in 0..<count {
                var fields = [String(c + 1), String(i + 1), fit.keptRange.contains(i) ? "1" : "0"]
                for parameter in chain { fields.append(CellFormatting.exact(parameter[i])) }
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
