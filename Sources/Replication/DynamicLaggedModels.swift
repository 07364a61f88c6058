import DynamicModels
import Numerics
import Ruptures
import SessionData

/// Step 5 by the estimators without Nickell's bias: for each rater, the DSEM (`DSEMLaggedModel`)
/// and the ML-SEM (`MLSEMLaggedModel`) of next-session distress on the rater's ruptures and
/// repairs under the chosen criterion. The four models run side by side, each on one thread, on
/// one lagged panel of the analysis variables (cells by session number, so that a lag is the
/// previous session and a missed session a missing cell). A rater without ratings, data without
/// distress, or a model that cannot be fitted is kept with the reason.
struct DynamicLaggedModels {
    /// Patient-rated, then therapist-rated (`ReplicationAnalysis.raterNames`).
    let dsem: [DSEMLaggedModel]
    let mlsem: [MLSEMLaggedModel]

    init(variables: SessionVariables, therapists: TherapistModelling, settings: DynamicModelSettings, progress: AnalysisProgress) {
        let raters = ReplicationAnalysis.raterNames
        let missing: [String: String] = Dictionary(uniqueKeysWithValues: raters.compactMap { rater in
            if !variables.hasDistress { return (rater, "the data have no distress column (rename yours with --columns distress=NAME)") }
            if !variables.table.contains("rupture_\(rater)") { return (rater, "the data have no \(rater)-rated alliance (column 'alliance_\(rater)')") }
            return nil
        })
        let present = raters.filter { missing[$0] == nil }
        let panel: Result<LaggedPanel, any Error> = Result {
            try LaggedPanel(panel: try Panel(file: SessionFile(table: variables.table)),
                            variables: ["distress"] + present.flatMap { ["rupture_\($0)", "repair_\($0)"] })
        }
        enum Job: Sendable { case dsem(String), mlsem(String) }
        enum Done: Sendable { case dsem(DSEMLaggedModel), mlsem(MLSEMLaggedModel) }
        let jobs = present.map { Job.dsem($0) } + present.map { Job.mlsem($0) }
        progress.step("lagged models without Nickell's bias: DSEM (\(settings.chains) chains to PSR < 1.1, then \(settings.iterations) iterations each, seed \(settings.seed)) and ML-SEM (sessions \(settings.mlsemSessions.lowerBound)-\(settings.mlsemSessions.upperBound)) per rater",
                      total: jobs.count)
        let done: [Done] = (try? jobs.concurrentMap { job -> Done in
            defer { progress.advance() }
            switch (job, panel) {
            case (.dsem(let rater), .success(let p)):
                return .dsem(DSEMLaggedModel.fit(rater: rater, panel: p, therapists: therapists, settings: settings))
            case (.mlsem(let rater), .success(let p)):
                return .mlsem(MLSEMLaggedModel.fit(rater: rater, panel: p, settings: settings))
            case (.dsem(let rater), .failure(let error)):
                return .dsem(.notRun(rater: rater, therapists: therapists, reason: "the data could not be laid out by session: \(error)"))
            case (.mlsem(let rater), .failure(let error)):
                return .mlsem(.notRun(rater: rater, reason: "the data could not be laid out by session: \(error)"))
            }
        }) ?? []
        dsem = raters.map { rater in
            for case .dsem(let m) in done where m.rater == rater { return m }
            return .notRun(rater: rater, therapists: therapists, reason: missing[rater] ?? "not run")
        }
        mlsem = raters.map { rater in
            for case .mlsem(let m) in done where m.rater == rater { return m }
            return .notRun(rater: rater, reason: missing[rater] ?? "not run")
        }
    }
}
