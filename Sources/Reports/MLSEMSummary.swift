import Foundation
import SEM

/// A fitted ML-SEM dynamic panel model printed as dpm's `summary()` prints it (model info, fit,
/// the formula's coefficients), with what lavaan's `fitMeasures()` adds (CFI, TLI, information
/// criteria) and the confidence intervals; then the full model, every statement with its estimate,
/// as lavaan's `parameterEstimates()`.
public enum MLSEMSummary {
    public static func text(_ fit: MLSEMFit) -> String {
        let sem = fit.sem, o = fit.options
        var out = [String]()
        out.append("ML-SEM dynamic panel model with fixed effects (Allison, Williams & Moral-Benito 2017), maximum likelihood\(sem.missing == .fiml ? " (FIML)" : ", listwise deletion")")
        out.append("Formula: \(fit.formula.text)")
        out.append("   Data: \(fit.source)")
        out.append("Patients: \(fit.patients) (\(fit.patientsUsed) used; \(sem.patternCount) missing-data pattern\(sem.patternCount == 1 ? "" : "s"))")
        out.append("Sessions: \(fit.waves.first)-\(fit.waves.end) (equations for \(fit.waves.start)-\(fit.waves.end))")
        let options = optionPhrases(o)
        if !options.isEmpty { out.append("Options: " + options.joined(separator: "; ")) }
        out.append("Standard errors: \(sem.information.rawValue) information")
        out.append("")
        if let f = sem.fitIndices {
            out.append("Model fit:")
            out.append("  Chi-square (\(f.df)) = \(String(format: "%.3f", f.chisq)), p \(f.pvalue.map(pText) ?? "= NA")")
            out.append("  RMSEA = \(number(f.rmsea)), 90% CI [\(number(f.rmseaLower)), \(number(f.rmseaUpper))], p(RMSEA <= .05) = \(number(f.rmseaPValue))")
            out.append("  CFI = \(number(f.cfi)), TLI = \(number(f.tli)), SRMR = \(number(f.srmr))")
        } else if let why = sem.fitIndicesUnavailable {
            out.append("Model fit:")
            out.append("  Chi-square, CFI, TLI, RMSEA and SRMR not available: \(why).")
        }
        out.append(String(format: "  logLik = %.3f (%d free parameters), AIC = %.3f, BIC = %.3f", sem.logLikelihood, sem.parameterCount, sem.aic, sem.bic))
        out.append("")
        out.append("Coefficients:")
        let free = fit.coefficients.contains { $0.session != nil }
        var rows = [["", free ? "Session" : nil, "Estimate", "Std. Error", "z value", "Pr(>|z|)", "", "2.5 %", "97.5 %"].compactMap { $0 }]
        let pValues = RNumberFormat.pValues(fit.coefficients.map(\.p))
        for (c, p) in zip(fit.coefficients, pValues) {
            rows.append([c.term, free ? (c.session.map(String.init) ?? "") : nil,
                         String(format: "%.3f", c.estimate), String(format: "%.3f", c.se), String(format: "%.3f", c.z),
                         p, MixedModelSummary.stars(c.p),
                         String(format: "%.3f", c.ciLower), String(format: "%.3f", c.ciUpper)].compactMap { $0 })
        }
        out.append(contentsOf: MixedModelSummary.columns(rows, rightAlign: true, firstLeft: true))
        out.append("---")
        out.append("Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1")
        let predetermined = fit.formula.predictors.filter(\.predetermined).map(\.variable.term)
        if !predetermined.isEmpty {
            out.append("Predetermined (in pre(), may respond to earlier errors of the outcome): \(predetermined.joined(separator: ", ")).")
        }
        out.append("")
        out.append("Model (every statement, lavaan's parameterEstimates()):")
        var all = [["lhs", "op", "rhs", "label", "est", "se", "z", "pvalue", "ci.lower", "ci.upper"]]
        for e in sem.estimates {
            all.append([e.lhs, e.op, e.rhs, e.label ?? "", String(format: "%.3f", e.estimate),
                        e.se.map { String(format: "%.3f", $0) } ?? "", e.z.map { String(format: "%.3f", $0) } ?? "",
                        e.p.map { String(format: "%.3f", $0) } ?? "", e.ciLower.map { String(format: "%.3f", $0) } ?? "",
                        e.ciUpper.map { String(format: "%.3f", $0) } ?? ""])
        }
        out.append(contentsOf: MixedModelSummary.columns(all, rightAlign: true, firstLeft: true))
        return out.joined(separator: "\n") + "\n"
    }

    /// The options that differ from dpm's defaults, in words.
    static func optionPhrases(_ o: MLSEMOptions) -> [String] {
        var out = [String]()
        if o.errorInvariant { out.append("error variances equal across sessions (error.inv)") }
        if o.constantInvariant { out.append("intercepts equal across sessions (const.inv)") }
        if o.outcomeLags != [1] {
            out.append(o.outcomeLags == [0] ? "no lagged outcome (y.lag = 0)" : "outcome lags \(o.outcomeLags.map(String.init).joined(separator: ", "))")
        }
        if o.outcomeFree != .none { out.append("lagged-outcome coefficients free across sessions (y.free: \(o.outcomeFree))") }
        if o.predictorFree != .none { out.append("predictor coefficients free across sessions (x.free: \(o.predictorFree))") }
        if o.alphaFree { out.append("alpha's loadings free (alpha.free)") }
        if o.partialPredetermined { out.append("predetermined predictors correlated with the contemporaneous error (partial.pre)") }
        if o.randomEffects { out.append("random effects: alpha uncorrelated with the predictors") }
        return out
    }

