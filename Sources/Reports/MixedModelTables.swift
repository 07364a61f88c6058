import Foundation
import MixedModels

/// Publication tables of a fitted mixed model, APA style: fixed effects (b, SE, df, t, p, 95% CI)
/// and random effects (variance, SD, correlation), and the same numbers as one tidy table for
/// programs (the columns of broom.mixed's `tidy()`, which R users feed to other tools).
public enum MixedModelTables {
    /// The fixed effects, then (`summaryRows`) the model's summary rows as sjPlot's `tab_model()`
    /// prints them under the coefficients: sigma^2, tau00 (and tau11, rho01) per group, the
    /// residual correlation, ICC, N per group, observations, marginal / conditional R^2. With
    /// `intervals` (profile or bootstrap) the CI column is theirs.
    public static func fixedEffects(_ fit: LinearMixedModelFit, title: String? = nil, name: String = "fixed-effects",
                                    intervals: FitIntervals? = nil, summaryRows: Bool = true) -> Table {
        var table = Table(title: title ?? "Fixed effects: \(fit.formula)", name: name,
                          columns: [TableColumn("Term", alignment: .left), TableColumn("b"), TableColumn("SE"),
                                    TableColumn("df"), TableColumn("t"), TableColumn("p"), TableColumn("95% CI")])
        for e in fit.fixedEffects {
            var (b, se, ci) = estimateCells(e)
            if let interval = intervals?.interval(e.term) {
                ci = .interval(interval.lower, interval.upper, decimals: decimals(forStandardError: e.standardError) ?? 2)
            }
            table.append([.text(e.term), b, se, .number(e.degreesOfFreedom, decimals: 1), .number(e.t, decimals: 2),
                          .pValue(e.p), ci])
        }
        if summaryRows { appendModelSummary(fit, to: &table) }
        table.notes = notes(fit, intervals: intervals)
        return table
    }

    /// sjPlot's `tab_model()` rows under the coefficients, in its words and order; values in the
    /// b column.
    static func appendModelSummary(_ fit: LinearMixedModelFit, to table: inout Table) {
        let blanks = [Cell](repeating: .empty, count: table.columns.count - 2)
        func row(_ label: String, _ value: Cell) { table.append([.text(label), value] + blanks) }
        table.appendSection("Random effects")
        let residual = fit.varianceComponents.last { $0.group == "Residual" }
        row("σ²", .number(residual?.variance ?? fit.sigma * fit.sigma, decimals: 2))
        var groups = [String]()
        for c in fit.varianceComponents where c.group != "Residual" && !groups.contains(c.group) { groups.append(c.group) }
        for group in groups {
            let components = fit.varianceComponents.filter { $0.group == group }
            let names = components.filter { $0.var2 == nil }.compactMap(\.var1)
            let offset = names.first == "(Intercept)" ? 0 : 1
            func index(_ name: String) -> Int { (names.firstIndex(of: name) ?? 0) + offset }
            for c in components where c.var2 == nil {
                let i = index(c.var1 ?? "")
                row("τ\(subscriptDigits(i))\(subscriptDigits(i)) \(group)" + (i == 0 ? "" : ".\(c.var1 ?? "")"), .number(c.variance, decimals: 2))
            }
            for c in components where c.var2 != nil {
                row("ρ\(subscriptDigits(index(c.var1 ?? "")))\(subscriptDigits(index(c.var2 ?? ""))) \(group)",
                    c.standardDeviationOrCorrelation.map { .bounded($0, decimals: 2) } ?? .text("NA"))
            }
        }
        if let r = fit.residualCorrelation {
            row("\(r.parameter == "Rho" ? "ρ" : "φ") \(structureName(r)) (\(r.groupName))", .bounded(r.estimate, decimals: 2))
        }
        if let total = fit.intraclassCorrelations.last { row("ICC", .bounded(total.icc, decimals: 2)) }
        for g in fit.groups { row("N \(g.name)", .integer(g.levels)) }
        row("Observations", .integer(fit.observationCount))
        row("Marginal R² / Conditional R²", .text("\(apa(fit.rSquared.marginal)) / \(apa(fit.rSquared.conditional))"))
    }

