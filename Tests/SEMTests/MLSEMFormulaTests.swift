import Testing
import DynamicModels
import MixedModels
import SessionData
import Tabular
@testable import SEM

@Suite struct MLSEMFormulaTests {
    @Test func readsDpmsSyntax() throws {
        let f = try MLSEMFormula("wks ~ pre(lag(union)) + lag(lwage, 2) + occ | ed + blk")
        #expect(f.outcome == "wks")
        #expect(f.predictors == [
            .init(variable: LaggedVariable(name: "union", lag: 1), predetermined: true),
            .init(variable: LaggedVariable(name: "lwage", lag: 2), predetermined: false),
            .init(variable: LaggedVariable(name: "occ", lag: 0), predetermined: false),
        ])
        #expect(f.constants == ["ed", "blk"])
        #expect(f.variables == ["wks", "union", "lwage", "occ", "ed", "blk"])
        #expect(try MLSEMFormula("y ~ pre(x)").constants.isEmpty)
    }

    @Test(arguments: [
        ("y ~ x | ", "formula 'y ~ x | ': nothing after '|' (name the time-invariant covariates, or leave out the bar)"),
        ("y ~ x | z +", "formula 'y ~ x | z +': expected a variable, number or '(' but found end of formula at column 12"),
        ("y ~ x + | z", "formula 'y ~ x + | z': expected a variable, number or '(' but found '|' at column 9"),
        ("y ~ x | z | w", "formula 'y ~ x | z | w': more than one '|' (dpm's formula has one, before the time-invariant covariates)"),
        ("y ~ x*w", "formula 'y ~ x*w': x * w: '*' is not supported in an ML-SEM formula (terms are columns, lag() and pre())"),
        ("y ~ log(x)", "formula 'y ~ log(x)': log(x): an ML-SEM term is a column, lag(x), lag(x, k), or pre() of one of these"),
        ("y ~ lag(y) + x", "formula 'y ~ lag(y) + x': lag(y): the lagged outcome is in the model already; set its lags with --y-lag"),
        ("y ~ x + pre(x)", "formula 'y ~ x + pre(x)': x is in the formula twice (once in pre())"),
        ("y ~ x | lag(z)", "formula 'y ~ x | lag(z)': lag(z): after '|' come time-invariant covariates, plain column names"),
        ("y ~ x - 1", "formula 'y ~ x - 1': x - 1: terms cannot be removed in an ML-SEM formula (every equation has its own intercept)"),
        ("y ~ x + (1 | g)", "formula 'y ~ x + (1 | g)': 1 | g: random-effects terms are not part of an ML-SEM formula (the person effect is the latent alpha)"),
        ("y ~ pre(x, w)", "formula 'y ~ pre(x, w)': pre(x, w): pre() takes one predictor, as in pre(lag(x))"),
        ("y ~ lag(x, 11)", "formula 'y ~ lag(x, 11)': lag(x, 11): the lag must be a whole number of sessions from 0 to 10"),
    ])
    func badFormulasAreNamed(formula: String, message: String) {
        #expect(throws: FormulaError(message)) { try MLSEMFormula(formula) }
    }

    @Test func optionsAreChecked() {
        var o = MLSEMOptions()
        o.predictorFree = .some(["ed"])
        #expect(throws: SEMInputError("--x-free ed: 'ed' is not a predictor of the formula")) {
            try MLSEM(formula: "wks ~ pre(lag(union))", options: o)
        }
        o = MLSEMOptions()
        o.outcomeLags = [0, 1]
        #expect(throws: SEMInputError("--y-lag: 0 means no lagged outcome and cannot be combined with other lags")) {
            try MLSEM(formula: "wks ~ pre(lag(union))", options: o)
        }
        o = MLSEMOptions()
        o.outcomeFree = .some(["2"])
        #expect(throws: SEMInputError("--y-free 2: not one of the outcome's lags (--y-lag 1)")) {
            try MLSEM(formula: "wks ~ pre(lag(union))", options: o)
        }
    }

    @Test func timeInvariantColumnInPreIsBadInput() throws {
        #expect(throws: SEMInputError("pre(lag(ed)): 'ed' does not change over sessions within any patient; a time-invariant covariate goes after '|'")) {
            try MLSEM(formula: "wks ~ pre(lag(union)) + pre(lag(ed))").fit(try Fixtures.wages())
        }
    }

    @Test func tooFewSessionsForTheLags() throws {
        var o = MLSEMOptions()
        o.sessions = 1...2
        o.outcomeLags = [2]
        #expect(throws: SEMInputError("sessions 1 to 2 leave no session with an equation (the longest lag is 2)")) {
            try MLSEM(formula: "wks ~ pre(lag(union))", options: o).fit(try Fixtures.wages())
        }
    }

    /// The model of dpm's README (print.only on WageData's first 4 waves), statement for statement.
    @Test func specificationAsDpmPrintsIt() throws {
        var o = MLSEMOptions()
        o.sessions = 1...4
        let mlsem = try MLSEM(formula: "wks ~ pre(lag(union)) + lag(lwage) | ed", options: o)
        let spec = mlsem.specification(waves: try mlsem.waves(sessions: 1...4))
        let text = spec.lavaanSyntax
        #expect(text.contains("wks_2 ~ en1*union_1 + ex1*lwage_1 + c1*ed + p1*wks_1\nwks_3 ~ en1*union_2 + ex1*lwage_2 + c1*ed + p1*wks_2\nwks_4 ~ en1*union_3 + ex1*lwage_3 + c1*ed + p1*wks_3\n"))
        #expect(text.contains("alpha =~ 1*wks_2 + 1*wks_3 + 1*wks_4\nalpha ~~ alpha\n"))
        #expect(text.contains("alpha ~~ union_1 + union_2 + union_3 + lwage_1 + lwage_2 + lwage_3 + wks_1\n"))
        #expect(text.contains("## Correlating DV errors with future values of predetermined predictors\nwks_2 ~~ union_3\n\n"))
        #expect(text.contains("wks_2 ~~ wks_2\nwks_3 ~~ wks_3\nwks_4 ~~ wks_4\n"))
        #expect(text.contains("wks_2 ~ 1\nwks_3 ~ 1\nwks_4 ~ 1\n"))
        // 8 predictor waves, ed and wks_1: a saturated block of 8 variables.
        let block = spec.statements.filter { $0.op == .covariance && $0.lhs != "alpha" && !$0.lhs.hasPrefix("wks_") || ($0.lhs == "wks_1" && $0.rhs == "wks_1") }
        #expect(block.count == 8 * 9 / 2)
    }
}
