import Reports

/// The sources of the methods `alliance replicate` uses, as its HTML report's footer lists them
/// (docs/METHODS.md says which claim rests on which, and how firmly); the rupture methods' are
/// `RuptureTables.sources`.
public enum ReplicationSources {
    public static let all = [
        "Gidhagen, Y., Holmqvist, R., & Falkenström, F. (2025). Rupture and repair in the working alliance among patients with substance use disorder. Psychotherapy Research. doi:10.1080/10503307.2025.2569043 (published figures as the PPRNet clinical summary by G. Tasca, 3 December 2025, reports them; the full text was not available).",
        "Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects models using lme4. Journal of Statistical Software, 67(1). doi:10.18637/jss.v067.i01",
        "Kuznetsova, A., Brockhoff, P. B., & Christensen, R. H. B. (2017). lmerTest package: Tests in linear mixed effects models. Journal of Statistical Software, 82(13). doi:10.18637/jss.v082.i13 (Satterthwaite's degrees of freedom).",
        "Falkenström, F., Finkel, S., Sandell, R., Rubel, J. A., & Holmqvist, R. (2017). Dynamic models of individual change in psychotherapy process research. Journal of Consulting and Clinical Psychology, 85(6), 537-549. doi:10.1037/ccp0000203 (detrending; the lagged dependent variable).",
        "Nickell, S. (1981). Biases in dynamic models with fixed effects. Econometrica, 49(6), 1417-1426 (the bias of a person-mean-centred lagged outcome).",
        "Asparouhov, T., Hamaker, E. L., & Muthén, B. (2018). Dynamic structural equation models. Structural Equation Modeling, 25(3), 359-388. doi:10.1080/10705511.2017.1406803 (observed vs latent centring, Table 1).",
        "Curran, P. J., & Bauer, D. J. (2011). The disaggregation of within-person and between-person effects in longitudinal models of change. Annual Review of Psychology, 62, 583-619.",
        "Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations, and meta-analyses. Social Psychological and Personality Science, 8(4), 355-362. doi:10.1177/1948550617697177 (two one-sided tests).",
    ] + RuptureTables.sources

    /// The sources of the DSEM and ML-SEM of step 5, listed when they ran.
    public static let dynamic = [
        "Muthén, L. K., & Muthén, B. O. Mplus User's Guide, chapter 16, Bayesian estimation (the default priors, the PSR convergence rule, the posterior median, one-tailed p and credible interval as the DSEM reports them).",
        "Gelman, A., & Rubin, D. B. (1992). Inference from iterative simulation using multiple sequences. Statistical Science, 7(4), 457-472 (the potential scale reduction, PSR).",
        "Allison, P. D., Williams, R., & Moral-Benito, E. (2017). Maximum likelihood for cross-lagged panel models with fixed effects. Socius, 3. doi:10.1177/2378023117710578 (the ML-SEM dynamic panel model).",
    ]

    /// The sources of `analysis`: `all`, and `dynamic` when the DSEM and ML-SEM ran.
    public static func of(_ analysis: ReplicationAnalysis) -> [String] {
        analysis.dynamic == nil ? all : all + dynamic
    }
}
