import Foundation
import Testing
import SessionData
import Tabular

/// `alliance fit` tried as a new user would: the JSON contract on a classic dataset, one-line
/// errors with exit status 2 for bad input and 1 for a failed computation, and the output files.
@Suite struct FitCommandTests {
    static let sleepstudy = CommandRunner.repositoryRoot.appendingPathComponent("datasets/classic/sleepstudy.csv").path

    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-fit-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func jsonContract() throws {
        let out = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (Days | Subject)", "--format", "json"])
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        for key in ["formula", "method", "nobs", "dropped_rows", "groups", "fixed", "random", "theta", "objective",
                    "loglik", "aic", "bic", "converged", "singular", "warnings", "timing"] {
            #expect(json[key] != nil, "missing key \(key)")
        }
        #expect(json["method"] as? String == "REML")
        #expect(json["nobs"] as? Int == 180 && json["dropped_rows"] as? Int == 0)
        let groups = json["groups"] as! [[String: Any]]
        #expect(groups.count == 1 && groups[0]["name"] as? String == "Subject" && groups[0]["levels"] as? Int == 18)
        // lme4 1.1-31 + lmerTest: Days 10.467285959596, SE 1.545789643906, df 16.999983725592.
        let days = (json["fixed"] as! [[String: Any]])[1]
        #expect(days["term"] as? String == "Days")
        #expect(abs((days["estimate"] as! Double) - 10.467285959596) < 1e-6)
        #expect(abs((days["se"] as! Double) - 1.545789643906) < 1e-5)
        #expect(abs((days["df"] as! Double) - 16.999983725592) < 1e-2)
        for key in ["t", "p", "ci_lower", "ci_upper"] { #expect(days[key] is Double) }
        // random: as.data.frame(VarCorr()) rows, residual last; var2 null for variances.
        let random = json["random"] as! [[String: Any]]
        #expect(random.map { $0["group"] as! String } == ["Subject", "Subject", "Subject", "Residual"])
        #expect(random[0]["var2"] is NSNull && random[2]["var2"] as? String == "Days")
        #expect(abs((json["objective"] as! Double) - 1743.62827195995) < 1e-5)
        let timing = json["timing"] as! [String: Any]
        #expect(timing["read_seconds"] is Double && timing["fit_seconds"] is Double && timing["inference_seconds"] is Double)
    }

    @Test func badInputIsOneLineWithStatusTwo() throws {
        let dir = try folder([
            "ok.csv": "y,x,g\n1,1,a\n2,2,a\n3,1,b\n5,2,b\n4,3,c\n6,1,c\n",
            "inf.csv": "y,x,g\n1,1,a\nInf,2,a\n3,1,b\n",
            "constant.csv": "y,x,g\n3,1,a\n3,2,a\n3,1,b\n3,2,b\n",
            "onelevel.csv": "y,x,g\n1,1,a\n2,2,a\n4,1,a\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            (["ok.csv", "--formula", "y ~ z + (1 | g)"],
             "alliance: formula 'y ~ z + (1 | g)': no column 'z' in ok.csv (columns: y, x, g)\n"),
            (["ok.csv", "--formula", "y ~ x + (1 | g"],
             "alliance: formula 'y ~ x + (1 | g': missing ')' to close the '(' at column 9 at column 15\n"),
            (["onelevel.csv", "--formula", "y ~ x + (1 | g)"],
             "alliance: grouping factor 'g' has only one level in the data used; a random effect needs at least two\n"),
            (["constant.csv", "--formula", "y ~ x + (1 | g)"],
             "alliance: response 'y' has no variance (every value is 3); there is nothing to model\n"),
            (["inf.csv", "--formula", "y ~ x + (1 | g)"],
             "alliance: inf.csv:3: column 'y': 'Inf' is not a finite number (write NA or leave the cell empty for a missing value)\n"),
            (["missing.csv", "--formula", "y ~ x + (1 | g)"], "alliance: missing.csv: no such file\n"),
            (["ok.csv"], "alliance: Missing expected argument '--formula <formula>' (see 'alliance --help')\n"),
        ]
        for (arguments, message) in cases {
            let out = try CommandRunner.run(["fit"] + arguments + ["--out", "result.txt"], in: dir)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.standardError == message)
            #expect(out.standardOutput.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("result.txt").path))
        }
    }

