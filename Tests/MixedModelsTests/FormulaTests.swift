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

    @Test func nestedLevelsAreNamedInnerFirstAsLme4() throws {
        // lme4: rownames(ranef(lmer(strength ~ 1 + (1|batch/cask), Pastes))$`cask:batch`) begin
        // "a:A" "a:B" "a:C" ... (the inner level first, the inner factor varying slowest), so
        // that --ranef joins with R's output.
        let frame = try ModelFrame(formula: ModelFormula("strength ~ 1 + (1 | batch/cask)"), data: Fixtures.dataset("pastes"))
        #expect(frame.randomTerms[0].groupName == "cask:batch")
        #expect(Array(frame.randomTerms[0].levels.prefix(4)) == ["a:A", "a:B", "a:C", "a:D"])
        // An interaction written a:b keeps its written order: (1 | batch:cask) gives "A:a" "A:b".
        let crossed = try ModelFrame(formula: ModelFormula("strength ~ 1 + (1 | batch:cask)"), data: Fixtures.dataset("pastes"))
        #expect(Array(crossed.randomTerms[0].levels.prefix(3)) == ["A:a", "A:b", "A:c"])
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
        #expect(throws: FormulaError("formula 'y ~ s(x) + (1|a)': 's(x)': not supported: the function s() (alliance understands \(FormulaFunction.supportedList))")) {
            try ModelFrame(formula: ModelFormula("y ~ s(x) + (1|a)"), data: d)
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

    /// Columns of the design as R 4.2 / lme4 1.1-31 build them on the same 24 rows
    /// (`getME(lmer(..., control = lmerControl(optimizer = NULL)), "X")[1:2, ]`).
    func columns(_ formula: String) throws -> (names: [String], first: [Double], second: [Double]) {
        let frame = try ModelFrame(formula: ModelFormula(formula), data: data())
        return (frame.fixedEffectNames, frame.x.row(0), frame.x.row(1))
    }

    func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-6) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test func scalePolyAndAsNumericAsR() throws {
        let c = try columns("y ~ scale(x) + poly(x3, 2) + as.numeric(f) + (1|a)")
        #expect(c.names == ["(Intercept)", "scale(x)", "poly(x3, 2)1", "poly(x3, 2)2", "as.numeric(f)"])
        #expect(close(c.first, [1, -1.626346, -0.3004378, 0.26406660, 2]))
        #expect(close(c.second, [1, -1.484924, 0.2073444, 0.01603153, 3]))
        let raw = try columns("y ~ poly(x, 3, raw = TRUE) + relevel(f, \"mid\") + (1|a)")
        #expect(raw.names == ["(Intercept)", "poly(x, 3, raw = TRUE)1", "poly(x, 3, raw = TRUE)2", "poly(x, 3, raw = TRUE)3",
                              "relevel(f, \"mid\")hi", "relevel(f, \"mid\")lo"])
        #expect(close(raw.first, [1, -2, 4, -8, 0, 1]) && close(raw.second, [1, -1.7, 2.89, -4.913, 0, 0]))
        let centred = try columns("y ~ as.factor(n) + scale(x, scale = FALSE) + (1|a)")
        #expect(centred.names == ["(Intercept)", "as.factor(n)2", "as.factor(n)3", "scale(x, scale = FALSE)"])
        #expect(close(centred.first, [1, 0, 0, -3.45]))
    }

    @Test func namedArgumentsTrigonometryAndLogBase() throws {
        let c = try columns("y ~ relevel(f, ref = \"mid\") + sin(2 * pi * x) + log(x3 + 1, 2) + (1|a)")
        #expect(c.names == ["(Intercept)", "relevel(f, ref = \"mid\")hi", "relevel(f, ref = \"mid\")lo", "sin(2 * pi * x)", "log(x3 + 1, 2)"])
        #expect(close(c.first, [1, 0, 1, 4.898587e-16, 0], 1e-12) && close(c.second, [1, 0, 0, 0.9510565, 2.584963]))
    }

    @Test func inOperatorAndDot() throws {
        // f %in% g is the interaction f:g, its variables in the order they first appear.
        #expect(try names("y ~ g + f %in% g + (1|a)") == ["(Intercept)", "gv", "gu:flo", "gv:flo", "gu:fmid", "gv:fmid"])
        // y ~ . is every other column, the grouping factor included, as in R.
        let table = try DelimitedTextReader().read(text: dotData(), source: "d.csv")
        #expect(try ModelFrame(formula: ModelFormula("y ~ . + (1|a)"), data: table).fixedEffectNames ==
                ["(Intercept)", "x", "flo", "fmid", "aA1", "aA2", "aA3"])
    }

    func dotData() throws -> String {
        let d = try data()
        var text = "y,x,f,a\n"
        for r in 0..<d.rowCount { text += ["y", "x", "f", "a"].map { d[$0]!.text(at: r)! }.joined(separator: ",") + "\n" }
        return text
    }

    @Test func scaleUsesEveryNonMissingValueAsR() throws {
        // R scales x over all its non-missing values before model.frame drops incomplete rows
        // (here row 1, missing y); lme4's X for rows 3-5 and 22 observations.
        var text = "y,x,a\n"
        for r in 0..<24 {
            let y = r == 0 ? "NA" : String(Double((r * 7) % 11) + 0.5 * Double(r % 3))
            let x = r == 1 ? "NA" : String(Double(r) * 0.3 - 2)
            text += "\(y),\(x),A\(r % 4)\n"
        }
        let frame = try ModelFrame(formula: ModelFormula("y ~ scale(x) + (1|a)"), data: DelimitedTextReader().read(text: text, source: "na.csv"))
        #expect(frame.observationCount == 22)
        #expect(close(Array(frame.x.column(1).prefix(3)), [-1.451637, -1.305839, -1.160042]))
    }

    @Test func offsetIsAddedToTheLinearPredictor() throws {
        // lme4: fixef -0.43028986, -0.07681159; fitted[1:2] -0.2766667, 9.7002899; REML 149.673477675.
        let fit = try LinearMixedModel(formula: "y ~ x + offset(2 * x3) + (1|a)", data: data()).fit()
        #expect(fit.fixedEffects.map(\.term) == ["(Intercept)", "x"])
        #expect(close(fit.fixedEffects.map(\.estimate), [-0.43028986, -0.07681159], 1e-6))
        #expect(close(Array(fit.fitted.prefix(2)), [-0.2766667, 9.7002899], 1e-6))
        #expect(abs(fit.objective - 149.673477675) < 1e-8)
    }

    @Test func badFunctionsAndArgumentsNameTheTerm() throws {
        let d = try data()
        func message(_ formula: String) -> String {
            do { _ = try ModelFrame(formula: ModelFormula(formula), data: d); return "" } catch { return "\(error)" }
        }
        #expect(message("y ~ log(x, 2, 3) + (1|a)") == "formula 'y ~ log(x, 2, 3) + (1|a)': 'log(x, 2, 3)': log() takes 1 to 2 arguments (x, base), not 3")
        #expect(message("y ~ poly(x3, 2, exact = TRUE) + (1|a)") == "formula 'y ~ poly(x3, 2, exact = TRUE) + (1|a)': 'poly(x3, 2, exact = TRUE)': poly() has no argument 'exact' (its arguments: x, degree, raw)")
        #expect(message("y ~ poly(n, 3) + (1|a)") == "formula 'y ~ poly(n, 3) + (1|a)': 'poly(n, 3)': the degree (3) must be less than the number of distinct values (3)")
        #expect(message("y ~ relevel(f, \"none\") + (1|a)") == "formula 'y ~ relevel(f, \"none\") + (1|a)': 'relevel(f, \"none\")': 'none' is not a level (levels: hi, lo, mid)")
        #expect(message("y ~ factor() + (1|a)") == "formula 'y ~ factor() + (1|a)': factor() needs an argument at column 12")
        // R syntax outside the formula language says "not supported", never "unexpected character".
        #expect(message("y ~ d$x + (1|a)") == "formula 'y ~ d$x + (1|a)': not supported: '$' (write the column name alone) at column 6")
        #expect(message("y ~ x[1] + (1|a)") == "formula 'y ~ x[1] + (1|a)': not supported: '[' (indexing) at column 6")
        #expect(message("y ~ I(x == 1) + (1|a)") == "formula 'y ~ I(x == 1) + (1|a)': not supported: the comparison '==' at column 9")
        #expect(message("y ~ x %o% x3 + (1|a)") == "formula 'y ~ x %o% x3 + (1|a)': not supported: the operator '%o%' (in formulas alliance understands %in%) at column 7")
    }
}
