import Foundation
import Testing
import Numerics
@testable import SEM

/// The SEM engine on a model that is not dpm's: a factor f measured by y1..y4 (first loading
/// fixed, two loadings equal by a label), f regressed on an observed x, a residual covariance,
/// intercepts, and 15% of the values missing. Derivatives are checked against finite differences
/// of the likelihood, and the EM saturated model against the same engine fitting a saturated
/// model.
@Suite struct EngineTests {
    /// 300 rows from the model with loadings 1, 0.8, 0.8, 1.2, f = 0.5 x + u.
    static func data(missingShare: Double = 0.15, seed: UInt64 = 11) -> SEMData {
        let random = RandomStream(seed: seed)
        let names = ["y1", "y2", "y3", "y4", "x"]
        var values = [Double]()
        let n = 300
        for _ in 0..<n {
            let x = random.normal(mean: 1, standardDeviation: 1.5)
            let f = 0.5 * x + random.normal()
            var row = [1.0, 0.8, 0.8, 1.2].enumerated().map { k, l in 2 + Double(k) + l * f + random.normal(standardDeviation: 0.7) }
            row.append(x)
            for j in 0..<5 where random.uniform() < missingShare { row[j] = .nan }
            values += row
        }
        return SEMData(variables: names, values: values, rowCount: n)
    }

    static func specification() -> ModelSpecification {
        var s = ModelSpecification(observed: ["y1", "y2", "y3", "y4", "x"], latent: ["f"])
        s.load("y1", on: "f", fixed: 1)
        s.load("y2", on: "f", label: "l")
        s.load("y3", on: "f", label: "l")
        s.load("y4", on: "f")
        s.regress("f", on: "x")
        for y in ["y1", "y2", "y3", "y4"] { s.covary(y, y); s.intercept(y) }
        s.covary("y1", "y2")
        s.covary("f", "f")
        s.covary("x", "x")
        s.intercept("x")
        return s
    }

    static func objective() throws -> (FIMLObjective, [Double]) {
        let sem = try StructuralEquationModel(specification: specification(), data: data())
        let start = StartingValues.values(model: sem.model, data: sem.data, rows: sem.rows)
        // Move away from the start so that no derivative vanishes by symmetry.
        let theta = start.enumerated().map { $1 + 0.05 * Double($0 % 3 + 1) }
        return (FIMLObjective(model: sem.model, patterns: sem.patterns), theta)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let (objective, theta) = try Self.objective()
        var gradient = [Double](repeating: 0, count: theta.count)
        _ = try objective.valueAndGradient(at: theta, gradient: &gradient)
        for k in theta.indices {
            let h = 1e-5 * max(1, abs(theta[k]))
            var up = theta, down = theta
            up[k] += h
            down[k] -= h
            let numeric = (try objective.value(at: up) - objective.value(at: down)) / (2 * h)
            #expect(abs(gradient[k] - numeric) < 1e-5 * max(1, abs(numeric)), "parameter \(objective.model.parameters[k].name): \(gradient[k]) vs \(numeric)")
        }
    }

