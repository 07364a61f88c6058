import MixedModels

/// The HTML report of `alliance fit --out FILE.html`: the model (formula, estimation, data,
/// groups, convergence), the APA tables of fixed and random effects and ICCs, the
/// likelihood-ratio test when one was asked for, and the summary as lmerTest prints it, with the
/// provenance in the footer.
public enum MixedModelReport {
    public static let sources = [
        "Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1). doi:10.18637/jss.v067.i01 (the model, REML and ML criteria, the optimization).",
        "Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: Tests in linear mixed effects models. Journal of Statistical Software, 82(13). doi:10.18637/jss.v082.i13 (Satterthwaite's degrees of freedom).",
        "Satterthwaite, F. E. (1946). An approximate distribution of estimates of variance components. Biometrics Bulletin, 2(6), 110-114.",
        "Kenward, M. G., & Roger, J. H. (1997). Small sample inference for fixed effects from restricted maximum likelihood. Biometrics, 53(3), 983-997 (Kenward-Roger df; as pbkrtest, Halekoh & Højsgaard 2014, JSS 59(9)).",
        "Pinheiro, J. C., & Bates, D. M. (2000). Mixed-effects models in S and S-PLUS. Springer (residual correlation structures, as nlme's lme).",
        "Nakagawa, S., Johnson, P. C. D., & Schielzeth, H. (2017). The coefficient of determination R² and intra-class correlation coefficient from generalized linear mixed-effects models revisited and expanded. Journal of the Royal Society Interface, 14. doi:10.1098/rsif.2017.0213 (ICCs with random slopes).",
        "alliance's methods, with what is verified and what is assumed: docs/METHODS.md, \"Linear mixed models\".",
    ]

    /// `extraTables` (intervals, ANOVA, F tests, a likelihood-ratio test) follow the fit's own
    /// tables, numbered on; without them, `comparison` is shown as before.
    public static func html(_ fit: LinearMixedModelFit, comparison: LikelihoodRatioTest?, summary: String,
                            provenance: ReportProvenance, extraTables: [Table]? = nil, intervals: FitIntervals? = nil) -> String {
        var tables = [MixedModelTables.fixedEffects(fit, title: "Table 1. Fixed effects", intervals: intervals),
                      MixedModelTables.randomEffects(fit, title: "Table 2. Random effects", intervals: intervals)]
        if !fit.intraclassCorrelations.isEmpty { tables.append(intraclassCorrelations(fit, number: 3)) }
        if let extraTables {
            for var table in extraTables {
                table.title = "Table \(tables.count + 1). \(table.title)"
                tables.append(table)
            }
        } else if let comparison {
            var lrt = MixedModelTables.likelihoodRatio(comparison)
            lrt.title = "Table \(tables.count + 1). Likelihood-ratio test"
            tables.append(lrt)
        }
        let facts: [(label: String, value: String)] = [
            ("Formula", fit.formula),
            ("Estimation", fit.method == .reml ? "REML (restricted maximum likelihood), as lme4's lmer() default" : "maximum likelihood (lmer(REML = FALSE))"),
            ("Residuals", fit.residualCorrelation.map { "\(MixedModelTables.structureName($0)) within \($0.groupName), \($0.parameter) = \(String(format: "%.3f", $0.estimate)) (nlme: \($0.nlme))" } ?? "independent"),
            ("Tests", fit.degreesOfFreedomMethod.map { "t and F tests with \($0.possessive) df" } ?? "z tests"),
            ("Data", "\(fit.observationCount) observations used" + (fit.droppedRowCount > 0 ? ", \(fit.droppedRowCount) rows with missing values left out" : "")),
            ("Groups", fit.groups.map { "\($0.name): \($0.levels)" }.joined(separator: "; ")),
            ("Convergence", fit.converged ? "converged" + (fit.singular ? "; singular fit (a variance component estimated as zero)" : "")
                                          : "did not converge: " + fit.warnings.joined(separator: "; ")),
        ]
        var sections = [HTMLReport.Section("Estimates", tables.map { .table($0) })]
        sections.append(HTMLReport.Section("Summary as lmerTest prints it", [.preformatted(summary)]))
        return HTMLReport(title: "Linear mixed model: \(fit.response)", subtitle: fit.formula, facts: facts,
                          sections: sections, provenance: provenance).rendered()
    }

    /// The share of the variance of each grouping factor (and of all random effects together).
    static func intraclassCorrelations(_ fit: LinearMixedModelFit, number: Int) -> Table {
        var t = Table(title: "Table \(number). Intraclass correlations", name: "icc",
                      columns: [TableColumn("Group", alignment: .left), TableColumn("ICC")])
        for icc in fit.intraclassCorrelations { t.append([.text(icc.group), .bounded(icc.icc, decimals: 3)]) }
        t.notes = ["Share of the total variance (random effects and residual) due to each grouping factor; with random slopes, the mean random-effect variance over the observations (Nakagawa, Johnson & Schielzeth 2017)."]
        return t
    }
}
