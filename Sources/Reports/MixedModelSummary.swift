import Foundation
import MixedModels
import Numerics

/// A fitted model printed the way `summary()` of an lmerTest fit prints it, so that R users find
/// every number where they expect it; followed by what lmerTest leaves to other calls (confidence
/// intervals, information criteria, ICCs) and by alliance's diagnostics.
public enum MixedModelSummary {
    /// The summary; with `intervals` (profile or bootstrap), those intervals of every parameter in
    /// place of the Wald intervals of the fixed effects.
    public static func text(_ fit: LinearMixedModelFit, intervals: FitIntervals? = nil) -> String {
        var out = [String]()
        let tests = fit.degreesOfFreedomMethod.map { " t-tests use \($0.possessive) method" } ?? ""
        out.append("Linear mixed model fit by \(fit.method == .reml ? "REML" : "maximum likelihood").\(tests)")
        out.append("Formula: \(fit.formula)")
        out.append("   Data: \(fit.source)")
        out.append("")
        if fit.method == .reml {
            out.append("REML criterion at convergence: \(String(format: "%.1f", fit.objective))")
        } else {
            out.append(columns([["AIC", "BIC", "logLik", "deviance", "df.resid"],
                                [String(format: "%.1f", fit.aic), String(format: "%.1f", fit.bic),
                                 String(format: "%.1f", fit.logLikelihood), String(format: "%.1f", fit.objective),
                                 String(fit.observationCount - fit.parameterCount)]], rightAlign: true).joined(separator: "\n"))
        }
        out.append("")
        out.append("Scaled residuals: ")
        let scaled = fit.residuals.map { $0 / fit.sigma }.sorted()
        let quantiles = [0, 0.25, 0.5, 0.75, 1].map { SampleQuantile.ofSorted(scaled, $0) }
        out.append(contentsOf: columns([["Min", "1Q", "Median", "3Q", "Max"], quantiles.map { String(format: "%.4f", $0) }],
                                       rightAlign: true))
        out.append("")
        out.append("Random effects:")
        out.append(contentsOf: randomEffectsLines(fit))
        let groups = fit.groups.map { "\($0.name), \($0.levels)" }.joined(separator: "; ")
        out.append("Number of obs: \(fit.observationCount), groups:  \(groups)")
        if let r = fit.residualCorrelation {
            // As nlme prints a correlation structure, with its interval as intervals() gives it.
            out.append("")
            out.append("Correlation Structure: \(MixedModelTables.structureName(r)) within \(r.groupName) (\(r.structure); nlme: \(r.nlme))")
            var line = " Parameter estimate: \(r.parameter) \(RNumberFormat.format([r.estimate], digits: 7)[0])"
            if let i = intervals?.interval(r.parameter.lowercased()) {
                line += ", 95% CI [\(RNumberFormat.format([i.lower], digits: 4)[0]), \(RNumberFormat.format([i.upper], digits: 4)[0])] (\(intervals!.method.rawValue))"
            } else if let lower = r.confidenceLower, let upper = r.confidenceUpper {
                line += ", 95% CI [\(RNumberFormat.format([lower], digits: 4)[0]), \(RNumberFormat.format([upper], digits: 4)[0])] (Wald on nlme's scale, as intervals())"
            }
            out.append(line)
            if r.onBoundary { out.append(" on the boundary: the correlation is at the end of its range") }
        }
        if fit.droppedRowCount > 0 {
            out.append("(\(fit.droppedRowCount) row\(fit.droppedRowCount == 1 ? "" : "s") with missing values not used)")
        }
        out.append("")
        out.append("Fixed effects:")
        out.append(contentsOf: fixedEffectsLines(fit))
        out.append("---")
        out.append("Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1")
        out.append("")
        if let intervals {
            out.append(intervals.method == .profile ? "95% profile-likelihood confidence intervals (ML, as lme4's confint(method = \"profile\")):"
                                                    : "95% parametric bootstrap confidence intervals (shortest, as MixedModels.jl's confint):")
            var ci = [["", "2.5 %", "97.5 %"]]
            let bounds = RNumberFormat.format(intervals.intervals.flatMap { [$0.lower, $0.upper] }, digits: 4)
            for (k, i) in intervals.intervals.enumerated() { ci.append([i.name, bounds[2 * k], bounds[2 * k + 1]]) }
            out.append(contentsOf: columns(ci, rightAlign: true, firstLeft: true))
        } else {
            out.append("95% confidence intervals (Wald, \(fit.degreesOfFreedomMethod?.rawValue ?? "normal") df):")
            var ci = [["", "2.5 %", "97.5 %"]]
            let bounds = RNumberFormat.format(fit.fixedEffects.flatMap { [$0.confidenceLower, $0.confidenceUpper] }, digits: 4)
            for (k, e) in fit.fixedEffects.enumerated() {
                ci.append([e.term, bounds[2 * k], bounds[2 * k + 1]])
            }
            out.append(contentsOf: columns(ci, rightAlign: true, firstLeft: true))
        }
        out.append("")
        out.append(String(format: "logLik %@ (df = %d), AIC %.2f, BIC %.2f%@", String(format: "%.3f", fit.logLikelihood),
                          fit.parameterCount, fit.aic, fit.bic, fit.method == .reml ? " (REML)" : ""))
        if !fit.intraclassCorrelations.isEmpty {
            let iccs = fit.intraclassCorrelations.map { "\($0.group) \(String(format: "%.3f", $0.icc))" }.joined(separator: ", ")
            out.append("ICC: \(iccs)")
        }
        out.append("R2 (Nakagawa): marginal \(String(format: "%.3f", fit.rSquared.marginal)), conditional \(String(format: "%.3f", fit.rSquared.conditional))")
        for message in fit.messages { out.append("note: \(message)") }
        for warning in fit.warnings { out.append("warning: \(warning)") }
        return out.joined(separator: "\n") + "\n"
    }

