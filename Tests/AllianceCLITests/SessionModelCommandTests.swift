import Foundation
import Testing

/// `alliance fit` with issue #13's options: correlated residuals (--residuals, --compare independent),
/// Kenward-Roger df (--df), F tests and the ANOVA table (--test, --anova), profile and bootstrap
/// intervals (--ci, --boot, --seed), and the bad input: one line, exit status 2.
@Suite struct SessionModelCommandTests {
    static let sleepstudy = CommandRunner.repositoryRoot.appendingPathComponent("datasets/classic/sleepstudy.csv").path
    static let panel = CommandRunner.repositoryRoot.appendingPathComponent("datasets/simulated/session-panel.csv").path

    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-session-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let out = try CommandRunner.run(["fit"] + arguments + ["--format", "json"])
        #expect(out.status == 0, "\(out.standardError)")
        return try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
    }

    /// nlme 3.1-162 on sleepstudy with corAR1: AIC 1746.191, phi 0.6531 (issue #13), and its
    /// intervals(): phi 0.4342 to 0.7992; the likelihood-ratio test against independent residuals
    /// compares the REML criteria (nlme's anova).
    @Test func autocorrelatedResidualsInJSON() throws {
        let d = try json([Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--residuals", "ar1(Days | Subject)",
                          "--compare", "independent"])
        #expect(abs((d["aic"] as! Double) - 1746.19106355988) < 1e-6)
        let r = d["residual_correlation"] as! [String: Any]
        #expect(abs((r["estimate"] as! Double) - 0.65313329451) < 1e-5)
        #expect(abs((r["ci_lower"] as! Double) - 0.4341927) < 5e-3 && abs((r["ci_upper"] as! Double) - 0.7992149) < 5e-3)
        #expect(r["nlme"] as? String == "corAR1(form = ~Days | Subject)" && r["on_boundary"] as? Bool == false)
        let test = d["likelihood_ratio_test"] as! [String: Any]
        let rows = test["rows"] as! [[String: Any]]
        // REML criteria: lme4's 1786.465 for independent residuals, nlme's 1736.191 with AR(1).
        #expect(abs((rows[1]["Chisq"] as! Double) - (1786.4650 - 1736.1911)) < 1e-3)
        #expect(rows[1]["Df"] as? Int == 1)
        #expect(d["r2_marginal"] is Double && d["r2_conditional"] is Double)
    }

    @Test func kenwardRogerAnovaAndTests() throws {
        let d = try json([Self.panel, "--formula", "distress ~ session * alliance + (1 | therapist/patient)", "--df", "kenward-roger",
                          "--anova", "--test", "session = session:alliance = 0"])
        #expect(d["df_method"] as? String == "Kenward-Roger")
        // pbkrtest + lmerTest (Tests/MixedModelsTests/Reference/ddf-references.json).
        let alliance = (d["fixed"] as! [[String: Any]])[2]
        #expect(abs((alliance["se"] as! Double) - 0.297600) < 1e-4 && abs((alliance["df"] as! Double) - 747.6276) < 1e-2)
        let anova = d["anova"] as! [String: Any]
        let terms = anova["terms"] as! [[String: Any]]
        #expect(terms.map { $0["term"] as! String } == ["session", "alliance", "session:alliance"])
        #expect(abs((terms[1]["F"] as! Double) - 10.5643980112599) < 1e-3)
        let tests = d["tests"] as! [[String: Any]]
        #expect(abs((tests[0]["den_df"] as! Double) - 745.624343822469) < 1e-2)
    }

    @Test func intervalsByProfileAndBootstrap() throws {
        let profile = try json([Self.sleepstudy, "--formula", "Reaction ~ Days + (Days | Subject)", "--ci", "profile"])
        let intervals = (profile["confidence_intervals"] as! [String: Any])["intervals"] as! [[String: Any]]
        // lme4's confint(method = "profile"): Days 7.35865 to 13.5759 (profile-references.json).
        let days = intervals.first { $0["parameter"] as? String == "Days" }!
        #expect(abs((days["lower"] as! Double) - 7.3586532616443) < 1e-2)
        let a = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--boot", "50", "--seed", "11", "--format", "csv"])
        let b = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--boot", "50", "--seed", "11",
                                       "--threads", "1", "--format", "csv"])
        #expect(a.status == 0 && a.standardOutput == b.standardOutput, "the same seed gives the same intervals whatever the threads")
        let text = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--boot", "30"])
        #expect(text.standardOutput.contains("Parametric bootstrap confidence intervals"))
    }

    @Test func markdownHasTabModelRows() throws {
        let out = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (Days | Subject)", "--format", "markdown"])
        for label in ["σ²", "τ₀₀ Subject", "τ₁₁ Subject.Days", "ρ₀₁ Subject", "ICC", "N Subject", "Observations", "Marginal R² / Conditional R²"] {
            #expect(out.standardOutput.contains(label), "missing \(label)")
        }
        // performance::r2_nakagawa: .279 / .799.
        #expect(out.standardOutput.contains(".279 / .799"))
    }

    /// The bad input: a correlation grouped above the innermost level, a time with ties,
    /// --boot 0; and others of the same kind. One line naming the problem, exit status 2.
    @Test func badInputIsOneLineWithStatusTwo() throws {
        let dir = try folder([
            "ties.csv": "patient,session,y\nA,1,3\nA,2,4\nA,2,5\nB,1,2\nB,2,6\nB,3,4\n",
            "weeks.csv": "patient,week,y\nA,1.5,3\nA,2,4\nA,3,5\nB,1,2\nB,2,6\nB,3,4\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            ([Self.panel, "--formula", "distress ~ session + (1 | patient)", "--residuals", "ar1(session | therapist)"],
             "is not the innermost level of the data: the random-effects factor 'patient' changes within therapist T1"),
            (["ties.csv", "--formula", "y ~ session", "--residuals", "ar1(session | patient)"],
             "the time 'session' has ties within groups: patient A has two rows at session 2 (ties.csv:3 and ties.csv:4)"),
            ([Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--boot", "0"],
             "--boot 0: the number of bootstrap replicates must be at least 1"),
            (["weeks.csv", "--formula", "y ~ week", "--residuals", "ar1(week | patient)"],
             "ar1 needs whole-number times (session numbers) and 'week' is 1.5 at weeks.csv:2; for times on a continuous scale use car1(week | patient)"),
            ([Self.panel, "--formula", "distress ~ session + (1 | patient)", "--residuals", "cs(1 | patient)"],
             "compound symmetry within 'patient' and the random intercept of 'patient' describe the same covariance"),
            ([Self.panel, "--formula", "distress ~ session + (1 | patient)", "--residuals", "arma(session | patient)"],
             "unknown structure 'arma' (ar1, car1 or cs)"),
            ([Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--df", "kenward-roger", "--ml"],
             "--df kenward-roger needs a REML fit"),
            ([Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--test", "Day = 0"],
             "hypothesis 'Day = 0': 'Day = 0' is not a coefficient or number (coefficients: (Intercept), Days)"),
            ([Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--compare", "independent"],
             "--compare independent tests a residual correlation structure"),
            ([Self.sleepstudy, "--formula", "Reaction ~ Days + (1 | Subject)", "--ci", "profile", "--boot", "10"],
             "--boot goes with --ci bootstrap, not --ci profile"),
        ]
        for (arguments, message) in cases {
            let out = try CommandRunner.run(["fit"] + arguments, in: dir)
            #expect(out.status == 2, "\(arguments): status \(out.status), \(out.standardError)")
            #expect(out.standardError.contains(message), "\(arguments): \(out.standardError)")
            #expect(out.standardError.filter { $0 == "\n" }.count == 1, "\(arguments): not one line")
            #expect(out.standardOutput.isEmpty)
        }
    }

    /// A correlation at the end of its range is reported as on the boundary, like a singular fit:
    /// two sessions per patient and a mean per patient (so each pair's residuals cancel exactly) make
    /// compound symmetry's ML deviance fall without bound as rho runs to -1, where R is singular.
    @Test func correlationAtTheBoundaryIsReported() throws {
        var csv = "patient,session,y,x\n"
        for i in 0..<12 {
            let level = Double(i % 4) + 0.5 * Double(i)
            let d = 1.0 + Double(i % 3)
            csv += "P\(i),1,\(level + d),\(i % 2)\nP\(i),2,\(level - d),\(i % 2)\n"
        }
        let dir = try folder(["pairs.csv": csv])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["fit", "pairs.csv", "--formula", "y ~ patient", "--residuals", "cs(1 | patient)", "--ml", "--format", "json"], in: dir)
        #expect(out.status == 0, "\(out.standardError)")
        let d = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let r = d["residual_correlation"] as! [String: Any]
        #expect(r["on_boundary"] as? Bool == true)
        #expect((r["estimate"] as! Double) < -0.999999)
        #expect((d["messages"] as! [String]).contains { $0.hasPrefix("boundary fit: the residual correlation Rho") })
        #expect(r["ci_lower"] is NSNull)
    }
}