    @Test func failedComputationIsStatusOne() throws {
        // y = 2x + 5 in group a and 2x + 1 in b and c: with a fixed effect for every level the
        // model reproduces y exactly and the residual sum of squares is zero.
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "y,x,g\n" + (0..<12).map { r in "\(2 * r + (r % 3 == 0 ? 5 : 1)),\(r),\(["a", "b", "c"][r % 3])" }.joined(separator: "\n") + "\n"
        try text.write(to: dir.appendingPathComponent("exact.csv"), atomically: true, encoding: .utf8)
        let out = try CommandRunner.run(["fit", "exact.csv", "--formula", "y ~ x + factor(g) + (1 | g)"], in: dir)
        #expect(out.status == 1)
        #expect(out.standardError.hasPrefix("alliance: the model reproduces the response exactly"))
        #expect(out.standardError.filter { $0 == "\n" }.count == 1)
    }

    @Test func writesRanefAndFittedFiles() throws {
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (Days | Subject)",
                                         "--ranef", "re.csv", "--fitted", "fit.csv", "--format", "csv"], in: dir)
        #expect(out.status == 0)
        #expect(out.standardOutput.hasPrefix("effect,group,term,estimate,std.error,df,statistic,p.value,conf.low,conf.high\n"))
        let re = try String(contentsOf: dir.appendingPathComponent("re.csv"), encoding: .utf8).split(separator: "\n")
        // 18 subjects x 2 terms, plus the header; lme4: ranef for 308 = (2.25855095, 9.198975766).
        #expect(re.count == 37 && re[0] == "grpvar,term,grp,condval")
        let first = re[1].split(separator: ",")
        #expect(first[0] == "Subject" && first[1] == "(Intercept)" && first[2] == "308")
        #expect(abs(Double(first[3])! - 2.25855095) < 1e-4)
        let fitted = try String(contentsOf: dir.appendingPathComponent("fit.csv"), encoding: .utf8).split(separator: "\n")
        #expect(fitted.count == 181 && fitted[0] == "row,fitted,residual")
        #expect(abs(Double(fitted[1].split(separator: ",")[1])! - 253.6636558) < 1e-4)
    }

    /// Fuzz findings D03 and D09 and issue #11's bad-input rules, as a user meets them: one line,
    /// status 2, nothing written; and fuzz D11: a response in tiny units gives lmerTest's df of the
    /// original units and valid JSON.
    @Test func hostileFormulasAndTinyUnits() throws {
        var big = "g,x,y\n"
        for g in 0..<100_000 { for k in 0..<3 { big += "L\(g),\(Double(k) * 0.5 + Double(g % 7)),\(Double((g * 3 + k) % 11))\n" } }
        var tiny = "Reaction,Days,Subject\n"
        let sleep = try DelimitedTextReader().read(path: Self.sleepstudy)
        guard case .numeric(let reaction) = sleep["Reaction"]!, case .numeric(let days) = sleep["Days"]! else { return }
        for r in 0..<sleep.rowCount { tiny += "\(reaction[r] * 1e-8),\(days[r]),\(sleep["Subject"]!.text(at: r)!)\n" }
        let dir = try folder(["big.csv": big, "tiny.csv": tiny])
        defer { try? FileManager.default.removeItem(at: dir) }
        let deep = "Reaction ~ " + String(repeating: "(", count: 150) + "Days" + String(repeating: ")", count: 150)
        let cases: [([String], String)] = [
            ([Self.sleepstudy, "--formula", deep], "parentheses, calls or signs nested more than 100 deep"),
            (["big.csv", "--formula", "y ~ g + (1 | x)"], "the fixed effects would need 100000 columns for 300000 rows"),
            ([Self.sleepstudy, "--formula", "Reaction ~ s(Days) + (1 | Subject)"], "not supported: the function s()"),
            ([Self.sleepstudy, "--formula", "Reaction ~ poly(Days, 10) + (1 | Subject)"], "the degree (10) must be less than the number of distinct values (10)"),
            ([Self.sleepstudy, "--formula", "Reaction ~ relevel(factor(Days), \"11\") + (1 | Subject)"], "'11' is not a level"),
        ]
        for (arguments, message) in cases {
            let out = try CommandRunner.run(["fit"] + arguments + ["--out", "result.txt"], in: dir)
            #expect(out.status == 2, "\(arguments.prefix(3))")
            #expect(out.standardError.contains(message) && out.standardError.filter { $0 == "\n" }.count == 1, "\(out.standardError.prefix(300))")
            #expect(out.standardError.count < 500)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("result.txt").path))
        }
        let out = try CommandRunner.run(["fit", "tiny.csv", "--formula", "Reaction ~ Days + (Days | Subject)", "--format", "json"], in: dir)
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let intercept = (json["fixed"] as! [[String: Any]])[0]
        #expect(abs((intercept["df"] as! Double) - 16.9997) < 1e-2)   // lmerTest at the original units
        #expect((json["optimizer"] as! [String: Any])["verified"] as? Bool == true)
        #expect((json["near_boundary"] as? [String])?.isEmpty == true)
    }

    @Test func nestedLevelsInRanefAsLme4() throws {
        // lme4: as.data.frame(ranef(lmer(strength ~ 1 + (1 | batch/cask), Pastes))) starts
        // cask:batch, (Intercept), a:A, 1.7746863.
        let pastes = CommandRunner.repositoryRoot.appendingPathComponent("datasets/classic/pastes.csv").path
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["fit", pastes, "--formula", "strength ~ 1 + (1 | batch/cask)", "--ranef", "re.csv", "--format", "csv"], in: dir)
        #expect(out.status == 0)
        let re = try String(contentsOf: dir.appendingPathComponent("re.csv"), encoding: .utf8).split(separator: "\n")
        let first = re[1].split(separator: ",")
        #expect(first[0] == "cask:batch" && first[1] == "(Intercept)" && first[2] == "a:A")
        #expect(abs(Double(first[3])! - 1.7746863) < 1e-4)
    }

    @Test func readsSPSSLikeCSV() throws {
        // The same data as a .sav file, written with ReadStat, give the same fit.
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let table = try DelimitedTextReader().read(path: Self.sleepstudy)
        let path = dir.appendingPathComponent("sleep.sav").path
        try StatisticalFileWriter.data(for: SessionFile(table: table), format: .spss, destination: path)
            .write(to: URL(fileURLWithPath: path))
        let csv = try CommandRunner.run(["fit", Self.sleepstudy, "--formula", "Reaction ~ Days + (Days | Subject)", "--format", "csv"])
        let sav = try CommandRunner.run(["fit", "sleep.sav", "--formula", "Reaction ~ Days + (Days | Subject)", "--format", "csv"], in: dir)
        #expect(sav.status == 0)
        #expect(sav.standardOutput == csv.standardOutput)
    }
}

