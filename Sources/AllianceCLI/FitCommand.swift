import ArgumentParser
import Foundation
import MixedModels
import Reports
import Tabular

/// `alliance fit`: a linear mixed model in lme4's formula language, with lmerTest's inference.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a linear mixed model (lme4 formula syntax): Satterthwaite or Kenward-Roger df, correlated residuals, profile and bootstrap CIs, ANOVA, R².",
        discussion: """
        Examples:
          alliance fit sleepstudy.csv --formula 'Reaction ~ Days + (Days | Subject)'
          alliance fit sessions.csv --formula 'distress ~ session + (1 | therapist/patient)' --format markdown
          alliance fit sessions.csv --formula 'y ~ x + (1 | g)' --compare 'y ~ 1 + (1 | g)'
          alliance fit sessions.csv --formula 'distress ~ session + (1 | patient)' --residuals 'ar1(session | patient)' --compare independent
          alliance fit sessions.csv --formula 'distress ~ session * alliance + (1 | therapist/patient)' --df kenward-roger --anova --test 'session = session:alliance = 0'
          alliance fit sleepstudy.csv --formula 'Reaction ~ Days + (Days | Subject)' --ci bootstrap --boot 10000 --seed 7

        Formulas: y ~ a + b*c + a:b + a %in% b + (a + b)^2 + factor(x) + relevel(f, "b") + I(x^2) +
        scale(x) + poly(x, 2) + poly(x, 2, raw = TRUE) + as.numeric(x) + log(x) + sin(2 * pi * x) +
        offset(z), or y ~ . for every other column; random terms (1 | g), (1 + x | g), uncorrelated
        (1 + x || g), nested (1 | a/b) and crossed (1 | g1) + (1 | g2); '0 +' or '- 1' removes the
        intercept. Text columns are factors with levels in sorted order and treatment contrasts. Rows
        with a missing value in any variable of the formula are dropped and counted. Every fit ends
        at the exact optimum (BOBYQA, then Newton steps); a fit near the boundary (a correlation
        near +-1, a variance near 0) is flagged, since its df and p are unstable.

        Residuals correlated within groups (--residuals) are fitted as nlme's lme(correlation = ) does;
        the group must be the innermost level (patients, not therapists). --df kenward-roger gives
        pbkrtest's adjusted SEs and df (REML fits). --ci profile profiles the ML likelihood of every
        parameter as lme4's confint(); --ci bootstrap refits --boot simulated datasets (seeded) and
        reports MixedModels.jl's shortest and percentile intervals.
        """)

    @Argument(help: "The data: CSV (comma, semicolon or tab), SPSS .sav or Stata .dta.")
    var data: String

    @Option(name: .long, help: "The model formula, as for lme4's lmer().")
    var formula: String

    @Flag(name: .long, help: "Fit by maximum likelihood instead of REML.")
    var ml = false

    @Option(name: .long, help: "Residuals correlated within groups, as nlme's correlation = : 'ar1(session | patient)' (AR(1) over whole-number times, gaps allowed), 'car1(time | patient)' (continuous-time AR(1)) or 'cs(1 | patient)' (compound symmetry).")
    var residuals: String?

    @Option(name: .long, help: "Output format: text (like summary() of an lmerTest fit), markdown, latex, csv (one row per parameter) or json.")
    var format: OutputFormat = .text

    @Option(name: .long, help: "A nested model to compare with by a likelihood-ratio test (both refitted by ML, as lme4's anova does), or 'independent': the same model with independent residuals (with --residuals; REML criteria compared, as nlme's anova does).")
    var compare: String?

    @Option(name: .long, help: "Degrees of freedom of the t and F tests: satterthwaite (lmerTest's default) or kenward-roger (pbkrtest's, with its adjusted SEs; REML fits).")
    var df: DegreesOfFreedomOption = .satterthwaite

    @Option(name: .customLong("test"), help: "An F test of the fixed effects, such as 'x1 = x2 = 0' or 'a = b' (coefficient names as printed; repeat for several).")
    var tests: [String] = []

    @Flag(name: .long, help: "Print the type III ANOVA table of the fixed effects, as lmerTest's anova() (with the --df method).")
    var anova = false

    @Option(name: .long, help: "Confidence intervals: wald (t with the --df df; the default), profile (likelihood profiles of every parameter, as lme4's confint()) or bootstrap (parametric, --boot replicates).")
    var ci: IntervalMethod?

    @Option(name: .long, help: "Parametric bootstrap replicates (implies --ci bootstrap; default 1000).")
    var boot: Int?

    @Option(name: .long, help: "Seed of the bootstrap's random numbers (default 1); the same seed gives the same intervals on any number of cores.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Write the conditional modes (BLUPs) to this CSV file.")
    var ranef: String?

    @Option(name: .long, help: "Write fitted values and residuals to this CSV file, one row per data row (NA where a row was not used).")
    var fitted: String?

    @Option(name: .long, help: "Write the output to this file instead of the terminal; a file ending in .html gets the HTML report (tables, the lmerTest summary, the data file's SHA-256).")
    var out: String?

    @Option(name: .long, help: "Threads for the derivative computations (default: all cores).")
    var threads: Int?

    @OptionGroup var reading: FileReadingOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if let boot {
            guard boot >= 1 else { throw ValidationError("--boot \(boot): the number of bootstrap replicates must be at least 1") }
            guard boot <= ParametricBootstrap.maximumReplicates else {
                throw ValidationError("--boot \(boot): at most \(ParametricBootstrap.maximumReplicates) replicates")
            }
            if let ci, ci != .bootstrap { throw ValidationError("--boot goes with --ci bootstrap, not --ci \(ci.rawValue)") }
        }
        if df == .kenwardRoger && ml {
            throw ValidationError("--df kenward-roger needs a REML fit (as in lmerTest and pbkrtest); drop --ml")
        }
        if compare == "independent" && residuals == nil {
            throw ValidationError("--compare independent tests a residual correlation structure: give one with --residuals")
        }
    }

    /// The intervals asked for (`--boot` alone means a bootstrap).
    var intervalMethod: IntervalMethod { ci ?? (boot != nil ? .bootstrap : .wald) }

    func run() throws {
        let clock = ContinuousClock()
        let readStart = clock.now
        for path in [ranef, fitted, out].compactMap({ $0 }) { try OutputFile.check(path, protecting: [data]) }
        let table = try TableFile.read(data, options: try reading.readingOptions())
        let readSeconds = (clock.now - readStart).components
        let model = try LinearMixedModel(formula: formula, data: table, method: ml ? .ml : .reml, residuals: residuals)
        if let threads { model.threads = threads }
        // Hypotheses are checked against the model's coefficients before anything is fitted.
        let hypotheses = try tests.map { try LinearHypothesis($0, coefficients: model.frame.fixedEffectNames) }
        var fit = try model.fit(degreesOfFreedom: df.method)
        fit.timing.readSeconds = Double(readSeconds.seconds) + Double(readSeconds.attoseconds) * 1e-18

        var comparison: LikelihoodRatioTest?
        if let compare {
            do {
                if compare == "independent" {
                    let independent = try LinearMixedModel(frame: model.frame.withoutResidualCorrelation(), method: model.method)
                    comparison = try LikelihoodRatioTest.compare([model, independent], refitWithML: model.method == .ml)
                } else {
                    let structure = try residuals.map { try CorrelationStructure($0) }
                    let other = try LinearMixedModel(frame: ModelFrame(formula: ModelFormula(compare), data: table, residuals: structure),
                                                     method: ml ? .ml : .reml)
                    comparison = try LikelihoodRatioTest.compare([model, other])
                }
            } catch let error as LikelihoodRatioError {
                throw CommandInputError(error.description)
            }
        }
        let testResults = try hypotheses.map { try fit.test($0) }
        let anovaTable = anova ? try AnalysisOfVariance(model: model, fit: fit) : nil
        var bootstrap: ParametricBootstrap?
        var intervals: FitIntervals?
        switch intervalMethod {
        case .wald: break
        case .profile: intervals = FitIntervals(try ProfileLikelihood(model: model, threads: model.threads))
        case .bootstrap:
            let b = try ParametricBootstrap(model: model, fit: fit, replicates: boot ?? 1_000, seed: seed, threads: model.threads)
            bootstrap = b
            intervals = FitIntervals(b)
        }
        let extras = FitExtras(comparison: comparison, tests: testResults, anova: anovaTable, intervals: intervals, bootstrap: bootstrap)

        let output: String
        if let out, URL(fileURLWithPath: out).pathExtension.lowercased() == "html" {
            let provenance = try ReportProvenance.now(dataFile: data, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: MixedModelReport.sources)
            output = MixedModelReport.html(fit, comparison: comparison, summary: textOutput(fit, extras), provenance: provenance,
                                           extraTables: extraTables(extras), intervals: intervals)
        } else {
            output = try rendered(fit, extras)
        }

        if let ranef { try OutputFile.write(ConditionalModesFile.csv(fit), to: ranef, protecting: [data]) }
        if let fitted { try OutputFile.write(FittedValuesFile.csv(fit, rowCount: table.rowCount), to: fitted, protecting: [data]) }
        if let out { try OutputFile.write(output, to: out, protecting: [data]) } else { print(output, terminator: "") }
    }

    /// The fit in `--format`.
    func rendered(_ fit: LinearMixedModelFit, _ extras: FitExtras) throws -> String {
        switch format {
        case .json:
            return try JSONOutput.string(FitJSON(fit: fit, extras: extras))
        case .text:
            return textOutput(fit, extras)
        case .csv:
            return MixedModelTables.tidy(fit, intervals: extras.intervals).rendered(as: .csv)
        case .markdown, .latex:
            let tables = [MixedModelTables.fixedEffects(fit, intervals: extras.intervals),
                          MixedModelTables.randomEffects(fit, intervals: extras.intervals)] + extraTables(extras)
            return tables.rendered(as: format.tableFormat!, labelPrefix: "fit", comment: "alliance fit \(data): \(fit.formula)")
        }
    }

    /// The summary as lmerTest prints it, then the ANOVA table, F tests, intervals and test.
    func textOutput(_ fit: LinearMixedModelFit, _ extras: FitExtras) -> String {
        var out = MixedModelSummary.text(fit, intervals: extras.intervals)
        if let anova = extras.anova { out += "\n" + MixedModelSummary.analysisOfVariance(anova) }
        if !extras.tests.isEmpty { out += "\n" + MixedModelSummary.tests(extras.tests) }
        if let intervals = extras.intervals, intervals.method == .bootstrap {
            out += "\n" + MixedModelTables.intervals(intervals, bootstrap: extras.bootstrap).rendered(as: .text)
        }
        if let comparison = extras.comparison { out += "\n" + MixedModelTables.likelihoodRatio(comparison).rendered(as: .text) }
        return out
    }

    /// The tables after the fixed and random effects.
    func extraTables(_ extras: FitExtras) -> [Table] {
        var tables = [Table]()
        if let intervals = extras.intervals { tables.append(MixedModelTables.intervals(intervals, bootstrap: extras.bootstrap)) }
        if let anova = extras.anova { tables.append(MixedModelTables.analysisOfVariance(anova)) }
        if !extras.tests.isEmpty { tables.append(MixedModelTables.tests(extras.tests)) }
        if let comparison = extras.comparison { tables.append(MixedModelTables.likelihoodRatio(comparison)) }
        return tables
    }
}