    /// lmerTest's print of `anova(fit)` (R's `print.anova` with digits = 5): the heading, then one
    /// line per term: Sum Sq, Mean Sq, DenDF and F by `format(digits = 5)` (F rounded to 4
    /// decimals first), NumDF as integers, p by `format.pval(digits = 4)`, and significance stars.
    public static func analysisOfVariance(_ anova: AnalysisOfVariance) -> String {
        fTestLines(heading: anova.heading, rows: anova.rows)
            + (anova.untestable.isEmpty ? "" : "(no type III hypothesis: \(anova.untestable.joined(separator: ", ")))\n")
    }

    /// F tests of hypotheses, printed as lmerTest prints `contestMD()`.
    public static func tests(_ tests: [FTest]) -> String {
        fTestLines(heading: "F tests with \(tests.first?.method.possessive ?? "Satterthwaite's") method", rows: tests)
    }

    static func fTestLines(heading: String, rows: [FTest]) -> String {
        var lines = [heading]
        var table = [["", "Sum Sq", "Mean Sq", "NumDF", "DenDF", "F value", "Pr(>F)", ""]]
        // print.anova zaps the Sum Sq, Mean Sq and df columns (zapsmall(x, 5)) before formatting.
        func column(_ values: [Double]) -> [String] { RNumberFormat.format(RNumberFormat.zapsmall(values, digits: 5), digits: 5) }
        let sumSq = column(rows.map(\.sumOfSquares))
        let meanSq = column(rows.map(\.meanSquare))
        let denDF = column(rows.map(\.denominatorDegreesOfFreedom))
        let f = RNumberFormat.testStatistics(rows.map(\.f), digits: 5)
        let p = RNumberFormat.pValues(rows.map(\.p), digits: 4)
        for (k, row) in rows.enumerated() {
            table.append([row.label, sumSq[k], meanSq[k], String(row.numeratorDegreesOfFreedom), denDF[k], f[k], p[k], stars(row.p)])
        }
        lines += columns(table, rightAlign: true, firstLeft: true)
        lines.append("---")
        lines.append("Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1")
        return lines.joined(separator: "\n") + "\n"
    }

    static func stars(_ p: Double) -> String {
        p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : ""
    }

    private static func randomEffectsLines(_ fit: LinearMixedModelFit) -> [String] {
        var rows = [[" Groups", "Name", "Variance", "Std.Dev.", "Corr"]]
        var byGroup = [(String, [VarianceComponent])]()
        for c in fit.varianceComponents {
            if let k = byGroup.firstIndex(where: { $0.0 == c.group }) { byGroup[k].1.append(c) } else { byGroup.append((c.group, [c])) }
        }
        // lme4's formatVC: each column formatted together, R's format() with digits = 4.
        let allVariances = fit.varianceComponents.filter { $0.var2 == nil }
        let varianceText = RNumberFormat.format(allVariances.map(\.variance), digits: 4)
        let sdText = RNumberFormat.format(allVariances.map { $0.standardDeviationOrCorrelation ?? 0 }, digits: 4)
        var next = 0
        for (group, components) in byGroup {
            let variances = components.filter { $0.var2 == nil }
            let names = variances.map { $0.var1 ?? "" }
            for (k, v) in variances.enumerated() {
                var correlations = [String]()
                for j in 0..<k {
                    let c = components.first { $0.var1 == names[j] && $0.var2 == names[k] }
                    correlations.append(c?.standardDeviationOrCorrelation.map { String(format: "%.2f", $0) } ?? " NaN")
                }
                rows.append([k == 0 ? " " + group : "", v.var1 ?? "", varianceText[next], sdText[next],
                             correlations.joined(separator: " ")])
                next += 1
            }
        }
        return columns(rows, rightAlign: false)
    }

    private static func fixedEffectsLines(_ fit: LinearMixedModelFit) -> [String] {
        var rows = [["", "Estimate", "Std. Error", "df", "t value", "Pr(>|t|)", ""]]
        // R's printCoefmat with lmerTest's digits = 4: estimates, standard errors and df formatted
        // together (so 3.486e-03 rather than 0.003), t values rounded to 3 decimals, p-values by
        // format.pval.
        let effects = fit.fixedEffects
        let k = effects.count
        let numbers = RNumberFormat.coefficientColumns(effects.map(\.estimate) + effects.map(\.standardError) + effects.map(\.degreesOfFreedom))
        let t = RNumberFormat.testStatistics(effects.map(\.t))
        let p = RNumberFormat.pValues(effects.map(\.p))
        for (j, e) in effects.enumerated() {
            rows.append([e.term, numbers[j], numbers[k + j], numbers[2 * k + j], t[j], p[j], stars(e.p)])
        }
        return columns(rows, rightAlign: true, firstLeft: true)
    }

    /// Pads each column to its widest cell.
    static func columns(_ rows: [[String]], rightAlign: Bool, firstLeft: Bool = false) -> [String] {
        guard let width = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: width)
        for row in rows { for (j, s) in row.enumerated() { widths[j] = max(widths[j], s.count) } }
        return rows.map { row in
            var parts = [String]()
            for (j, s) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[j] - s.count)
                parts.append((rightAlign && !(firstLeft && j == 0)) ? pad + s : s + pad)
            }
            var line = parts.joined(separator: " ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
