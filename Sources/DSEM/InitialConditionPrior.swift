/// The prior N(m0, v0) of the latent pre-sample values (and of missing outcomes without an
/// equation).
///
/// Mplus's default [V: Asparouhov et al. 2018, the section on the initial conditions]: m0 and v0
/// are the mean and variance of the within-patient values y_it - mu_i of the data, re-estimated
/// from the current draws during the first 100 iterations and fixed from then on. Each chain
/// re-estimates it; after those 100 iterations all chains take the average of their estimates
/// (`DSEM`), so that they sample the same posterior. A prior set by the user
/// (`DSEMPriors.initialValues`) is fixed throughout.
enum InitialConditionPrior {
    /// The iterations during which the data-based prior is re-estimated.
    static let estimationIterations = 100

    static func update(_ pooled: PooledStatistics, state: ChainState) {
        guard state.data.specification.priors.initialValues == nil, pooled.deviationCount > 1 else { return }
        let n = pooled.deviationCount
        let mean = pooled.deviationSum / n
        let variance = (pooled.deviationSumOfSquares - n * mean * mean) / (n - 1)
        guard variance > 0, variance.isFinite else { return }
        state.initialMean = mean
        state.initialVariance = variance
    }
}