/// What `alliance fit` computes beyond the fit itself.
struct FitExtras {
    let comparison: LikelihoodRatioTest?
    let tests: [FTest]
    let anova: AnalysisOfVariance?
    let intervals: FitIntervals?
    let bootstrap: ParametricBootstrap?
}

/// `--df`.
enum DegreesOfFreedomOption: String, ExpressibleByArgument, CaseIterable {
    case satterthwaite
    case kenwardRoger = "kenward-roger"

    var method: DegreesOfFreedomMethod { self == .satterthwaite ? .satterthwaite : .kenwardRoger }
}

extension IntervalMethod: ExpressibleByArgument {}

/// The JSON of a fit: the fit's own keys, and those of what was asked for besides.
private struct FitJSON: Encodable {
    let fit: LinearMixedModelFit
    let extras: FitExtras

    enum CodingKeys: String, CodingKey { case likelihood_ratio_test, tests, anova, confidence_intervals, bootstrap }

    func encode(to encoder: Encoder) throws {
        try fit.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(extras.comparison, forKey: .likelihood_ratio_test)
        if !extras.tests.isEmpty { try c.encode(extras.tests, forKey: .tests) }
        try c.encodeIfPresent(extras.anova, forKey: .anova)
        try c.encodeIfPresent(extras.intervals, forKey: .confidence_intervals)
        try c.encodeIfPresent(extras.bootstrap, forKey: .bootstrap)
    }
}


