import Foundation
import Testing
@testable import Simulation

/// The `mlsem` estimator of power studies: chosen by name, fitted to every replication's data by
/// session number, recorded with z-based intervals (df infinite) that survive the replication log.
@Suite struct MLSEMEstimatorTests {
    static let design = """
    therapists: 3
    patients: 80
    sessions: {distribution: fixed, mean: 8, minimum: 8, maximum: 8}
    alliance:
      patient: {mean: 4, patient_sd: 0, slope: 0, slope_sd: 0, therapist_sd: 0, autoregression: 0, residual_sd: 0, scale: {minimum: -100, maximum: 100, values_per_point: 1}}
    ruptures: {rate: 0.3, size_mean: 2, size_sd: 0, repair_probability: 0.6, repair_delay_mean: 1, sensitivity: {patient: 1, therapist: 1}}
    distress:
      mean: 20
      patient_sd: 3
      slope: 0
      slope_sd: 0
      therapist_sd: 0
      autoregression: 0.3
      residual_sd: 2
      scale: {minimum: -1000, maximum: 1000, values_per_point: 0}
      rupture_effect: {patient: 1, therapist: 0}
      repair_effect: {patient: -1, therapist: 0}
    analysis:
      raters: [patient]
      estimators: [mlsem]
      oracle: false
    """

    @Test func fitsEveryReplicationAndLogsTheEstimates() throws {
        let configuration = try study(Self.design)
        #expect(configuration.analysis.estimators == [Estimator.mlsem])
        let power = try PowerStudy(configuration: configuration, seed: 7, replications: 4)
        let records = power.orderedRecords(try power.run(power.units(), threads: 1) { _, _ in })
        #expect(records.count == 4 * 2)
        #expect(Set(records.map(\.estimator)) == ["mlsem"])
        let estimated = records.compactMap(\.estimate)
        #expect(estimated.count >= 6, "\(records.map(\.outcome))")
        for e in estimated {
            #expect(e.degreesOfFreedom == .infinity)
            #expect(abs((e.upper - e.lower) / 2 - 1.959963984540054 * e.standardError) < 1e-9)
        }
        // The log keeps df = inf.
        let log = ReplicationLog.header(study: power, shard: nil) + ReplicationLog.lines(records, study: power)
        let back = try ReplicationLog.parse(Data(log.utf8), source: "log.csv")
        #expect(back.records == records)
    }
}
