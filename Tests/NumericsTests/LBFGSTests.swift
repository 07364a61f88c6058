import Foundation
import Testing
@testable import Numerics

@Suite struct LBFGSTests {
    @Test func findsRosenbrockMinimum() throws {
        // f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 has its only minimum, 0, at (1, 1).
        var optimizer = LBFGS()
        optimizer.absoluteFunctionTolerance = 1e-16
        let result = try optimizer.minimize({ v, g in
            let (x, y) = (v[0], v[1])
            g[0] = -2 * (1 - x) - 400 * x * (y - x * x)
            g[1] = 200 * (y - x * x)
            return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        }, from: [-1.2, 1])
        #expect(abs(result.minimizer[0] - 1) < 1e-5 && abs(result.minimizer[1] - 1) < 1e-5)
        #expect(result.minimum < 1e-10)
        #expect(result.stopReason.isConvergence)
    }

    @Test func solvesAQuadraticInFewIterations() throws {
        // 1/2 x'Hx - b'x with H = diag(1..20) has its minimum at x_i = b_i / i.
        let n = 20
        let b = (1...n).map { Double($0 % 3) - 1 }
        let result = try LBFGS().minimize({ x, g in
            var f = 0.0
            for i in 0..<n {
                g[i] = Double(i + 1) * x[i] - b[i]
                f += 0.5 * Double(i + 1) * x[i] * x[i] - b[i] * x[i]
            }
            return f
        }, from: [Double](repeating: 0, count: n))
        for i in 0..<n { #expect(abs(result.minimizer[i] - b[i] / Double(i + 1)) < 1e-6) }
        #expect(result.evaluations < 100)
    }

    @Test func backsOffFromPointsOutsideTheDomain() throws {
        // -log(x) + x, defined for x > 0 only, has its minimum 1 at x = 1; from x = 30 the first
        // step overshoots into x < 0, which the objective reports as +infinity.
        let result = try LBFGS().minimize({ v, g in
            guard v[0] > 0 else { return .infinity }
            g[0] = -1 / v[0] + 1
            return -log(v[0]) + v[0]
        }, from: [30])
        #expect(abs(result.minimizer[0] - 1) < 1e-5)
        #expect(abs(result.minimum - 1) < 1e-10)
    }

    struct Refused: Error {}

    @Test func passesOnObjectiveErrorsAndNaN() {
        #expect(throws: OptimizationError.self) {
            try LBFGS().minimize({ _, _ in throw Refused() }, from: [1])
        }
        #expect(throws: OptimizationError.self) {
            try LBFGS().minimize({ _, g in g[0] = 0; return .nan }, from: [1])
        }
    }

    @Test func reportsTheEvaluationLimit() throws {
        var optimizer = LBFGS()
        optimizer.maxEvaluations = 3
        let result = try optimizer.minimize({ v, g in
            let (x, y) = (v[0], v[1])
            g[0] = -2 * (1 - x) - 400 * x * (y - x * x)
            g[1] = 200 * (y - x * x)
            return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
        }, from: [-1.2, 1])
        #expect(result.stopReason == .evaluationLimitReached)
    }
}