/// Conditional modes as lme4's `as.data.frame(ranef(fit))` lays them out: grpvar, term, grp, condval.
enum ConditionalModesFile {
    static func csv(_ fit: LinearMixedModelFit) -> String {
        var lines = ["grpvar,term,grp,condval"]
        for modes in fit.conditionalModes {
            let k = modes.columnNames.count
            for (c, term) in modes.columnNames.enumerated() {
                for (level, name) in modes.levels.enumerated() {
                    lines.append([modes.group, term, name, CellFormatting.exact(modes.values[level * k + c])]
                        .map(csvField).joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Fitted values and residuals aligned with the input rows (row numbers start at 1).
enum FittedValuesFile {
    static func csv(_ fit: LinearMixedModelFit, rowCount: Int) -> String {
        var fitted = [Double?](repeating: nil, count: rowCount)
        var residual = [Double?](repeating: nil, count: rowCount)
        for (k, row) in fit.rows.enumerated() {
            fitted[row] = fit.fitted[k]
            residual[row] = fit.residuals[k]
        }
        var lines = ["row,fitted,residual"]
        for r in 0..<rowCount {
            lines.append("\(r + 1),\(fitted[r].map(CellFormatting.exact) ?? "NA"),\(residual[r].map(CellFormatting.exact) ?? "NA")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A CSV field, quoted when it has to be.
func csvField(_ s: String) -> String {
    s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

/// A bad combination of options or inputs found while running a command.
struct CommandInputError: InputError {
    let description: String
    init(_ description: String) { self.description = description }
}
