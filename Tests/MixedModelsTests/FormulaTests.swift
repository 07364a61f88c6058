import Testing
import Tabular
@testable import MixedModels

/// Term expansion and naming, checked against what lme4 1.1-31 prints for the same formulas
/// (`names(fixef(m))`, `as.data.frame(VarCorr(m))$grp`), recorded in the comments.
@Suite struct FormulaTests {
    /// 24 rows: f has levels hi/lo/mid (sorted: hi first), g has u/v, n is 1..3, a and b are
    /// factors of 4 and 6 levels, x and x3 numeric. The same data were given to lme4 1.1-31 in R,
    /// and every expected name below is what it printed.
    func data() throws -> DataTable {
        var text = "y,x,x3,f,g,n,a,b\n"
        let fs = ["lo", "mid", "hi"], gs = ["u", "v"]
        for r in 0..<24 {
            let y = Double((r * 7) % 11) + 0.5 * Double(r % 3)
            text += "\(y),\(Double(r) * 0.3 - 2),\(Double((r * 5) % 7)),\(fs[r % 3]),\(gs[r % 2]),\((r / 2) % 3 + 1),A\(r % 4),B\(r % 6)\n"
        }
        return try DelimitedTextReader().read(text: text, source: "t.csv")
    }

    func names(_ formula: String) throws -> [String] {
        try ModelFrame(formula: ModelFormula(formula), data: data()).fixedEffectNames
    }