    @Test func observedInformationIsTheHessian() throws {
        let (objective, theta) = try Self.objective()
        let information = try InformationMatrix.compute(.observed, objective: objective, theta: theta)
        let q = theta.count
        for k in 0..<q {
            let h = 1e-5 * max(1, abs(theta[k]))
            var up = theta, down = theta
            up[k] += h
            down[k] -= h
            var gUp = [Double](repeating: 0, count: q), gDown = gUp
            _ = try objective.valueAndGradient(at: up, gradient: &gUp)
            _ = try objective.valueAndGradient(at: down, gradient: &gDown)
            for l in 0..<q {
                let numeric = (gUp[l] - gDown[l]) / (2 * h)
                #expect(abs(information[l, k] - numeric) < 1e-4 * max(1, abs(numeric)),
                        "H[\(objective.model.parameters[l].name), \(objective.model.parameters[k].name)]: \(information[l, k]) vs \(numeric)")
            }
        }
    }

    /// The expected information is the observed one averaged over data from the model: with the
    /// data's moments equal to the implied ones (one complete pattern whose mean and covariance
    /// are mu and Sigma), the two coincide.
    @Test func expectedInformationAtDataEqualToTheModel() throws {
        let (objective, theta) = try Self.objective()
        let moments = try ImpliedMoments(model: objective.model, theta: theta)
        let p = objective.model.observedCount
        let pattern = MissingDataPattern(observed: Array(0..<p), rows: Array(0..<50), mean: moments.mu,
                                         covariance: moments.sigma, centred: nil)
        let exact = FIMLObjective(model: objective.model, patterns: [pattern])
        let observed = try InformationMatrix.compute(.observed, objective: exact, theta: theta)
        let expected = try InformationMatrix.compute(.expected, objective: exact, theta: theta)
        #expect(observed.maxAbsoluteDifference(expected) < 1e-9 * observed.elements.map(abs).max()!)
    }

    @Test func fitRecoversTheGeneratingModel() throws {
        let fit = try StructuralEquationModel(specification: Self.specification(), data: Self.data()).fit()
        let estimate = { (name: String) in fit.theta[fit.model.parameters.firstIndex { $0.name == name }!] }
        #expect(abs(estimate("l") - 0.8) < 0.1)
        #expect(abs(estimate("f ~ x") - 0.5) < 0.1)
        #expect(fit.newtonDecrement < 1e-10)
        // 5 variables: 20 moments; 15 parameters (loadings l and y4, f ~ x, six variances, y1 ~~ y2, five means).
        #expect(fit.parameterCount == 15 && fit.fitIndices?.df == 5)
        // Fixed statements are reported with their value and no standard error.
        let fixed = try #require(fit.estimates.first { $0.lhs == "f" && $0.rhs == "y1" })
        #expect(!fixed.free && fixed.estimate == 1 && fixed.se == nil)
    }

    /// The EM estimate of the saturated model and the engine's own FIML fit of a model with every
    /// mean, variance and covariance free reach the same likelihood.
    @Test func saturatedModelByEMIsTheFIMLOptimum() throws {
        let data = Self.data(missingShare: 0.3)
        var s = ModelSpecification(observed: data.variables)
        for (a, u) in data.variables.enumerated() {
            for v in data.variables[a...] { s.covary(u, v) }
            s.intercept(u)
        }
        let sem = try StructuralEquationModel(specification: s, data: data)
        let fit = try sem.fit()
        let saturated = try SaturatedModel(patterns: sem.patterns, variableCount: 5)
        #expect(saturated.converged && saturated.iterations > 0)
        #expect(abs(fit.logLikelihood - saturated.logLikelihood) < 1e-7)
        #expect(fit.fitIndices?.df == 0)
        #expect(abs(fit.fitIndices!.chisq) < 1e-6)
    }

    @Test func completeDataSaturatedModelIsTheSampleMoments() throws {
        let data = Self.data(missingShare: 0)
        let patterns = MissingDataPattern.patterns(of: data)
        #expect(patterns.count == 1)
        let saturated = try SaturatedModel(patterns: patterns, variableCount: 5)
        #expect(saturated.iterations == 0)
        var mean = [Double](repeating: 0, count: 5)
        for r in 0..<300 { for j in 0..<5 { mean[j] += data.value(row: r, column: j) / 300 } }
        for j in 0..<5 { #expect(abs(saturated.mean[j] - mean[j]) < 1e-12) }
        var c01 = 0.0
        for r in 0..<300 { c01 += (data.value(row: r, column: 0) - mean[0]) * (data.value(row: r, column: 1) - mean[1]) / 300 }
        #expect(abs(saturated.covariance[0, 1] - c01) < 1e-12)
    }

    @Test func rowsWithoutValuesAreDroppedAndPatternsGrouped() throws {
        let nan = Double.nan
        let data = SEMData(variables: ["a", "b"], values: [1, 2, nan, nan, 3, nan, 4, 5, 6, nan, 7, 1], rowCount: 6)
        let patterns = MissingDataPattern.patterns(of: data)
        #expect(patterns.map(\.observed) == [[0, 1], [0]])
        #expect(patterns.map(\.rows) == [[0, 3, 5], [2, 4]])
        #expect(patterns[1].mean == [4.5])
    }

    @Test func badInputIsNamed() throws {
        let nan = Double.nan
        var s = ModelSpecification(observed: ["a", "b"])
        s.covary("a", "a"); s.covary("b", "b"); s.covary("a", "b"); s.intercept("a"); s.intercept("b")
        let constant = SEMData(variables: ["a", "b"], values: [1, 2, 1, 3, 1, 5, 1, 1], rowCount: 4)
        #expect(throws: SEMInputError("'a' has no variance (every observed value is 1)", variable: "a")) {
            try StructuralEquationModel(specification: s, data: constant)
        }
        let empty = SEMData(variables: ["a", "b"], values: [nan, 2, nan, 3, nan, 5, 1, 1], rowCount: 4)
        #expect(throws: SEMInputError("'a' has one observed value in the rows used", variable: "a")) {
            try StructuralEquationModel(specification: s, data: empty)
        }
        let short = SEMData(variables: ["a", "b"], values: [1, 2, 2, 3], rowCount: 2)
        #expect(throws: SEMInputError("2 rows for 2 observed variables: the saturated model needs more rows than variables")) {
            try StructuralEquationModel(specification: s, data: short)
        }
        var unknown = s
        unknown.regress("a", on: "c")
        #expect(throws: ModelSpecificationError("'a ~ c' names 'c', which is not a variable of the model")) {
            try RAMModel(unknown)
        }
        var twice = s
        twice.covary("b", "a")
        #expect(throws: ModelSpecificationError("'b ~~ a' states a coefficient that is already in the model")) {
            try RAMModel(twice)
        }
    }

    @Test func lavaanSyntaxGroupsStatements() {
        var s = ModelSpecification(observed: ["y1", "y2", "x"], latent: ["f"])
        s.section = "Loadings"
        s.load("y1", on: "f", fixed: 1)
        s.load("y2", on: "f", label: "l")
        s.section = "Means"
        s.intercept("y1")
        s.intercept("y2", label: "k")
        #expect(s.lavaanSyntax == """
        ## Loadings
        f =~ 1*y1 + l*y2

        ## Means
        y1 ~ 1
        y2 ~ k*1

        """)
    }
}