    /// A proportion to three decimals without the leading zero (APA).
    static func apa(_ x: Double) -> String {
        let text = String(format: "%.3f", x)
        return text.hasPrefix("0.") ? String(text.dropFirst()) : text.hasPrefix("-0.") ? "-" + text.dropFirst(2) : text
    }

    static func subscriptDigits(_ i: Int) -> String {
        let digits = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
        return String(i).compactMap { $0.wholeNumberValue.map { digits[$0] } }.joined()
    }

    /// AR(1), CAR(1) or compound symmetry, as nlme's print names the structure.
    public static func structureName(_ r: ResidualCorrelationEstimate) -> String {
        switch r.kind {
        case .ar1: return "AR(1)"
        case .car1: return "continuous AR(1)"
        case .cs: return "compound symmetry"
        }
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

    /// The variance components, the residual correlation if the model has one, and with
    /// `intervals` (or for the residual correlation, nlme's Wald interval) a CI of each SD or r.
    public static func randomEffects(_ fit: LinearMixedModelFit, title: String? = nil, name: String = "random-effects",
                                     intervals: FitIntervals? = nil) -> Table {
        let withIntervals = intervals != nil || fit.residualCorrelation != nil
        var columns = [TableColumn("Group", alignment: .left), TableColumn("Term", alignment: .left),
                       TableColumn("Variance"), TableColumn("SD"), TableColumn("r")]
        if withIntervals { columns.append(TableColumn("95% CI")) }
        var table = Table(title: title ?? "Random effects: \(fit.formula)", name: name, columns: columns)
        func interval(_ c: VarianceComponent, decimals: Int) -> [Cell] {
            guard withIntervals else { return [] }
            guard let i = intervals?.interval(FitIntervals.name(of: c)) else { return [.empty] }
            return [c.var2 == nil ? .interval(i.lower, i.upper, decimals: decimals) : .text(boundedInterval(i.lower, i.upper))]
        }
        for c in fit.varianceComponents where c.var2 == nil {
            table.append([.text(c.group), .text(c.var1 ?? ""), .number(c.variance, decimals: 3),
                          .number(c.standardDeviationOrCorrelation ?? 0, decimals: 3), .empty] + interval(c, decimals: 3))
        }
        for c in fit.varianceComponents where c.var2 != nil {
            table.append([.text(c.group), .text("\(c.var1 ?? "") with \(c.var2 ?? "")"), .number(c.variance, decimals: 3), .empty,
                          c.standardDeviationOrCorrelation.map { .bounded($0, decimals: 2) } ?? .text("NA")] + interval(c, decimals: 2))
        }
        if let r = fit.residualCorrelation {
            var ci: Cell = .empty
            if let i = intervals?.interval(r.parameter.lowercased()) { ci = .text(boundedInterval(i.lower, i.upper)) }
            else if let lower = r.confidenceLower, let upper = r.confidenceUpper { ci = .text(boundedInterval(lower, upper)) }
            table.append([.text("Residual"), .text("\(structureName(r)) \(r.parameter == "Rho" ? "ρ" : "φ") within \(r.groupName)"),
                          .empty, .empty, .bounded(r.estimate, decimals: 2), ci])
            let source = intervals.map { _ in "" } ?? " (Wald interval on nlme's scale, as nlme's intervals())"
            table.notes.append("Residual correlation: \(r.structure), nlme's \(r.nlme)\(r.onBoundary ? "; on the boundary of its range" : "")\(source).")
        }
        if let intervals { table.notes.append("CIs: \(intervals.description).") }
        return table
    }

    /// [lo, hi] of quantities bounded by 1, two decimals without leading zeros (APA).
    static func boundedInterval(_ lower: Double, _ upper: Double) -> String {
        func f(_ x: Double) -> String {
            let t = String(format: "%.2f", x)
            return t.hasPrefix("0.") ? String(t.dropFirst()) : t.hasPrefix("-0.") ? "-" + t.dropFirst(2) : t
        }
        return "[\(f(lower)), \(f(upper))]"
    }

    /// One row per parameter: effect (fixed / ran_pars), group, term, estimate, std.error, df,
    /// statistic, p.value, conf.low, conf.high (broom.mixed's `tidy()`; with `intervals`, the CIs
    /// of every parameter, as `tidy(conf.int = TRUE, conf.method = "profile")`).
    public static func tidy(_ fit: LinearMixedModelFit, intervals: FitIntervals? = nil) -> Table {
        var table = Table(title: "Parameters: \(fit.formula)", name: "parameters",
                          columns: ["effect", "group", "term", "estimate", "std.error", "df", "statistic", "p.value",
                                    "conf.low", "conf.high"].map { TableColumn($0) })
        for e in fit.fixedEffects {
            let i = intervals?.interval(e.term)
            table.append([.text("fixed"), .empty, .text(e.term), .number(e.estimate, decimals: 4),
                          .number(e.standardError, decimals: 4), .number(e.degreesOfFreedom, decimals: 2),
                          .number(e.t, decimals: 3), .pValue(e.p), .number(i?.lower ?? e.confidenceLower, decimals: 4),
                          .number(i?.upper ?? e.confidenceUpper, decimals: 4)])
        }
        for c in fit.varianceComponents {
            let term: String
            if c.group == "Residual" { term = "sd__Observation" }
            else if let v2 = c.var2 { term = "cor__\(c.var1 ?? "").\(v2)" }
            else { term = "sd__\(c.var1 ?? "")" }
            let value: Cell = c.standardDeviationOrCorrelation.map { .number($0, decimals: 4) } ?? .empty
            let i = intervals?.interval(FitIntervals.name(of: c))
            table.append([.text("ran_pars"), .text(c.group), .text(term), value, .empty, .empty, .empty, .empty,
                          i.map { .number($0.lower, decimals: 4) } ?? .empty, i.map { .number($0.upper, decimals: 4) } ?? .empty])
        }
        if let r = fit.residualCorrelation {
            let i = intervals?.interval(r.parameter.lowercased())
            let lower = i?.lower ?? r.confidenceLower, upper = i?.upper ?? r.confidenceUpper
            table.append([.text("ran_pars"), .text("Residual"), .text("\(r.parameter.lowercased())__\(r.kind.rawValue)"),
                          .number(r.estimate, decimals: 4), .empty, .empty, .empty, .empty,
                          lower.map { .number($0, decimals: 4) } ?? .empty, upper.map { .number($0, decimals: 4) } ?? .empty])
        }
        return table
    }

    /// Every parameter's interval (`--ci profile|bootstrap`); for a bootstrap also its SE and both
    /// of MixedModels.jl's intervals.
    public static func intervals(_ intervals: FitIntervals, bootstrap: ParametricBootstrap? = nil) -> Table {
        let percent = Int((intervals.level * 100).rounded())
        var columns = [TableColumn("Parameter", alignment: .left), TableColumn("Estimate")]
        if bootstrap != nil {
            columns += [TableColumn("Bootstrap SE"), TableColumn("\(percent)% shortest"), TableColumn("\(percent)% percentile")]
        } else {
            columns += [TableColumn("\(percent)% CI")]
        }
        var table = Table(title: intervals.method == .profile ? "Profile-likelihood confidence intervals" : "Parametric bootstrap confidence intervals",
                          name: "confidence-intervals", columns: columns)
        for (k, i) in intervals.intervals.enumerated() {
            let decimals = i.kind == .correlation || i.kind == .residualCorrelation ? 3 : 2
            var cells: [Cell] = [.text(i.name), .number(i.estimate, decimals: decimals)]
            if let b = bootstrap?.parameters[k] {
                cells += [.number(b.standardError, decimals: decimals), .interval(b.shortest.lower, b.shortest.upper, decimals: decimals),
                          .interval(b.percentile.lower, b.percentile.upper, decimals: decimals)]
            } else {
                cells += [.interval(i.lower, i.upper, decimals: decimals)]
            }
            table.append(cells)
        }
        switch intervals.method {
        case .profile:
            table.notes = ["Profile likelihood on the ML deviance, as lme4's confint(method = \"profile\"); estimates are the ML estimates; an interval ending at 0 or ±1 reaches the boundary."]
        case .bootstrap:
            if let b = bootstrap {
                table.notes = ["Parametric bootstrap of \(b.replicates) replicates (seed \(b.seed)), as MixedModels.jl's parametricbootstrap: shortest intervals holding \(percent)% of the replicates, and percentile intervals; \(b.singularReplicates) singular refits\(b.failedReplicates > 0 ? ", \(b.failedReplicates) refits failed and were left out (\(b.failure ?? ""))" : "")."]
            }
        case .wald:
            break
        }
        return table
    }

    /// lmerTest's type III ANOVA table.
    public static func analysisOfVariance(_ anova: AnalysisOfVariance) -> Table {
        var table = Table(title: anova.heading, name: "anova",
                          columns: [TableColumn("Term", alignment: .left), TableColumn("Sum Sq"), TableColumn("Mean Sq"),
                                    TableColumn("NumDF"), TableColumn("DenDF"), TableColumn("F"), TableColumn("p")])
        for row in anova.rows { table.append(fTestCells(row)) }
        if !anova.untestable.isEmpty { table.notes.append("No type III hypothesis: \(anova.untestable.joined(separator: ", ")).") }
        return table
    }

    /// F tests of hypotheses (`--test`).
    public static func tests(_ tests: [FTest]) -> Table {
        let method = tests.first?.method.possessive ?? "Satterthwaite's"
        var table = Table(title: "F tests with \(method) method", name: "f-tests",
                          columns: [TableColumn("Hypothesis", alignment: .left), TableColumn("Sum Sq"), TableColumn("Mean Sq"),
                                    TableColumn("NumDF"), TableColumn("DenDF"), TableColumn("F"), TableColumn("p")])
        for t in tests { table.append(fTestCells(t)) }
        return table
    }

    static func fTestCells(_ t: FTest) -> [Cell] {
        [.text(t.label), .number(t.sumOfSquares, decimals: 2), .number(t.meanSquare, decimals: 2), .integer(t.numeratorDegreesOfFreedom),
         .number(t.denominatorDegreesOfFreedom, decimals: 2), .number(t.f, decimals: 2), .pValue(t.p)]
    }

    /// The notes under a fixed-effects table: estimation, df method, fit indices, warnings.
    static func notes(_ fit: LinearMixedModelFit, intervals: FitIntervals? = nil) -> [String] {
        let df: String
        switch fit.degreesOfFreedomMethod {
        case .kenwardRoger: df = "SEs and df by Kenward-Roger's method (pbkrtest's adjusted covariance)"
        case .satterthwaite: df = "df by Satterthwaite's method"
        case nil: df = "z tests"
        }
        let cis = intervals?.description ?? "95% Wald CIs"
        var notes = ["\(fit.method == .reml ? "REML" : "ML") estimates; \(df); \(cis)."]
        if let r = fit.residualCorrelation {
            notes.append("Residuals: \(structureName(r)) within \(r.groupName), \(r.parameter) = \(String(format: "%.3f", r.estimate)) (\(r.structure)).")
        }
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
        if test.criterion == .reml {
            table.notes = ["REML criteria compared: the models differ only in their residual correlation structure (as nlme's anova does); logLik is the REML log-likelihood."]
        }
        return table
    }
}
