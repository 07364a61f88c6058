/// How `alliance replicate` fits the lagged models that are free of Nickell's bias (step 5): the
/// DSEM's sampler (`DSEMLaggedModel`) and the sessions the ML-SEM takes as waves
/// (`MLSEMLaggedModel`). docs/METHODS.md, "The replication", gives the reasons for each default.
public struct DynamicModelSettings: Sendable, Equatable, Encodable {
    /// The DSEM sampler's seed (`--seed`): the same seed gives the same output, byte for byte, on
    /// any number of threads.
    public var seed: UInt64 = 1
    /// Iterations per chain kept after Mplus's PSR rule has converged (`--dsem-iterations`): the
    /// posterior is these draws. 5,000 per chain (10,000 in all) gives effective sample sizes in
    /// the thousands for the rupture and repair effects on data like the study's, so their
    /// posterior medians are stable to the second decimal.
    public var iterations = 5_000
    /// Markov chains (Mplus's default, 2).
    public var chains = 2
    /// The sessions the ML-SEM takes as waves (`--mlsem-sessions`), those of them the data have:
    /// 3-12, as the `mlsem` estimator of `alliance power`.
    public var mlsemSessions: ClosedRange<Int> = 3...12

    public init() {}

    enum CodingKeys: String, CodingKey {
        case seed, dsem_iterations_per_chain, dsem_chains, mlsem_first_session, mlsem_last_session
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        try c.encode(iterations, forKey: .dsem_iterations_per_chain)
        try c.encode(chains, forKey: .dsem_chains)
        try c.encode(mlsemSessions.lowerBound, forKey: .mlsem_first_session)
        try c.encode(mlsemSessions.upperBound, forKey: .mlsem_last_session)
    }
}
