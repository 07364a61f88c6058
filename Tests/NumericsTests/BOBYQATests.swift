import Testing
@testable import Numerics

@Suite struct BOBYQATests {
    @Test func findsRosenbrockMinimum() throws {
        // f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 has its only minimum, 0, at (1, 1).
        let rosenbrock: ([Double]) -> Double = { v in
            let (x, y) = (v[0], v[1])
            return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        }
        var optimizer = BOBYQA(lowerBounds: [-5, -5], upperBounds: [5, 5])
        optimizer.absoluteParameterTolerance = 1e-10
        optimizer.absoluteFunctionTolerance = 1e-14
        let result = try optimizer.minimize(rosenbrock, from: [-1.2, 1])
        #expect(abs(result.minimizer[0] - 1) < 1e-4 && abs(result.minimizer[1] - 1) < 1e-4)
        #expect(result.minimum < 1e-8)
        #expect(result.stopReason.isConvergence)
        #expect(result.evaluations > 0)
    }

    @Test func respectsBounds() throws {
        // (x - 3)^2 on [0, 2] is smallest at the bound x = 2.
        let result = try BOBYQA(lowerBounds: [0, 0], upperBounds: [2, 2])
            .minimize({ ($0[0] - 3) * ($0[0] - 3) + ($0[1] - 1) * ($0[1] - 1) }, from: [1, 0.5])
        #expect(abs(result.minimizer[0] - 2) < 1e-6)
        #expect(abs(result.minimizer[1] - 1) < 1e-4)
    }

    @Test func reportsTheEvaluationLimit() throws {
        var optimizer = BOBYQA(lowerBounds: [-10, -10])
        optimizer.maxEvaluations = 7
        let result = try optimizer.minimize({ $0[0] * $0[0] + 3 * $0[1] * $0[1] + $0[0] * $0[1] }, from: [5, 5])
        #expect(result.stopReason == .evaluationLimitReached)
        #expect(result.stopReason.isConvergence == false)
        #expect(result.evaluations == 7)
    }

    struct Refused: Error {}

    @Test func passesOnObjectiveErrorsAndNaN() {
        #expect(throws: OptimizationError.self) {
            try BOBYQA(lowerBounds: [0, 0]).minimize({ _ in throw Refused() }, from: [1, 1])
        }
        #expect(throws: OptimizationError.self) {
            try BOBYQA(lowerBounds: [0, 0]).minimize({ $0[0] > 1.05 ? .nan : $0[0] + $0[1] }, from: [1, 1])
        }
    }

    @Test func refusesAStartOutsideTheBounds() {
        #expect(throws: OptimizationError.self) {
            try BOBYQA(lowerBounds: [0, 0], upperBounds: [1, 1]).minimize({ $0[0] + $0[1] }, from: [2, 2])
        }
    }
}
