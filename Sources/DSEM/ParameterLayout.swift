/// The parameters the sampler records and reports, in report order, and where each is read from
/// a chain's state.
///
/// - Fixed part (`fixed`): `(Intercept)` (the mean of the patients' latent means, or its intercept
///   with between covariates), the within terms in formula order (a random term's mean, a fixed
///   term's coefficient), the between terms in formula order.
/// - Random part (`random`): the variances of the random effects, then their covariances (column
///   by column, lme4's order; none when uncorrelated), then the residual variance (group
///   `Residual`), or with random residual variances the mean of log sigma_i^2 (whose variance and
///   covariances are in the random-effect rows as `log(residual variance)`).
struct ParameterLayout: Sendable {
    struct Parameter: Sendable {
        enum Part: Sendable { case fixed, random }
        let part: Part
        /// For the fixed part: the term and its level ("within" or "between").
        let term: String
        let level: String
        /// For the random part: lme4's `VarCorr` labels.
        let group: String
        let var1: String?
        let var2: String?
        let read: @Sendable (ChainState) -> Double
        /// The name in traces, messages and draw files.
        var name: String {
            switch part {
            case .fixed: return term
            case .random:
                if group == "Residual" { return var1.map { "Residual \($0)" } ?? "Residual variance" }
                return var2.map { "Cov(\(var1!), \($0))" } ?? "Var(\(var1!))"
            }
        }
    }

    let parameters: [Parameter]

    init(data: ModelData) {
        let spec = data.specification
        var out = [Parameter]()
        func fixed(_ term: String, _ level: String, _ read: @escaping @Sendable (ChainState) -> Double) {
            out.append(Parameter(part: .fixed, term: term, level: level, group: "", var1: nil, var2: nil, read: read))
        }
        func random(_ group: String, _ var1: String?, _ var2: String?, _ read: @escaping @Sendable (ChainState) -> Double) {
            out.append(Parameter(part: .random, term: "", level: "", group: group, var1: var1, var2: var2, read: read))
        }
        fixed("(Intercept)", "between") { $0.alpha[0] }
        for (w, term) in spec.withinTerms.enumerated() {
            if term.random {
                let slot = data.randomSlotTerm.firstIndex(of: w)!
                let a = data.betweenIndex(ofRandomEffect: slot)
                fixed(term.variable.term, "within") { $0.alpha[a] }
            } else {
                let g = data.fixedSlotTerm.firstIndex(of: w)!
                fixed(term.variable.term, "within") { $0.gamma[g] }
            }
        }
        for (b, term) in spec.betweenTerms.enumerated() {
            fixed(term.label, "between") { $0.alpha[1 + b] }
        }
        let r = data.randomEffectCount
        for i in 0..<r {
            random(spec.group, data.randomEffectName(i), nil) { $0.omega[i + i * r] }
        }
        if !spec.uncorrelatedRandomEffects {
            for j in 0..<r {
                for i in (j + 1)..<max(j + 1, r) {
                    random(spec.group, data.randomEffectName(j), data.randomEffectName(i)) { $0.omega[i + j * r] }
                }
            }
        }
        if let slot = data.logVarianceSlot {
            let a = data.betweenIndex(ofRandomEffect: slot)
            random("Residual", "mean of " + ModelData.logVarianceName, nil) { $0.alpha[a] }
        } else {
            random("Residual", nil, nil) { $0.residualVariance }
        }
        parameters = out
    }
}
