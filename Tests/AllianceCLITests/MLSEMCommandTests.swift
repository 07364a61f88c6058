import Foundation
import Testing

/// `alliance mlsem` as a user runs it: the JSON contract on dpm's WageData example (the Socius
/// replication's numbers), the text summary, --print-model, every format, and one-line errors
/// with exit status 2 for bad input and 1 for a failed fit.
@Suite struct MLSEMCommandTests {
    static let wages = CommandRunner.repositoryRoot.appendingPathComponent("datasets/classic/wages.csv").path
    static let socius = ["mlsem", wages, "--formula", "wks ~ pre(lag(union)) + lag(lwage) | ed", "--id", "id", "--time", "t", "--error-inv"]

    func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-mlsem-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func jsonContract() throws {
        let out = try CommandRunner.run(Self.socius + ["--format", "json"])
        #expect(out.status == 0 && out.standardError.isEmpty)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        for key in ["chisq", "df", "pvalue", "loglik", "aic", "bic", "cfi", "tli", "rmsea", "rmsea_ci_lower", "rmsea_ci_upper",
                    "srmr", "coefficients", "parameters", "patients", "patients_used", "sessions", "free_parameters", "options"] {
            #expect(json[key] != nil, "missing key \(key)")
        }
        // dpm (Socius replication): chi-square 138.476 on 76 df.
        #expect(abs((json["chisq"] as! Double) - 138.476) < 5e-4)
        #expect(json["df"] as? Int == 76)
        let coefficients = json["coefficients"] as! [[String: Any]]
        #expect(coefficients.map { $0["term"] as! String } == ["lag(union)", "lag(lwage)", "ed", "lag(wks)"])
        for c in coefficients {
            for key in ["term", "estimate", "se", "z", "p", "ci_lower", "ci_upper"] { #expect(c[key] != nil, "coefficient key \(key)") }
        }
        // lag(wks) 0.188 (SE 0.020).
        #expect(abs((coefficients[3]["estimate"] as! Double) - 0.188) < 5e-4)
        #expect(abs((coefficients[3]["se"] as! Double) - 0.020) < 5e-4)
        #expect(json["patients"] as? Int == 595)
    }

    @Test func textSummaryAsDpmPrintsIt() throws {
        let out = try CommandRunner.run(Self.socius)
        #expect(out.status == 0)
        let text = out.standardOutput
        #expect(text.contains("Chi-square (76) = 138.476"))
        #expect(text.contains("RMSEA = 0.037, 90% CI [0.027, 0.047]"))
        #expect(text.contains("SRMR = 0.025"))
        #expect(text.contains("lag(union)   -1.206      0.522  -2.309"))
        #expect(text.contains("lag(wks)      0.188      0.020   9.586"))
    }