    @Test func mainEffectsInteractionsAndFunctions() throws {
        // model.matrix gives (Intercept) flo fmid gv factor(n)2 factor(n)3 I(x^2) log(abs(x))
        // flo:gv fmid:gv; in these data n and g determine f, so lme4 drops the last two.
        let frame = try ModelFrame(formula: ModelFormula("y ~ f*g + factor(n) + I(x^2) + log(abs(x)) + (1|a)"), data: data())
        #expect(frame.fixedEffectNames ==
                ["(Intercept)", "flo", "fmid", "gv", "factor(n)2", "factor(n)3", "I(x^2)", "log(abs(x))"])
        #expect(frame.droppedColumnNames == ["flo:gv", "fmid:gv"])
    }

    @Test func interceptRemovalGivesIndicators() throws {
        // lme4: y ~ 0 + f + x and y ~ f + x - 1 both give fhi flo fmid x.
        #expect(try names("y ~ 0 + f + x + (1|a)") == ["fhi", "flo", "fmid", "x"])
        #expect(try names("y ~ f + x - 1 + (1|a)") == ["fhi", "flo", "fmid", "x"])
    }

    @Test func interactionWithoutMainEffects() throws {
        // lme4: y ~ x:f gives (Intercept) x:fhi x:flo x:fmid (x numeric, f coded by indicators
        // because x:f minus f = x is not in the model); variables keep their written order.
        #expect(try names("y ~ x:f + (1|a)") == ["(Intercept)", "x:fhi", "x:flo", "x:fmid"])
        #expect(try names("y ~ f:x + (1|a)") == ["(Intercept)", "fhi:x", "flo:x", "fmid:x"])
    }

    @Test func rankDeficientColumnsDropLaterOnes() throws {
        // lme4: y ~ f:g (with intercept) builds 6 indicator products and drops fmid:gv, the
        // one that is a combination of the intercept and the others.
        let frame = try ModelFrame(formula: ModelFormula("y ~ f:g + (1|a)"), data: data())
        #expect(frame.fixedEffectNames == ["(Intercept)", "fhi:gu", "flo:gu", "fmid:gu", "fhi:gv", "flo:gv"])
        #expect(frame.droppedColumnNames == ["fmid:gv"])
    }

    @Test func crossingPowerAndNesting() throws {
        #expect(try names("y ~ (x + x3 + f)^2 + (1|a)") ==
                ["(Intercept)", "x", "x3", "flo", "fmid", "x:x3", "x:flo", "x:fmid", "x3:flo", "x3:fmid"])
        // f/x = f + f:x; the slope within each level of f gets indicators for f.
        #expect(try names("y ~ f/x + (1|a)") == ["(Intercept)", "flo", "fmid", "fhi:x", "flo:x", "fmid:x"])
    }

    @Test func randomTermsAreNamedAndOrderedAsLme4() throws {
        let d = try data()
        // (1|a) + (1|b): 4 and 6 levels increase along the written order, so lme4 sorts by
        // levels, decreasing: b, a.
        var frame = try ModelFrame(formula: ModelFormula("y ~ x + (1|a) + (1|b)"), data: d)
        #expect(frame.randomTerms.map(\.groupName) == ["b", "a"])
        // (1|b/a): nested groups are written inner:outer, as lme4 writes cask:batch for
        // (1|batch/cask); here a:b has 12 levels.
        frame = try ModelFrame(formula: ModelFormula("y ~ x + (1|b/a)"), data: d)
        #expect(frame.randomTerms.map(\.groupName) == ["a:b", "b"])
        #expect(frame.randomTerms[0].levelCount == 12)
        // (x || a) = (1|a) + (0 + x|a): equal levels keep their order.
        frame = try ModelFrame(formula: ModelFormula("y ~ x + (x || a)"), data: d)
        #expect(frame.randomTerms.map(\.columnNames) == [["(Intercept)"], ["x"]])
        // theta names as lme4: a.(Intercept), a.x.(Intercept), a.x for (1 + x | a).
        frame = try ModelFrame(formula: ModelFormula("y ~ x + (1 + x | a)"), data: d)
        #expect(frame.randomTerms[0].thetaNames == ["a.(Intercept)", "a.x.(Intercept)", "a.x"])
        #expect(frame.randomTerms[0].thetaLowerBounds == [0, -.infinity, 0])
    }

    @Test func levelsSortAsRDoes() {
        // R (en_US.UTF-8): levels(factor(c("b","B","a","A","10","9"))) is "10" "9" "a" "A" "b" "B".
        let labels = ["b", "B", "a", "A", "10", "9"]
        #expect(LevelOrder.sortedIndices(labels).map { labels[$0] } == ["10", "9", "a", "A", "b", "B"])
    }

    @Test func parseErrorsSayWhere() {
        #expect(throws: FormulaError("formula 'y ~ x + (1 | g': missing ')' to close the '(' at column 9 at column 15")) {
            try ModelFormula("y ~ x + (1 | g")
        }
        #expect(throws: FormulaError("formula 'y ~ x +': expected a variable, number or '(' but found end of formula at column 8")) {
            try ModelFormula("y ~ x +")
        }
        #expect(throws: FormulaError("formula 'y x': expected '~' at column 3")) { try ModelFormula("y x") }
        #expect(throws: FormulaError("formula 'y ~ x | g': a random-effects bar must be inside parentheses, as in (1 | group) at column 7")) {
            try ModelFormula("y ~ x | g")
        }
    }

    @Test func dataErrorsNameTheProblem() throws {
        let d = try data()
        #expect(throws: FormulaError("formula 'y ~ nope + (1|a)': no column 'nope' in t.csv (columns: y, x, x3, f, g, n, a, b)")) {
            try ModelFrame(formula: ModelFormula("y ~ nope + (1|a)"), data: d)
        }
        #expect(throws: FormulaError("response 'f' is not numeric")) {
            try ModelFrame(formula: ModelFormula("f ~ x + (1|a)"), data: d)
        }
        #expect(throws: FormulaError("formula 'y ~ poly(x) + (1|a)': unknown function 'poly' (alliance understands factor(), I(), log(), log2(), log10(), log1p(), exp(), sqrt(), abs())")) {
            try ModelFrame(formula: ModelFormula("y ~ poly(x) + (1|a)"), data: d)
        }
        #expect(throws: FormulaError("t.csv:2: log(x) is not a finite number (log of -2.0)")) {
            try ModelFrame(formula: ModelFormula("y ~ log(x) + (1|a)"), data: d)
        }
    }

    @Test func oneLevelGroupAndConstantResponseAreRefused() throws {
        let single = try DelimitedTextReader().read(text: "y,g\n1,a\n2,a\n3,a\n", source: "s.csv")
        #expect(throws: FormulaError("grouping factor 'g' has only one level in the data used; a random effect needs at least two")) {
            try ModelFrame(formula: ModelFormula("y ~ 1 + (1|g)"), data: single)
        }
        let constant = try DelimitedTextReader().read(text: "y,g\n4,a\n4,b\n4,a\n4,b\n", source: "c.csv")
        #expect(throws: FormulaError("response 'y' has no variance (every value is 4); there is nothing to model")) {
            try ModelFrame(formula: ModelFormula("y ~ 1 + (1|g)"), data: constant)
        }
        // One observation per group: levels == observations, which lme4 refuses too.
        let singletons = try DelimitedTextReader().read(text: "y,g\n1,a\n2,b\n4,c\n3,d\n", source: "o.csv")
        #expect(throws: FormulaError("grouping factor 'g' has 4 levels for 4 observations; the number of levels must be smaller than the number of observations (as lme4 requires)")) {
            try ModelFrame(formula: ModelFormula("y ~ 1 + (1|g)"), data: singletons)
        }
    }

    @Test func missingValuesDropRowsAndAreCounted() throws {
        let t = try DelimitedTextReader().read(text: "y,x,g\n1,2,a\nNA,3,b\n2,,a\n3,4,b\n5,1,a\n6,2,b\n", source: "m.csv")
        let frame = try ModelFrame(formula: ModelFormula("y ~ x + (1|g)"), data: t)
        #expect(frame.droppedRowCount == 2)
        #expect(frame.rows == [0, 3, 4, 5])
    }
}
