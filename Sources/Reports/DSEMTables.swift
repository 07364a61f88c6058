import DSEM

/// The tables of a DSEM fit, labelled as Mplus labels its Bayesian output ("Estimate", "Posterior
/// S.D.", "One-Tailed P-Value", "95% C.I." and the significance asterisk) plus the PSR and the
/// effective sample size, grouped as Mplus groups them: the within level (the autoregressions and
/// covariate effects, means of random slopes; the residual variance), the between level (means
/// and between covariates, variances and covariances of the random effects). The estimate is the
/// posterior median, Mplus's default point estimate.
public enum DSEMTables {
    public static let columns = [TableColumn("Parameter", alignment: .left), TableColumn("Estimate"), TableColumn("Posterior SD"),
                          TableColumn("One-tailed p"), TableColumn("95% CI"), TableColumn("Sig.", alignment: .center),
                          TableColumn("PSR"), TableColumn("ESS")]

    public static func estimates(_ fit: DSEMFit, title: String? = nil, name: String = "dsem") -> Table {
        var table = Table(title: title ?? "Dynamic structural equation model: \(fit.formula ?? fit.outcome)", name: name, columns: columns)
        func row(_ label: String, _ s: PosteriorSummary, decimals: Int = 3) {
            table.append([.text(label), .number(s.median, decimals: decimals), .number(s.sd, decimals: decimals), .pValue(s.p),
                          .interval(s.lower, s.upper, decimals: decimals), .text(s.significant ? "*" : ""),
                          s.psr.isFinite ? .number(s.psr, decimals: 3) : .text("NA"),
                          s.ess.isFinite ? .number(s.ess.rounded(), decimals: 0) : .text("NA")])
        }
        let within = fit.fixed.filter { $0.level == "within" }
        if !within.isEmpty {
            table.appendSection("Within level: \(fit.outcome) on")
            for e in within { row(e.term, e.summary) }
        }
        // The residual variance is a within-level parameter (Mplus: "Within Level, Residual
        // Variances"); with random residual variances, the mean of their logarithm is a
        // between-level mean.
        let residual = fit.random.filter { $0.group == "Residual" }
        if !fit.randomResidualVariance {
            table.appendSection("Within level: residual variance")
            for r in residual { row(r.var1 ?? "Residual variance", r.summary) }
        }
        table.appendSection("Between level: means")
        for e in fit.fixed where e.level == "between" { row(e.term, e.summary) }
        if fit.randomResidualVariance {
            for r in residual { row(r.var1 ?? "Residual variance", r.summary) }
        }
        let variances = fit.random.filter { $0.group != "Residual" && $0.var2 == nil }
        if !variances.isEmpty {
            table.appendSection("Between level: variances (\(fit.group))")
            for v in variances { row(v.var1 ?? "", v.summary) }
        }
        let covariances = fit.random.filter { $0.var2 != nil }
        if !covariances.isEmpty {
            table.appendSection("Between level: covariances (\(fit.group))")
            for c in covariances { row("\(c.var1 ?? "") with \(c.var2 ?? "")", c.summary) }
        }
        table.notes = notes(fit)
        return table
    }

    /// One row per parameter with full precision, for programs: part (fixed, random), level,
    /// term (a random-part row's name, as in the JSON), group, var1, var2, median, mean, sd, lower,
    /// upper, p, psr, ess.
    public static func tidy(_ fit: DSEMFit) -> Table {
        var table = Table(title: "Parameters: \(fit.formula ?? fit.outcome)", name: "parameters",
                          columns: ["part", "level", "term", "group", "var1", "var2", "median", "mean", "sd", "lower", "upper",
                                    "p", "psr", "ess"].map { TableColumn($0) })
        func numbers(_ s: PosteriorSummary) -> [Cell] {
            [s.median, s.mean, s.sd, s.lower, s.upper, s.p, s.psr, s.ess].map { $0.isFinite ? .number($0, decimals: 4) : .empty }
        }
        for e in fit.fixed {
            table.append([.text("fixed"), .text(e.level), .text(e.term), .empty, .empty, .empty] + numbers(e.summary))
        }
        for r in fit.random {
            table.append([.text("random"), .text(r.group == "Residual" && !fit.randomResidualVariance ? "within" : "between"),
                          .text(r.term), .text(r.group), r.var1.map(Cell.text) ?? .empty,
                          r.var2.map(Cell.text) ?? .empty] + numbers(r.summary))
        }
        return table
    }

    /// The notes under the estimates: the estimator, the run, convergence, warnings.
    public static func notes(_ fit: DSEMFit) -> [String] {
        let it = fit.iterations
        var notes = ["Bayesian estimation (Gibbs sampler), latent mean centring; estimates are posterior medians, 95% equal-tailed credible intervals; * the interval excludes 0; one-tailed p is the posterior share on the other side of 0."]
        let rule = it.rule == "psr"
            ? "\(it.total) iterations per chain, PSR checked every 100, the last \(it.kept) kept"
            : "\(it.burnIn) burn-in and \(it.kept) kept iterations per chain"
        notes.append("\(it.chains) chain\(it.chains == 1 ? "" : "s"), \(rule)\(it.thin > 1 ? ", thinned: one of every \(it.thin) sweeps recorded" : ""); seed \(it.seed); \(fit.converged ? "converged (every PSR < \(CellFormatting.exact(it.criterion)))" : "NOT converged").")
        notes.append("\(fit.data.patients) patients, \(fit.data.sessions) sessions, \(fit.data.observed) observed and \(fit.data.missingSampled) missing (sampled) values of \(fit.outcome), \(fit.data.equations) equations; initial condition: \(fit.initialCondition == "latent" ? "latent pre-sample values (Mplus)" : "conditional on the first observations").")
        notes += fit.warnings.map { "Warning: " + $0 + "." }
        return notes
    }

    /// The text output: a header as Mplus users read it, the estimates, the priors.
    public static func text(_ fit: DSEMFit) -> String {
        var lines = ["Dynamic structural equation model (two-level DSEM, latent mean centring)",
                     "Estimator: Bayes (Gibbs sampler); point estimate: posterior median",
                     "Formula: \(fit.formula ?? fit.outcome)",
                     "Patients: \(fit.data.patients) (\(fit.group)); time: \(fit.time); sessions: \(fit.data.sessions); observed \(fit.outcome): \(fit.data.observed); missing (sampled): \(fit.data.missingSampled); equations: \(fit.data.equations)",
                     ""]
        var table = estimates(fit, title: "Model results")
        table.notes = []
        lines.append(table.rendered(as: .text))
        lines += notes(fit)
        lines.append("")
        lines.append("Priors:")
        lines += fit.priors.map { "  " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The trace plots of every parameter and the PSR history.
    public static func trace(_ fit: DSEMFit) -> TraceFigure {
        let parameters = fit.parameterNames.enumerated().map { k, name in
            TraceFigure.Parameter(name: name, chains: fit.draws.map { $0[k] })
        }
        return TraceFigure(title: "Trace plots: \(fit.formula ?? fit.outcome)", parameters: parameters,
                           keptFrom: fit.keptRange.lowerBound + 1,
                           psrHistory: fit.psrHistory.map { ($0.iteration, $0.psr) }, criterion: fit.iterations.criterion)
    }
}