    private static func number(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "NA" }
    private static func pText(_ p: Double) -> String { p < 0.001 ? "< .001" : "= " + String(format: "%.3f", p) }
}

/// Publication tables of a fitted ML-SEM model: the coefficients (b, SE, z, p, 95% CI) with the fit
/// in the note, as APA-style papers report an SEM; and the same coefficients as a tidy table.
public enum MLSEMTables {
    public static func coefficients(_ fit: MLSEMFit, title: String? = nil, name: String = "mlsem-coefficients") -> Table {
        let free = fit.coefficients.contains { $0.session != nil }
        var columns = [TableColumn("Term", alignment: .left)]
        if free { columns.append(TableColumn("Session")) }
        columns += [TableColumn("b"), TableColumn("SE"), TableColumn("z"), TableColumn("p"), TableColumn("95% CI")]
        var table = Table(title: title ?? "ML-SEM dynamic panel model: \(fit.formula.text)", name: name, columns: columns)
        for c in fit.coefficients {
            var cells: [Cell] = [.text(c.term)]
            if free { cells.append(c.session.map { .integer($0) } ?? .empty) }
            cells += [.number(c.estimate, decimals: 3), .number(c.se, decimals: 3), .number(c.z, decimals: 2), .pValue(c.p),
                      .interval(c.ciLower, c.ciUpper, decimals: 3)]
            table.append(cells)
        }
        table.notes = notes(fit)
        return table
    }

    /// The fit indices as a table.
    public static func fit(_ fit: MLSEMFit, name: String = "mlsem-fit") -> Table {
        var table = Table(title: "Model fit", name: name, columns: [TableColumn("Index", alignment: .left), TableColumn("Value")])
        let sem = fit.sem
        if let f = sem.fitIndices {
            table.append([.text("χ²"), .number(f.chisq, decimals: 3)])
            table.append([.text("df"), .integer(f.df)])
            table.append([.text("p"), f.pvalue.map { .pValue($0) } ?? .empty])
            table.append([.text("CFI"), .bounded(f.cfi, decimals: 3)])
            table.append([.text("TLI"), f.tli.map { .number($0, decimals: 3) } ?? .empty])
            table.append([.text("RMSEA"), f.rmsea.map { .bounded($0, decimals: 3) } ?? .empty])
            let bound = { (v: Double) in CellFormatting.withoutLeadingZero(String(format: "%.3f", v)) }
            table.append([.text("RMSEA 90% CI"), f.rmseaLower.flatMap { l in f.rmseaUpper.map { .text("[\(bound(l)), \(bound($0))]") } } ?? .empty])
            table.append([.text("SRMR"), .bounded(f.srmr, decimals: 3)])
        }
        table.append([.text("Log-likelihood"), .number(sem.logLikelihood, decimals: 3)])
        table.append([.text("Free parameters"), .integer(sem.parameterCount)])
        table.append([.text("AIC"), .number(sem.aic, decimals: 3)])
        table.append([.text("BIC"), .number(sem.bic, decimals: 3)])
        table.append([.text("Patients"), .integer(fit.patientsUsed)])
        return table
    }

    /// One row per coefficient: term, session, estimate, std.error, statistic, p.value, conf.low,
    /// conf.high (the columns of broom's `tidy()`).
    public static func tidy(_ fit: MLSEMFit) -> Table {
        var table = Table(title: "Coefficients: \(fit.formula.text)", name: "coefficients",
                          columns: ["term", "session", "estimate", "std.error", "statistic", "p.value", "conf.low", "conf.high"].map { TableColumn($0) })
        for c in fit.coefficients {
            table.append([.text(c.term), c.session.map { .integer($0) } ?? .empty, .number(c.estimate, decimals: 4),
                          .number(c.se, decimals: 4), .number(c.z, decimals: 3), .pValue(c.p),
                          .number(c.ciLower, decimals: 4), .number(c.ciUpper, decimals: 4)])
        }
        return table
    }

    static func notes(_ fit: MLSEMFit) -> [String] {
        let sem = fit.sem
        var notes = ["ML estimates (\(sem.missing == .fiml ? "full-information ML over every observed value" : "listwise deletion")); \(sem.information.rawValue) information standard errors; 95% Wald CIs."]
        notes.append("N = \(fit.patientsUsed) patients; sessions \(fit.waves.first)\u{2013}\(fit.waves.end), equations for \(fit.waves.start)\u{2013}\(fit.waves.end).")
        if let f = sem.fitIndices {
            var text = String(format: "χ²(%d) = %.2f, ", f.df, f.chisq)
            text += f.pvalue.map { $0 < 0.001 ? "p < .001" : "p = " + CellFormatting.withoutLeadingZero(String(format: "%.3f", $0)) } ?? "p = NA"
            text += ", CFI = " + CellFormatting.withoutLeadingZero(String(format: "%.3f", f.cfi))
            if let r = f.rmsea, let l = f.rmseaLower, let u = f.rmseaUpper {
                let t = [r, l, u].map { CellFormatting.withoutLeadingZero(String(format: "%.3f", $0)) }
                text += ", RMSEA = \(t[0]) [\(t[1]), \(t[2])]"
            }
            text += ", SRMR = " + CellFormatting.withoutLeadingZero(String(format: "%.3f", f.srmr)) + "."
            notes.append(text)
        } else if let why = sem.fitIndicesUnavailable {
            notes.append("χ² and fit indices not available: \(why).")
        }
        let predetermined = fit.formula.predictors.filter(\.predetermined).map(\.variable.term)
        if !predetermined.isEmpty { notes.append("Predetermined (sequentially exogenous): \(predetermined.joined(separator: ", ")).") }
        return notes
    }
}
