import Foundation
import Testing
@testable import Simulation

/// Power studies with residuals correlated within patient (issue #13): the built-in `lagged-ar1`
/// estimator and a user's estimator with `residuals:`, fitted to every replication, kept in the
/// canonical configuration text; a structure that does not parse is an error naming the field.
@Suite struct AutocorrelatedEstimatorTests {
    static func design(_ estimators: String) -> String {
        MLSEMEstimatorTests.design.replacingOccurrences(of: "estimators: [mlsem]", with: "estimators: \(estimators)")
    }

    @Test func fitsTheResidualStructureInEveryReplication() throws {
        let configuration = try study(Self.design("[lagged-ar1, {name: own-car1, formula: 'distress_next ~ distress_within + rupture + session + (1 | patient)', residuals: 'car1(session | patient)'}]"))
        #expect(configuration.analysis.estimators.map(\.residuals) == ["ar1(session | patient)", "car1(session | patient)"])
        #expect(configuration.canonicalText.contains("lagged-ar1"))
        #expect(configuration.canonicalText.contains("residuals: car1(session | patient)"))
        // The canonical text reads back to the same study.
        #expect(try study(configuration.canonicalText).analysis.estimators == configuration.analysis.estimators)
        let power = try PowerStudy(configuration: configuration, seed: 5, replications: 3)
        let records = power.orderedRecords(try power.run(power.units(), threads: 1) { _, _ in })
        #expect(records.count == 3 * (2 + 1))
        let estimated = records.compactMap(\.estimate)
        #expect(estimated.count == records.count, "\(records.map(\.outcome))")
    }

    @Test func aBadStructureNamesTheField() throws {
        #expect(throws: (any Error).self) {
            try study(Self.design("[{name: x, formula: 'distress_next ~ rupture + (1 | patient)', residuals: 'ar2(session | patient)'}]"))
        }
        do {
            _ = try study(Self.design("[{name: x, formula: 'distress_next ~ rupture + (1 | patient)', residuals: 'ar1(week | patient)'}]"))
            Issue.record("an unknown variable was accepted")
        } catch {
            #expect("\(error)".contains("analysis.estimators[0].formula") && "\(error)".contains("'week'"), "\(error)")
        }
    }
}
