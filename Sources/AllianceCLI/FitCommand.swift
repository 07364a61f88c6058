import ArgumentParser
import Foundation
import MixedModels
import Reports
import Tabular

/// `alliance fit`: a linear mixed model in lme4's formula language, with lmerTest's inference.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a linear mixed model (lme4 formula syntax) with Satterthwaite df, CIs, variance components and ICCs.",
        discussion: """
        Examples:
          alliance fit sleepstudy.csv --formula 'Reaction ~ Days + (Days | Subject)'
          alliance fit sessions.csv --formula 'distress ~ session + (1 | therapist/patient)' --format markdown
          alliance fit sessions.csv --formula 'y ~ x + (1 | g)' --compare 'y ~ 1 + (1 | g)'

        Formulas: y ~ a + b*c + a:b + a %in% b + (a + b)^2 + factor(x) + relevel(f, "b") + I(x^2) +
        scale(x) + poly(x, 2) + poly(x, 2, raw = TRUE) + as.numeric(x) + log(x) + sin(2 * pi * x) +
        offset(z), or y ~ . for every other column; random terms (1 | g), (1 + x | g), uncorrelated
        (1 + x || g), nested (1 | a/b) and crossed (1 | g1) + (1 | g2); '0 +' or '- 1' removes the
        intercept. Text columns are factors with levels in sorted order and treatment contrasts. Rows
        with a missing value in any variable of the formula are dropped and counted. Every fit ends
        at the exact optimum (BOBYQA, then Newton steps); a fit near the boundary (a correlation
        near +-1, a variance near 0) is flagged, since its df and p are unstable.
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

    @Option(name: .long, help: "A nested model to compare with by a likelihood-ratio test (both refitted by ML, as lme4's anova does).")
    var compare: String?

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
    }

    func run() throws {
        let clock = ContinuousClock()
        let readStart = clock.now
        for path in [ranef, fitted, out].compactMap({ $0 }) { try OutputFile.check(path, protecting: [data]) }
        let table = try TableFile.read(data, options: try reading.readingOptions())
        let readSeconds = (clock.now - readStart).components
        let model = try LinearMixedModel(formula: formula, data: table, method: ml ? .ml : .reml, residuals: residuals)
        if let threads { model.threads = threads }
        var fit = try model.fit()
        fit.timing.readSeconds = Double(readSeconds.seconds) + Double(readSeconds.attoseconds) * 1e-18

        var comparison: LikelihoodRatioTest?
        if let compare {
            let other = try LinearMixedModel(formula: compare, data: table, method: ml ? .ml : .reml)
            do {
                comparison = try LikelihoodRatioTest.compare([model, other])
            } catch let error as LikelihoodRatioError {
                throw CommandInputError(error.description)
            }
        }

        let output: String
        if let out, URL(fileURLWithPath: out).pathExtension.lowercased() == "html" {
            let provenance = try ReportProvenance.now(dataFile: data, arguments: ["alliance"] + CommandLine.arguments.dropFirst(),
                                                      version: Alliance.versionLine, sources: MixedModelReport.sources)
            output = MixedModelReport.html(fit, comparison: comparison, summary: MixedModelSummary.text(fit), provenance: provenance)
        } else {
            output = try rendered(fit, comparison: comparison)
        }

        if let ranef { try OutputFile.write(ConditionalModesFile.csv(fit), to: ranef, protecting: [data]) }
        if let fitted { try OutputFile.write(FittedValuesFile.csv(fit, rowCount: table.rowCount), to: fitted, protecting: [data]) }
        if let out { try OutputFile.write(output, to: out, protecting: [data]) } else { print(output, terminator: "") }
    }

    /// The fit in `--format`.
    func rendered(_ fit: LinearMixedModelFit, comparison: LikelihoodRatioTest?) throws -> String {
        let output: String
        switch format {
        case .json:
            if let comparison {
                output = try JSONOutput.string(FitWithComparison(fit: fit, likelihood_ratio_test: comparison))
            } else {
                output = try JSONOutput.string(fit)
            }
        case .text:
            output = MixedModelSummary.text(fit) + (comparison.map { "\n" + MixedModelTables.likelihoodRatio($0).rendered(as: .text) } ?? "")
        case .csv:
            output = MixedModelTables.tidy(fit).rendered(as: .csv)
        case .markdown, .latex:
            var tables = [MixedModelTables.fixedEffects(fit), MixedModelTables.randomEffects(fit)]
            if let comparison { tables.append(MixedModelTables.likelihoodRatio(comparison)) }
            output = tables.rendered(as: format.tableFormat!, labelPrefix: "fit", comment: "alliance fit \(data): \(fit.formula)")
        }
        return output
    }
}

/// The JSON of a fit together with a likelihood-ratio test.
private struct FitWithComparison: Encodable {
    let fit: LinearMixedModelFit
    let likelihood_ratio_test: LikelihoodRatioTest
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
