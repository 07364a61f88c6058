import DSEM

/// The HTML report of `alliance dsem --out FILE.html`: the model (formula, estimation, data, the
/// run and its convergence), the estimates as Mplus labels its Bayesian output with the PSR and
/// the effective sample size of each parameter, the trace plots with the PSR history inline, and
/// the priors in force, with the provenance in the footer.
public enum DSEMReport {
    public static let sources = [
        "Asparouhov, T., Hamaker, E. L., & Muthén, B. (2018). Dynamic structural equation models. Structural Equation Modeling, 25(3), 359-388. doi:10.1080/10705511.2017.1406803 (the model with latent mean centring, the Gibbs sampler's conditional distributions, the initial conditions).",
        "Muthén, L. K., & Muthén, B. O. Mplus User's Guide, chapter 16, Bayesian estimation (the PSR rule: the last half of the iterations; the default priors; the posterior median, one-tailed p and credible interval as Mplus reports them).",
        "Gelman, A., & Rubin, D. B. (1992). Inference from iterative simulation using multiple sequences. Statistical Science, 7(4), 457-472 (the potential scale reduction, PSR).",
        "Vehtari, A., Gelman, A., Simpson, D., Carpenter, B., & Bürkner, P.-C. (2021). Rank-normalization, folding, and localization: An improved R-hat for assessing convergence of MCMC. Bayesian Analysis, 16(2), 667-718 (the effective sample size, as rstan 2.21 computes it).",
        "Nickell, S. (1981). Biases in dynamic models with fixed effects. Econometrica, 49(6), 1417-1426 (the bias of observed person-mean centring that latent centring avoids).",
        "alliance's methods, with what is verified and what is assumed: docs/METHODS.md, \"Dynamic structural equation models\".",
    ]

    public static func html(_ fit: DSEMFit, provenance: ReportProvenance) -> String {
        let it = fit.iterations
        var estimates = DSEMTables.estimates(fit, title: "Table 1. Estimates of the dynamic structural equation model")
        estimates.notes.insert("\(fit.formula ?? fit.outcome); lag(x) is x at the previous session; the outcome's own lags are centred on each patient's latent mean.", at: 0)
        let run = it.rule == "psr"
            ? "\(it.chains) chain\(it.chains == 1 ? "" : "s") of \(it.total) iterations, PSR checked every 100 (Mplus's rule), the last \(it.kept) kept"
            : "\(it.chains) chain\(it.chains == 1 ? "" : "s"): \(it.burnIn) burn-in and \(it.kept) kept iterations"
        let facts: [(label: String, value: String)] = [
            ("Formula", fit.formula ?? fit.outcome),
            ("Estimation", "Bayesian (Gibbs sampler), latent mean centring; point estimate: the posterior median; 95% equal-tailed credible intervals"),
            ("Data", "\(fit.data.patients) patients (\(fit.group)), time: \(fit.time); \(fit.data.sessions) sessions, \(fit.data.observed) observed and \(fit.data.missingSampled) missing (sampled) values of \(fit.outcome), \(fit.data.equations) equations"),
            ("Initial condition", fit.initialCondition == "latent" ? "latent pre-sample values (Mplus)" : "conditional on the first observations"),
            ("Iterations", run + (it.thin > 1 ? ", every \(it.thin)th recorded" : "") + "; seed \(it.seed)"),
            ("Convergence", fit.converged ? "converged: every PSR below \(CellFormatting.exact(it.criterion))" : "NOT converged (see the warning above)"),
        ]
        let caption = "Trace plots: each parameter's draws by iteration and chain, the discarded iterations shaded, and the largest PSR (over the last half of the iterations) at each check against the criterion \(CellFormatting.exact(it.criterion))."
        let trace = DSEMTables.trace(fit).svg(description: caption).rendered
        let sections = [
            HTMLReport.Section("Estimates", [.table(estimates)]),
            HTMLReport.Section("Convergence", [
                .paragraph("The PSR compares the chains' variances within and between (1 when they agree); the effective sample size (ESS) is the number of independent draws the kept draws are worth for each parameter."),
                .figure(.init(svg: trace, caption: caption)),
            ]),
            HTMLReport.Section("Priors", [.list(fit.priors)]),
        ]
        return HTMLReport(title: "Dynamic structural equation model: \(fit.outcome)",
                          subtitle: "Two-level DSEM with latent mean centring (Asparouhov, Hamaker & Muthén 2018)",
                          facts: facts, notices: fit.warnings.map { "Warning: " + $0 }, sections: sections, provenance: provenance).rendered()
    }
}
