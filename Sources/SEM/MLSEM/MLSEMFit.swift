/// A fitted ML-SEM dynamic panel model: the coefficients of the formula's terms as dpm reports
/// them (`lag(union)`, `ed`, `lag(wks)`), one row per term or, for a coefficient freed across
/// waves, one per session of its equation; and the whole SEM fit behind them.
public struct MLSEMFit: Sendable {
    public struct Coefficient: Sendable, Codable, Equatable {
        /// The term as dpm names it: the predictor without `pre()`, the covariate, `lag(outcome)`.
        public let term: String
        /// The session of the equation, for a coefficient free across waves; nil otherwise.
        public let session: Int?
        public let estimate: Double
        public let se: Double
        public let z: Double
        public let p: Double
        public let ciLower: Double
        public let ciUpper: Double

        enum CodingKeys: String, CodingKey {
            case term, session, estimate, se, z, p
            case ciLower = "ci_lower", ciUpper = "ci_upper"
        }

        init(term: String, session: Int?, _ e: SEMFit.Estimate) {
            self.term = term
            self.session = session
            estimate = e.estimate
            se = e.se ?? .nan
            z = e.z ?? .nan
            p = e.p ?? .nan
            ciLower = e.ciLower ?? .nan
            ciUpper = e.ciUpper ?? .nan
        }
    }

    public let formula: MLSEMFormula
    public let options: MLSEMOptions
    /// The data file.
    public let source: String
    public let waves: MLSEM.Waves
    public let sem: SEMFit
    /// Patients in the data, and those with at least one value in the model (FIML) or with every
    /// value (listwise).
    public let patients: Int
    public var patientsUsed: Int { sem.observations }
    public let coefficients: [Coefficient]
}

extension MLSEMFit: Encodable {
    enum CodingKeys: String, CodingKey {
        case formula, data, options, patients, patients_used, missing_data_patterns, sessions
        case chisq, df, pvalue, loglik, aic, bic, cfi, tli, rmsea, rmsea_ci_lower, rmsea_ci_upper, rmsea_pvalue, srmr
        case fit_indices_unavailable, baseline_chisq, baseline_df, saturated_loglik, saturated_em_iterations, free_parameters
        case coefficients, parameters, information, missing, converged, evaluations, newton_steps, newton_decrement, timing
    }

    enum SessionKeys: String, CodingKey { case first, last, first_equation }

    enum OptionKeys: String, CodingKey {
        case error_inv, const_inv, y_lag, y_free, x_free, alpha_free, partial_pre, random_effects
    }

    /// The fields of `alliance mlsem --format json`: the fit indices at the top level as lavaan's
    /// `fitMeasures()` names them, the formula's coefficients as dpm names them, and every
    /// statement of the model (lavaan's `parameterEstimates()`) under `parameters`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(formula.text, forKey: .formula)
        try c.encode(source, forKey: .data)
        var o = c.nestedContainer(keyedBy: OptionKeys.self, forKey: .options)
        try o.encode(options.errorInvariant, forKey: .error_inv)
        try o.encode(options.constantInvariant, forKey: .const_inv)
        try o.encode(options.outcomeLags, forKey: .y_lag)
        try o.encode(options.outcomeFree.description, forKey: .y_free)
        try o.encode(options.predictorFree.description, forKey: .x_free)
        try o.encode(options.alphaFree, forKey: .alpha_free)
        try o.encode(options.partialPredetermined, forKey: .partial_pre)
        try o.encode(options.randomEffects, forKey: .random_effects)
        try c.encode(patients, forKey: .patients)
        try c.encode(patientsUsed, forKey: .patients_used)
        try c.encode(sem.patternCount, forKey: .missing_data_patterns)
        var w = c.nestedContainer(keyedBy: SessionKeys.self, forKey: .sessions)
        try w.encode(waves.first, forKey: .first)
        try w.encode(waves.end, forKey: .last)
        try w.encode(waves.start, forKey: .first_equation)
        if let f = sem.fitIndices {
            try c.encode(f.chisq, forKey: .chisq)
            try c.encode(f.df, forKey: .df)
            try c.encode(f.pvalue, forKey: .pvalue)
            try c.encode(f.cfi, forKey: .cfi)
            try c.encode(f.tli, forKey: .tli)
            try c.encode(f.rmsea, forKey: .rmsea)
            try c.encode(f.rmseaLower, forKey: .rmsea_ci_lower)
            try c.encode(f.rmseaUpper, forKey: .rmsea_ci_upper)
            try c.encode(f.rmseaPValue, forKey: .rmsea_pvalue)
            try c.encode(f.srmr, forKey: .srmr)
            try c.encode(f.baselineChisq, forKey: .baseline_chisq)
            try c.encode(f.baselineDf, forKey: .baseline_df)
            try c.encode(f.saturatedLogLikelihood, forKey: .saturated_loglik)
            try c.encode(f.saturatedIterations, forKey: .saturated_em_iterations)
        }
        try c.encodeIfPresent(sem.fitIndicesUnavailable, forKey: .fit_indices_unavailable)
        try c.encode(sem.logLikelihood, forKey: .loglik)
        try c.encode(sem.aic, forKey: .aic)
        try c.encode(sem.bic, forKey: .bic)
        try c.encode(sem.parameterCount, forKey: .free_parameters)
        try c.encode(coefficients, forKey: .coefficients)
        try c.encode(sem.estimates, forKey: .parameters)
        try c.encode(sem.information.rawValue, forKey: .information)
        try c.encode(sem.missing.rawValue, forKey: .missing)
        try c.encode(true, forKey: .converged)
        try c.encode(sem.evaluations, forKey: .evaluations)
        try c.encode(sem.newtonSteps, forKey: .newton_steps)
        try c.encode(sem.newtonDecrement, forKey: .newton_decrement)
        try c.encode(sem.timing, forKey: .timing)
    }
}
