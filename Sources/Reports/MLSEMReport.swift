import SEM

/// The HTML report of `alliance mlsem --out FILE.html`: the model (formula, estimation, patients,
/// sessions, options, standard errors), the APA tables of the coefficients and of the fit, the
/// summary as dpm prints it (with every parameter, as lavaan's `parameterEstimates()`), and the
/// model in lavaan syntax, so that a reader can refit it in R; the provenance in the footer.
public enum MLSEMReport {
    public static let sources = [
        "Allison, P. D., Williams, R., & Moral-Benito, E. (2017). Maximum likelihood for cross-lagged panel models with fixed effects. Socius, 3. doi:10.1177/2378023117710578 (the model).",
        "Williams, R., Allison, P. D., & Moral-Benito, E. (2018). Linear dynamic panel-data estimation using maximum likelihood and structural equation modeling. The Stata Journal, 18(2) (xtdpdml; FIML over missing waves).",
        "Long, J. A., Williams, R. A., & Allison, P. D. dpm: Dynamic panel models fit with maximum likelihood (R package; the formula, the options and the model's labels).",
        "Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. Journal of Statistical Software, 48(2). doi:10.18637/jss.v048.i02 (the fit measures as fitMeasures() computes them).",
        "Arbuckle, J. L. (1996). Full information estimation in the presence of incomplete data. In G. A. Marcoulides & R. E. Schumacker (Eds.), Advanced structural equation modeling (full-information maximum likelihood).",
        "Nickell, S. (1981). Biases in dynamic models with fixed effects. Econometrica, 49(6), 1417-1426 (the bias this model avoids).",
        "alliance's methods, with what is verified and what is assumed: docs/METHODS.md, \"ML-SEM dynamic panel models\".",
    ]

    /// The report of `fit`; `lavaanSyntax` is the fitted model as `--print-model` prints it.
    public static func html(_ fit: MLSEMFit, lavaanSyntax: String, provenance: ReportProvenance) -> String {
        let sem = fit.sem
        var coefficients = MLSEMTables.coefficients(fit, title: "Table 1. Coefficients of \(fit.formula.outcome)")
        coefficients.notes.insert("\(fit.formula.text); terms as the formula names them: lag(x) is x at the previous session.", at: 0)
        var fitTable = MLSEMTables.fit(fit)
        fitTable.title = "Table 2. Model fit"
        if sem.fitIndices != nil {
            fitTable.notes = ["As lavaan's fitMeasures() with ML: χ² against the saturated model; CFI and TLI against the baseline of independent variables; RMSEA with its 90% CI; SRMR with the means; N = \(fit.patientsUsed) patients in the likelihood."]
        } else {
            fitTable.notes = ["χ² and the fit indices are not defined on these data (the reason is above); log-likelihood, AIC and BIC with N = \(fit.patientsUsed) patients in the likelihood."]
        }
        let options = MLSEMSummary.optionPhrases(fit.options)
        let facts: [(label: String, value: String)] = [
            ("Formula", fit.formula.text),
            ("Estimation", "maximum likelihood, " + (sem.missing == .fiml ? "FIML (every observed value of every patient)" : "listwise deletion (complete patients only)")),
            ("Patients", "\(fit.patients) (\(fit.patientsUsed) used; \(sem.patternCount) missing-data pattern\(sem.patternCount == 1 ? "" : "s"))"),
            ("Sessions", "\(fit.waves.first)\u{2013}\(fit.waves.end) as waves; equations for \(fit.waves.start)\u{2013}\(fit.waves.end)"),
            ("Options", options.isEmpty ? "dpm's defaults" : options.joined(separator: "; ")),
            ("Standard errors", "\(sem.information.rawValue) information; 95% Wald CIs"),
        ]
        var notices = [String]()
        if let why = sem.fitIndicesUnavailable, sem.fitIndices == nil {
            notices.append("χ², CFI, TLI, RMSEA and SRMR are not available: \(why). The estimates and their standard errors stand.")
        }
        let sections = [
            HTMLReport.Section("Estimates", [.table(coefficients), .table(fitTable)]),
            HTMLReport.Section("Summary as dpm prints it", [.preformatted(MLSEMSummary.text(fit))]),
            HTMLReport.Section("The model in lavaan syntax", [
                .paragraph("The model with dpm's labels, as --print-model prints it: lavaan::sem(model, data = wide, missing = \"\(sem.missing == .fiml ? "ml" : "listwise")\"\(sem.information == .observed ? ", information = \"observed\"" : "")) on the data in the wide layout (one row per patient, columns variable_session) refits it."),
                .preformatted(lavaanSyntax),
            ]),
        ]
        return HTMLReport(title: "ML-SEM dynamic panel model: \(fit.formula.outcome)",
                          subtitle: "Fixed effects, maximum likelihood (Allison, Williams & Moral-Benito 2017)",
                          facts: facts, notices: notices, sections: sections, provenance: provenance).rendered()
    }
}