    @Test func printModelIsLavaanSyntax() throws {
        let out = try CommandRunner.run(Self.socius + ["--print-model", "--sessions", "1:4"])
        #expect(out.status == 0)
        #expect(out.standardOutput.hasPrefix("## Main regressions\nwks_2 ~ en1*union_1 + ex1*lwage_1 + c1*ed + p1*wks_1\n"))
        #expect(out.standardOutput.contains("wks_2 ~~ v*wks_2\n"))
        // The syntax is not a report: --out FILE.html with it is a one-line error, and nothing is written.
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = try CommandRunner.run(Self.socius + ["--print-model", "--out", "model.html"], in: dir)
        #expect(html.status == 2 && html.standardError.contains("--print-model prints the model in lavaan syntax, not a report"))
        #expect(html.standardError.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// On the bundled data over sessions 1-16 the saturated model has no maximum (docs/METHODS.md,
    /// "Fit indices"): the HTML report says so where a reader looks first, and shows no χ².
    @Test func reportSaysWhenFitIndicesAreNotDefined() throws {
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = CommandRunner.repositoryRoot.appendingPathComponent("datasets/sud-synthetic.csv").path
        let out = try CommandRunner.run(["mlsem", data, "--formula", "distress ~ pre(lag(alliance_patient))", "--sessions", "1:16",
                                         "--out", "sud.html"], in: dir)
        #expect(out.status == 0, "\(out.standardError)")
        let html = try String(contentsOf: dir.appendingPathComponent("sud.html"), encoding: .utf8)
        #expect(html.contains("<p class=\"notice\">χ², CFI, TLI, RMSEA and SRMR are not available: the saturated model has no proper maximum"))
        #expect(!html.contains("<td class=\"left\">χ²</td>") && html.contains("<td class=\"left\">Log-likelihood</td>"))
        #expect(html.contains("<td class=\"left\">lag(alliance_patient)</td>") && html.contains("<td class=\"left\">lag(distress)</td>"))
    }

    @Test func everyFormat() throws {
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        for (format, marker) in [("markdown", "| lag(union) | -1.206 | 0.522 |"), ("latex", "\\begin{tabular}"),
                                 ("csv", "term,session,estimate,std.error,statistic,p.value,conf.low,conf.high\nlag(union),,-1.20")] {
            let out = try CommandRunner.run(Self.socius + ["--format", format, "--out", "result.\(format)"], in: dir)
            #expect(out.status == 0)
            let written = try String(contentsOf: dir.appendingPathComponent("result.\(format)"), encoding: .utf8)
            #expect(written.contains(marker), "\(format)")
        }
    }

    @Test func badInputIsOneLineWithStatusTwo() throws {
        let dir = try folder([
            "short.csv": "patient,session,y,x\n1,1,3,1\n1,2,4,0\n2,1,5,0\n2,2,2,1\n",
            "flat.csv": "patient,session,y,x\n1,1,3,1\n1,2,4,0\n2,1,5,1\n2,2,2,1\n3,1,4,1\n3,2,1,0\n",
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [([String], String)] = [
            ([Self.wages, "--id", "id", "--time", "t", "--formula", "wks ~ pre(lag(union)) + lag(foo)"],
             "alliance: \(Self.wages): no column 'foo' (columns: id, t, lwage, wks, union, ms, ind, occ, south, smsa, fem, blk, ed, exp)\n"),
            ([Self.wages, "--id", "id", "--time", "t", "--formula", "wks ~ pre(lag(ed))"],
             "alliance: pre(lag(ed)): 'ed' does not change over sessions within any patient; a time-invariant covariate goes after '|'\n"),
            ([Self.wages, "--id", "id", "--time", "t", "--formula", "wks ~ pre(lag(union)) |"],
             "alliance: formula 'wks ~ pre(lag(union)) |': nothing after '|' (name the time-invariant covariates, or leave out the bar)\n"),
            ([Self.wages, "--id", "id", "--time", "t", "--formula", "wks ~ pre(lag(union))", "--sessions", "1:9"],
             "alliance: --sessions 1:9: the data have sessions 1 to 7\n"),
            ([Self.wages, "--id", "id", "--time", "t", "--formula", "wks ~ pre(lag(union))", "--y-lag", "one"],
             "alliance: --y-lag: whole numbers separated by commas, e.g. 1,2 (not 'one') (see 'alliance --help')\n"),
            (["flat.csv", "--formula", "y ~ pre(lag(x))"],
             "alliance: 'x' at session 1 has no variance (every observed value is 1); restrict the waves with --sessions\n"),
            (["short.csv", "--formula", "y ~ pre(lag(x))"],
             "alliance: 2 patients for 3 observed variables: the saturated model needs more patients than variables\n"),
        ]
        for (arguments, message) in cases {
            let out = try CommandRunner.run(["mlsem"] + arguments + ["--out", "result.txt"], in: dir)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.standardError == message)
            #expect(out.standardOutput.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("result.txt").path))
        }
    }

    @Test func failedFitIsStatusOne() throws {
        // union2 is a copy of union: their waves are collinear, and no maximum exists.
        let rows = try String(contentsOfFile: Self.wages, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",")
            return "\(f[0]),\(f[1]),\(f[3]),\(f[4]),\(f[4])"
        }
        let dir = try folder(["copy.csv": "id,t,wks,union,union2\n" + rows.joined(separator: "\n") + "\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["mlsem", "copy.csv", "--id", "id", "--time", "t", "--formula", "wks ~ pre(lag(union)) + lag(union2)",
                                         "--out", "result.txt"], in: dir)
        #expect(out.status == 1)
        #expect(out.standardError.hasPrefix("alliance: the optimization did not converge"))
        #expect(out.standardError.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("result.txt").path))
    }

    /// The patient-rated model of the bundled data has no maximum (lavaan fails on it too,
    /// Benchmarks/R/mlsem-replicate-check.R): the reason names the rare indicators, with counts
    /// taken from the annotated file by hand (rupture_patient at sessions 3-11: 1 for 10 of 100,
    /// 8/96, 6/101, 6/96, 4/92, 3/82, 2/79, 4/83, 6/78 patients; the scarcest is session 9).
    @Test func aFailedFitNamesItsRareIndicators() throws {
        let dir = try folder([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = CommandRunner.repositoryRoot.appendingPathComponent("datasets/sud-synthetic.csv").path
        #expect(try CommandRunner.run(["ruptures", data, "--annotate", "annotated.csv"], in: dir).status == 0)
        let out = try CommandRunner.run(["mlsem", "annotated.csv", "--formula", "distress ~ pre(lag(rupture_patient)) + pre(lag(repair_patient))",
                                         "--sessions", "3:12"], in: dir)
        #expect(out.status == 1)
        #expect(out.standardError.contains("or rare binary predictors (here 'rupture_patient' is 1 for 2 of 79 patients at session 9; 'repair_patient' is 1 for "))
        #expect(out.standardError.split(separator: "\n").count == 1)
    }
}
