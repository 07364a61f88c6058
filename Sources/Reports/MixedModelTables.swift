import Foundation
import MixedModels

/// Publication tables of a fitted mixed model, APA style: fixed effects (b, SE, df, t, p, 95% CI)
/// and random effects (variance, SD, correlation), and the same numbers as one tidy table for
/// programs (the columns of broom.mixed's `tidy()`, which R users feed to other tools).
public enum MixedModelTables {
    public static func fixedEffects(_ fit: LinearMixedModelFit, title: String? = nil, name: String = "fixed-effects") -> Table {
        var table = Table(title: title ?? "Fixed effects: \(fit.formula)", name: name,
                          columns: [TableColumn("Term", alignment: .left), TableColumn("b"), TableColumn("SE"),
                                    TableColumn("df"), TableColumn("t"), TableColumn("p"), TableColumn("95% CI")])
        for e in fit.fixedEffects {
            let (b, se, ci) = estimateCells(e)
            table.append([.text(e.term), b, se, .number(e.degreesOfFreedom, decimals: 1), .number(e.t, decimals: 2),
                          .pValue(e.p), ci])
        }
        table.notes = notes(fit)
        return table
    }

    /// The decimals an APA table gives an estimate and its SE: 2, or more so that a non-zero SE
    /// shows two significant digits (0.0032, not 0.00); nil when that would take more than 6,
    /// and the numbers are written in scientific notation instead [I: APA asks for 2 decimals
    /// where they suffice].
    public static func decimals(forStandardError se: Double) -> Int? {
        guard se.isFinite, se > 0, se < 0.005 else { return 2 }
        let needed = 1 - Int(Foundation.floor(Foundation.log10(se)))
        return needed <= 6 ? needed : nil
    }

    /// b, SE and the 95% CI of a fixed effect as APA table cells, with `decimals(forStandardError:)`.
    public static func estimateCells(_ e: FixedEffectEstimate) -> (estimate: Cell, standardError: Cell, interval: Cell) {
        if let d = decimals(forStandardError: e.standardError) {
            return (.number(e.estimate, decimals: d), .number(e.standardError, decimals: d),
                    .interval(e.confidenceLower, e.confidenceUpper, decimals: d))
        }
        func scientific(_ x: Double) -> String { String(format: "%.2e", x) }
        return (.text(scientific(e.estimate)), .text(scientific(e.standardError)),
                .text("[\(scientific(e.confidenceLower)), \(scientific(e.confidenceUpper))]"))
    }

    public static func randomEffects(_ fit: LinearMixedModelFit, title: String? = nil, name: String = "random-effects") -> Table {
        var table = Table(title: title ?? "Random effects: \(fit.formula)", name: name,
                          columns: [TableColumn("Group", alignment: .left), TableColumn("Term", alignment: .left),
                                    TableColumn("Variance"), TableColumn("SD"), TableColumn("r")])
        for c in fit.varianceComponents where c.var2 == nil {
            table.append([.text(c.group), .text(c.var1 ?? ""), .number(c.variance, decimals: 3),
                          .number(c.standardDeviationOrCorrelation ?? 0, decimals: 3), .empty])
        }
        for c in fit.varianceComponents where c.var2 != nil {
            table.append([.text(c.group), .text("\(c.var1 ?? "") with \(c.var2 ?? "")"), .number(c.variance, decimals: 3), .empty,
                          c.standardDeviationOrCorrelation.map { .bounded($0, decimals: 2) } ?? .text("NA")])
        }
        return table
    }

    /// One row per parameter: effect (fixed / ran_pars), group, term, estimate, std.error, df,
    /// statistic, p.value, conf.low, conf.high.
    public static func tidy(_ fit: LinearMixedModelFit) -> Table {
        var table = Table(title: "Parameters: \(fit.formula)", name: "parameters",
                          columns: ["effect", "group", "term", "estimate", "std.error", "df", "statistic", "p.value",
                                    "conf.low", "conf.high"].map { TableColumn($0) })
        for e in fit.fixedEffects {
            table.append([.text("fixed"), .empty, .text(e.term), .number(e.estimate, decimals: 4),
                          .number(e.standardError, decimals: 4), .number(e.degreesOfFreedom, decimals: 2),
                          .number(e.t, decimals: 3), .pValue(e.p), .number(e.confidenceLower, decimals: 4),
                          .number(e.confidenceUpper, decimals: 4)])
        }
        for c in fit.varianceComponents {
            let term: String
            if c.group == "Residual" { term = "sd__Observation" }
            else if let v2 = c.var2 { term = "cor__\(c.var1 ?? "").\(v2)" }
            else { term = "sd__\(c.var1 ?? "")" }
            let value: Cell = c.standardDeviationOrCorrelation.map { .number($0, decimals: 4) } ?? .empty
            table.append([.text("ran_pars"), .text(c.group), .text(term), value, .empty, .empty, .empty, .empty, .empty, .empty])
        }
        return table
    }

    /// The notes under a fixed-effects table: estimation, df method, fit indices, warnings.
    static func notes(_ fit: LinearMixedModelFit) -> [String] {
        var notes = ["\(fit.method == .reml ? "REML" : "ML") estimates; df by Satterthwaite's method; 95% Wald CIs."]
        let groups = fit.groups.map { "\($0.levels) \($0.name)" }.joined(separator: ", ")
        notes.append("N = \(fit.observationCount) observations (\(groups)).")
        if fit.droppedRowCount > 0 { notes.append("\(fit.droppedRowCount) rows with missing values were not used.") }
        notes.append(String(format: "%@ = %.2f, AIC = %.2f, BIC = %.2f.", fit.method == .reml ? "REML criterion" : "Deviance",
                            fit.objective, fit.aic, fit.bic))
        if fit.singular { notes.append("Singular fit: a variance component is estimated as zero.") }
        for w in fit.warnings { notes.append("Warning: \(w).") }
        return notes
    }

    /// The likelihood-ratio test as lme4's `anova()` table.
    public static func likelihoodRatio(_ test: LikelihoodRatioTest) -> Table {
        var table = Table(title: "Likelihood-ratio test", name: "likelihood-ratio",
                          columns: [TableColumn("Model", alignment: .left), TableColumn("npar"), TableColumn("AIC"),
                                    TableColumn("BIC"), TableColumn("logLik"), TableColumn("deviance"),
                                    TableColumn("Chisq"), TableColumn("Df"), TableColumn("p")])
        for row in test.rows {
            table.append([.text(row.formula), .integer(row.parameters), .number(row.aic, decimals: 2), .number(row.bic, decimals: 2),
                          .number(row.logLikelihood, decimals: 2), .number(row.deviance, decimals: 2),
                          row.chiSquare.map { .number($0, decimals: 3) } ?? .empty,
                          row.degreesOfFreedom.map { .integer($0) } ?? .empty, row.p.map { .pValue($0) } ?? .empty])
        }
        if test.refittedWithML { table.notes = ["Models fitted by REML were refitted with ML for the test (as lme4's anova does)."] }
        return table
    }
}
