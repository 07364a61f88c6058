import Foundation
import Testing
import Tabular
@testable import Simulation

/// Power studies: a known effect is recovered with nominal coverage, and the records are the
/// same however the work is split over threads, shards and interrupted runs.
@Suite struct PowerStudyTests {
    /// A design where a correctly specified model exists: distress with a patient random
    /// intercept and no autoregression (so the model needs no lagged outcome), ruptures that
    /// happen independently of everything, and alliance ratings without noise on an integer
    /// scale far from its ends, so that the `drop` criterion finds exactly the ruptures the
    /// patient perceived (a drop of 2 points; no repairs). The estimator
    /// distress_next ~ rupture + session + (1 | patient) is then the data-generating model and
    /// unbiased for the rupture effect of 1.
    static let unbiasedDesign = """
    therapists: 3
    patients: 30
    sessions: {distribution: fixed, mean: 8, minimum: 8, maximum: 8}
    alliance:
      patient: {mean: 4, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0, scale: {minimum: -100, maximum: 100, values_per_point: 1}}
    ruptures: {rate: 0.2, size_mean: 2, size_sd: 0, repair_probability: 0, sensitivity: {patient: 1, therapist: 1}}
    distress:
      mean: 20
      patient_sd: 3
      slope: 0
      slope_sd: 0
      therapist_sd: 0
      autoregression: 0
      residual_sd: 2
      scale: {minimum: -1000, maximum: 1000, values_per_point: 0}
      rupture_effect: {patient: 1, therapist: 0}
      repair_effect: {patient: 0, therapist: 0}
    analysis:
      raters: [patient]
      estimators:
        - {name: static, formula: "distress_next ~ rupture + session + (1 | patient)"}
        - lagged-observed
      oracle: false
    """

    /// The same design with an autoregression of 0.4 in distress: the DSEM with latent centring
    /// is then the data-generating model (distress_t = mu_i + 0.4 (distress_t-1 - mu_i) +
    /// 1 rupture_t-1 + e), and its rupture effect is unbiased (within 3 Monte Carlo SEs in 20
    /// replications; Benchmarks/dsem-power.sh runs 500 of the sud-2025 design).
    static let dynamicDesign = """
    therapists: 3
    patients: 50
    sessions: {distribution: fixed, mean: 10, minimum: 10, maximum: 10}
    alliance:
      patient: {mean: 4, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0, scale: {minimum: -100, maximum: 100, values_per_point: 1}}
    ruptures: {rate: 0.2, size_mean: 2, size_sd: 0, repair_probability: 0, sensitivity: {patient: 1, therapist: 1}}
    distress:
      mean: 20
      patient_sd: 3
      slope: 0
      slope_sd: 0
      therapist_sd: 0
      autoregression: 0.4
      residual_sd: 2
      scale: {minimum: -1000, maximum: 1000, values_per_point: 0}
      rupture_effect: {patient: 1, therapist: 0}
      repair_effect: {patient: 0, therapist: 0}
    analysis:
      raters: [patient]
      estimators:
        - {name: ar, dsem: "distress ~ lag(distress) + lag(rupture) + (1 + lag(distress) | patient)"}
      oracle: false
    """

    @Test func dsemRecoversTheEffectOfADynamicDesign() throws {
        let configuration = try study(Self.dynamicDesign)
        #expect(configuration.process.distress.autoregression == 0.4 && configuration.analysis.estimators.map(\.name) == ["ar"])
        let power = try PowerStudy(configuration: configuration, seed: 7, replications: 20)
        let records = power.orderedRecords(try power.run(power.units(), threads: 2) { _, _ in })
        #expect(records.allSatisfy { $0.estimate?.degreesOfFreedom == .infinity && $0.estimate?.converged == true })
        let rupture = try #require(power.summaries(of: records).first { $0.estimator == "ar" && $0.term == .rupture })
        #expect(rupture.estimated == 20)
        let bias = try #require(rupture.bias), biasSE = try #require(bias.standardError)
        #expect(abs(bias.value) < 3 * biasSE, "bias \(bias.value) (MCSE \(biasSE))")
        #expect(rupture.coverage?.standardError != nil && rupture.rmse != nil)
    }