/// `alliance describe` reports each rating's ICC from an empty random-intercept model.
@Suite struct DescribeICCTests {
    @Test func iccMatchesLme4() throws {
        // sleepstudy as session data: patient = Subject, session = Days + 1, distress = Reaction.
        // lme4 1.1-31: lmer(Reaction ~ 1 + (1 | Subject)) has variances 1278.337756 (Subject) and
        // 1958.865177 (residual), so ICC = 1278.337756 / 3237.202933 = 0.3948895953.
        let table = try DelimitedTextReader().read(path: FitCommandTests.sleepstudy)
        guard case .numeric(let reaction) = table["Reaction"]!, case .numeric(let days) = table["Days"]! else { return }
        var text = "patient,session,distress\n"
        for r in 0..<table.rowCount { text += "\(table["Subject"]!.text(at: r)!),\(Int(days[r]) + 1),\(reaction[r])\n" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-describe-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try text.write(to: dir.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let out = try CommandRunner.run(["describe", "s.csv", "--format", "json"], in: dir)
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let icc = (json["icc"] as! [[String: Any]])[0]
        #expect(icc["rating"] as? String == "distress")
        #expect(abs((icc["patient"] as! Double) - 0.3948895953) < 1e-5)
        #expect(icc["therapist"] is NSNull)
    }
}