    @Test func knownEffectIsRecoveredWithNominalCoverage() throws {
        // 1500 replications: the Monte Carlo SE of a 95% coverage is sqrt(.95 x .05 / 1500) =
        // .0056, so 93-97% is a band of about 3.6 SEs either side.
        let power = try PowerStudy(configuration: try study(Self.unbiasedDesign), seed: 20261123, replications: 1500)
        let records = power.orderedRecords(try power.run(power.units(), threads: 2) { _, _ in })
        let summaries = power.summaries(of: records)
        let rupture = try #require(summaries.first { $0.estimator == "static" && $0.term == .rupture })
        #expect(rupture.truth == 1)
        #expect(rupture.estimated == 1500)
        let bias = try #require(rupture.bias), biasSE = try #require(bias.standardError)
        #expect(abs(bias.value) < 3 * biasSE, "bias \(bias.value) (MCSE \(biasSE))")
        let coverage = try #require(rupture.coverage?.value)
        #expect(coverage >= 0.93 && coverage <= 0.97, "coverage \(coverage)")
        // The model-based SE agrees with the spread of the estimates (within 4 MC SEs).
        let empirical = try #require(rupture.empiricalSE)
        #expect(abs(try #require(rupture.meanModelSE) - empirical.value) < 4 * (empirical.standardError ?? 0))
        // Every patient-perceived rupture is detected: the prevalence is the share of patients
        // with an onset in sessions 2-8, 1 - .8^7.
        let prevalence = try #require(rupture.prevalence)
        let expectedPrevalence: Double = 1 - pow(0.8, 7)
        let prevalenceSE = (expectedPrevalence * (1 - expectedPrevalence) / (30 * 1500)).squareRoot()
        #expect(abs(prevalence - expectedPrevalence) < 4 * prevalenceSE)
        // With no repairs the repair column is all zero: lagged-observed cannot estimate it,
        // and says so in every replication instead of failing the study.
        let repair = try #require(summaries.first { $0.estimator == "lagged-observed" && $0.term == .repair })
        #expect(repair.failed.value == 1 && repair.estimated == 0 && repair.power.value == 0)
        #expect(records.first { $0.estimator == "lagged-observed" && $0.term == .repair }.map {
            if case .failed(let reason) = $0.outcome { return reason.contains("not estimable") }
            return false
        } == true)
    }

    /// A small grid over a small version of the preset: 2 cells x 5 replications, both raters,
    /// the three estimators.
    static func smallStudy(replications: Int = 5) throws -> PowerStudy {
        try PowerStudy(configuration: try study("""
        preset: sud-2025
        patients: 24
        therapists: 3
        sessions: {mean: 8, sd: 4, minimum: 4, maximum: 14}
        grid:
          distress.rupture_effect.patient: [0, 2]
        """), seed: 77, replications: replications)
    }

    func log(_ study: PowerStudy, _ records: [FitRecord]) -> String {
        ReplicationLog.header(study: study, shard: nil) + ReplicationLog.lines(records, study: study)
    }

    @Test func sameRecordsOnOneThreadAndTwo() throws {
        let power = try Self.smallStudy()
        let one = power.orderedRecords(try power.run(power.units(), threads: 1) { _, _ in })
        let two = power.orderedRecords(try power.run(power.units(), threads: 2) { _, _ in })
        // cells x replications x raters x (3 estimators, each also on the true events) x terms.
        let expected: Int = 2 * 5 * 2 * (3 * 2) * 2
        #expect(one.count == expected)
        #expect(log(power, one) == log(power, two))
        #expect(one.contains { $0.estimate != nil })
    }

    @Test func shardsTogetherAreTheUnshardedStudy() throws {
        let power = try Self.smallStudy()
        let whole = power.orderedRecords(try power.run(power.units(), threads: 2) { _, _ in })
        var pieces = [ReplicationUnit: [FitRecord]]()
        var seen = Set<ReplicationUnit>()
        for i in 1...3 {
            let units = power.units(in: try Shard(index: i, count: 3))
            #expect(seen.isDisjoint(with: units))
            seen.formUnion(units)
            pieces.merge(try power.run(units, threads: 1) { _, _ in }) { a, _ in a }
        }
        #expect(seen.count == 10)
        #expect(log(power, power.orderedRecords(pieces)) == log(power, whole))
        // Shard files read back to the same records.
        let shard = try Shard(index: 2, count: 3)
        let units = power.units(in: shard)
        let text = ReplicationLog.header(study: power, shard: shard) + ReplicationLog.lines(power.orderedRecords(pieces.filter { units.contains($0.key) }), study: power)
        let read = try ReplicationLog.parse(Data(text.utf8), source: "shard.csv")
        #expect(read.shard == shard)
        #expect(read.records == power.orderedRecords(pieces.filter { units.contains($0.key) }))
    }

    struct Interruption: Error {}

    @Test func resumingAfterAnInterruptionGivesTheSameRecords() throws {
        let power = try Self.smallStudy()
        let whole = power.orderedRecords(try power.run(power.units(), threads: 2) { _, _ in })
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("study.checkpoint").path

        // First run: interrupted after 4 replications.
        let first = try Checkpoint(path: path, study: power, shard: nil)
        #expect(first.completed.isEmpty)
        let count = Counter()
        #expect(throws: Interruption.self) {
            _ = try power.run(power.units(), threads: 2) { _, records in
                if count.next() > 4 { throw Interruption() }
                try first.append(records)
            }
        }
        // A write cut off mid-line, as a kill during the append would leave it.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("1,3,patient,lagged-obs".utf8))
        try handle.close()

        // Second run: resumes the 6 missing replications.
        let second = try Checkpoint(path: path, study: power, shard: nil)
        #expect(second.completed.count == 4)
        let pending = power.units().filter { second.completed[$0] == nil }
        #expect(pending.count == 6)
        var done = second.completed
        done.merge(try power.run(pending, threads: 2) { _, records in try second.append(records) }) { a, _ in a }
        #expect(log(power, power.orderedRecords(done)) == log(power, whole))
        // The checkpoint now holds the whole study (in completion order) and no torn line.
        let final = try ReplicationLog.read(path: path)
        #expect(power.orderedRecords(power.completeUnits(in: final.records)) == whole)
    }

    @Test func checkpointOfAnotherStudyIsRefused() throws {
        let power = try Self.smallStudy()
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("study.checkpoint").path
        _ = try Checkpoint(path: path, study: power, shard: nil)
        let otherSeed = try PowerStudy(configuration: power.configuration, seed: 78, replications: 5)
        #expect(throws: DataError(source: path, message: "is the checkpoint of another study (a different configuration or seed); remove it or choose another --checkpoint")) {
            _ = try Checkpoint(path: path, study: otherSeed, shard: nil)
        }
        // More replications of the same study reuse it.
        #expect(try Checkpoint(path: path, study: try Self.smallStudy(replications: 8), shard: nil).completed.isEmpty)
    }

    @Test func shardsFromSlurmArrays() throws {
        #expect(try Shard.fromSlurm([:]) == nil)
        #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"]) == Shard(index: 1, count: 4))
        #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]) == Shard(index: 4, count: 4))
        #expect(try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "5", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_STEP": "2"]) == Shard(index: 4, count: 5))
        #expect(throws: DataError.self) { try Shard.fromSlurm(["SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]) }
        #expect(throws: DataError.self) { try Shard(parsing: "0/3") }
        #expect(throws: DataError.self) { try Shard(parsing: "4/3") }
        #expect(throws: DataError.self) { try Shard(parsing: "2") }
        // Round-robin: shard i holds units i-1, i-1+N, ...
        let power = try Self.smallStudy()
        #expect(power.units(in: try Shard(index: 2, count: 3)).map { [$0.cell, $0.replication] } == [[1, 2], [1, 5], [2, 3]])
    }
}

/// A count the completion calls share (they run one at a time).
private final class Counter: @unchecked Sendable {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}
