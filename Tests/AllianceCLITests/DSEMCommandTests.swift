import Foundation
import Testing

/// `alliance dsem` as a user runs it: the JSON contract, the same bytes on every run and any
/// number of threads, the other formats, the trace plot rendered, and the bad inputs of issue #12
/// (one line, exit status 2).
@Suite struct DSEMCommandTests {
    static let sud = CommandRunner.repositoryRoot.appendingPathComponent("datasets/sud-synthetic.csv").path
    static let formula = "distress ~ lag(distress) + session + (1 + lag(distress) | patient)"
    static let short = ["--burn-in", "200", "--iterations", "300"]

    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-dsem-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    @Test func jsonContract() throws {
        let out = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--time", "session", "--format", "json"] + Self.short)
        #expect(out.status == 0, "\(out.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        for key in ["fixed", "random", "converged", "iterations", "timing", "data", "priors", "psr_history", "warnings"] {
            #expect(json[key] != nil, "missing key \(key)")
        }
        let fixed = json["fixed"] as! [[String: Any]]
        #expect(fixed.map { $0["term"] as! String } == ["(Intercept)", "lag(distress)", "session"])
        for row in fixed {
            for key in ["median", "mean", "sd", "lower", "upper", "p", "psr", "ess"] { #expect(row[key] is Double, "\(key)") }
        }
        let random = json["random"] as! [[String: Any]]
        #expect(random.map { $0["group"] as! String } == ["patient", "patient", "patient", "Residual"])
        #expect(random[2]["var1"] as? String == "(Intercept)" && random[2]["var2"] as? String == "lag(distress)")
        #expect(random.map { $0["term"] as! String } == ["Var((Intercept))", "Var(lag(distress))", "Cov((Intercept), lag(distress))", "Residual variance"])
        for row in random {
            for key in ["median", "mean", "sd", "lower", "upper", "p", "psr", "ess"] { #expect(row[key] is Double, "\(key)") }
        }
        let iterations = json["iterations"] as! [String: Any]
        #expect(iterations["kept"] as? Int == 300 && iterations["burn_in"] as? Int == 200 && iterations["chains"] as? Int == 2)
        #expect((json["timing"] as! [String: Any])["sampling_seconds"] is Double)
        #expect((json["data"] as! [String: Any])["patients"] as? Int == 119)
    }

    /// The same seed gives the same bytes on every run and with any number of threads (the JSON
    /// differs only in its timing).
    @Test func sameBytesOnAnyThreads() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var outputs = [String](), files = [Data]()
        for (k, threads) in ["1", "2", "2"].enumerated() {
            let trace = dir.appendingPathComponent("trace-\(k).svg"), draws = dir.appendingPathComponent("draws-\(k).csv")
            let out = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--threads", threads, "--seed", "7",
                                             "--trace", trace.path, "--draws", draws.path] + Self.short)
            #expect(out.status == 0)
            outputs.append(out.standardOutput)
            files += [try Data(contentsOf: trace), try Data(contentsOf: draws)]
        }
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])
        #expect(files[0] == files[2] && files[2] == files[4] && files[1] == files[3] && files[3] == files[5])
        #expect(outputs[0].contains("Estimate") && outputs[0].contains("Posterior SD") && outputs[0].contains("One-tailed p"))
        // Mplus's order: the within level (coefficients, then the residual variance), then the
        // between level (means, variances, covariances).
        let sections = ["Within level: distress on", "Within level: residual variance", "Between level: means",
                        "Between level: variances (patient)", "Between level: covariances (patient)"]
        let positions = sections.map { outputs[0].range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "\(outputs[0])")
        let other = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--seed", "8"] + Self.short)
        #expect(other.standardOutput != outputs[0])
        // JSON: the same bytes apart from the line of the sampling time.
        let json = try ["1", "2"].map { threads in
            let out = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--threads", threads, "--seed", "7",
                                             "--format", "json"] + Self.short)
            return out.standardOutput.split(separator: "\n").filter { !$0.contains("sampling_seconds") }
        }
        #expect(json[0] == json[1] && json[0].count > 50)
    }

    @Test func formatsTraceAndDraws() throws {
        let dir = try folder()
        let trace = dir.appendingPathComponent("trace.svg").path, draws = dir.appendingPathComponent("draws.csv").path
        let csv = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--format", "csv", "--trace", trace,
                                         "--draws", draws] + Self.short)
        #expect(csv.status == 0)
        #expect(csv.standardOutput.hasPrefix("part,level,term,group,var1,var2,median,mean,sd,lower,upper,p,psr,ess\n"))
        #expect(csv.standardOutput.split(separator: "\n").count == 1 + 3 + 4)
        #expect(csv.standardOutput.contains("\nrandom,between,\"Cov((Intercept), lag(distress))\",patient,(Intercept),lag(distress),"))
        #expect(csv.standardOutput.contains("\nrandom,within,Residual variance,Residual,,,"))
        let drawLines = try String(contentsOfFile: draws, encoding: .utf8).split(separator: "\n")
        #expect(drawLines[0].hasPrefix("chain,iteration,kept,(Intercept),lag(distress),session,"))
        #expect(drawLines.count == 1 + 2 * 500)
        let markdown = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--format", "markdown"] + Self.short)
        #expect(markdown.standardOutput.contains("| lag(distress) |"))
        let latex = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--format", "latex"] + Self.short)
        #expect(latex.standardOutput.contains("\\begin{tabular}") || latex.standardOutput.contains("\\begin{table}"))
        // The trace plot renders to a PNG (as a viewer would show it).
        let png = dir.appendingPathComponent("trace.png").path
        let render = Process()
        render.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        render.arguments = ["rsvg-convert", "-o", png, trace]
        try render.run()
        render.waitUntilExit()
        #expect(render.terminationStatus == 0)
        let size = (try FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
        #expect(size > 10_000)
        let svg = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(svg.contains("Largest PSR") && svg.contains("Var(lag(distress))"))
    }

    /// The model options of issue #12 together on the bundled data: a covariate at lag 0 and one
    /// at lag 1, a session trend, therapists and a patient mean as between covariates, the initial
    /// condition conditional on the first observations, random residual variances, priors set by
    /// name, thinning. A prior of variance 1e-8 on the trend holds its posterior at the prior mean (the
    /// data's precision for the trend is about 1/0.02^2, so the posterior mean moves by less than
    /// 1e-5).
    @Test func modelOptions() throws {
        let formula = "distress ~ lag(distress) + alliance_patient + lag(alliance_therapist) + session + factor(therapist) + mean(alliance_patient) + (1 + lag(distress) | patient)"
        let out = try CommandRunner.run(["dsem", Self.sud, "--formula", formula, "--initial", "first", "--random-residual-variance",
                                         "--prior", "session ~ N(-0.5, 0.00000001)", "--prior", "log(residual variance) ~ N(2, 10)",
                                         "--thin", "2", "--format", "json"] + Self.short)
        #expect(out.status == 0, "\(out.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        let fixed = json["fixed"] as! [[String: Any]]
        let therapists = (2...6).map { "factor(therapist)\($0)" }
        #expect(fixed.map { $0["term"] as! String } == ["(Intercept)", "lag(distress)", "alliance_patient", "lag(alliance_therapist)", "session"]
                + therapists + ["mean(alliance_patient)"])
        #expect(fixed.map { $0["level"] as! String } == ["between"] + Array(repeating: "within", count: 4) + Array(repeating: "between", count: 6))
        let session = fixed.first { $0["term"] as? String == "session" }!
        #expect(abs((session["median"] as! Double) + 0.5) < 1e-3 && (session["sd"] as! Double) < 1e-3, "\(session)")
        #expect(json["initial_condition"] as? String == "first" && json["random_residual_variance"] as? Bool == true)
        let iterations = json["iterations"] as! [String: Any]
        #expect(iterations["thin"] as? Int == 2 && iterations["kept"] as? Int == 300 && iterations["total"] as? Int == 500)
        let random = json["random"] as! [[String: Any]]
        #expect(random.contains { $0["term"] as? String == "Var(log(residual variance))" })
        #expect(random.last?["term"] as? String == "Residual mean of log(residual variance)")
        let priors = json["priors"] as! [String]
        #expect(priors.contains("session ~ N(-0.5, 1e-08)") && priors.contains("mean of log(residual variance) ~ N(2, 10)"), "\(priors)")
        #expect(priors.contains("random-effect covariance matrix ~ IW(0, -4)"))
        // Conditioning on the first observation leaves each patient's first session without an
        // equation: fewer equations than under the latent initial condition.
        let latent = try CommandRunner.run(["dsem", Self.sud, "--formula", formula, "--format", "json"] + Self.short)
        let latentJSON = try JSONSerialization.jsonObject(with: Data(latent.standardOutput.utf8)) as! [String: Any]
        let equations = [json, latentJSON].map { ($0["data"] as! [String: Any])["equations"] as! Int }
        #expect(equations[0] < equations[1] && equations[1] - equations[0] <= 119, "\(equations)")
    }

    static let small = """
    id,t,y,x
    1,1,3,0
    1,2,4,1
    1,3,2,0
    2,1,5,1
    2,2,6,0
    2,3,5,0
    3,1,1,0
    3,2,2,1
    3,3,2,0
    """

    /// The bad inputs of issue #12: one line, exit status 2, nothing on standard output.
    @Test(arguments: [
        ("y ~ x + (1 | id)", ["--time", "t"], "lagged outcome"),
        ("y ~ lag(y) + (1 + x | id)", ["--time", "t"], "needs the same term in the fixed part"),
        ("y ~ lag(y) + (1 + lag(y) | id)", ["--time", "t"], "small.csv: 3 patients with 'y' are too few for the 2 x 2 covariance matrix"),
        ("y ~ lag(y) + (1 | id)", [], "session numbers with --time"),
        ("y ~ lag(y) + (1 | id)", ["--time", "time"], "missing required column 'time' (columns: id, t, y, x); check --time"),
        ("y ~ lag(y) + (1 | subject)", ["--time", "t"], "random part (... | subject) names the patient column"),
        ("y ~ lag(y) + x + (1 | id)", ["--time", "t", "--random-residual-variance", "--prior", "residual ~ IG(1, 1)"], "each patient has its own residual variance"),
        ("y ~ lag(y) + x + (1 | id)", ["--time", "t", "--prior", "random ~ IG(1, 1)"], "their covariance matrix takes 'random ~ IW(scale, df)'"),
        ("y ~ lag(y) + x + (1 || id)", ["--time", "t", "--prior", "random ~ IW(1, 3)"], "give each variance 'random ~ IG(shape, scale)'"),
        ("y ~ lag(y) + x + (1 | id)", ["--time", "t", "--prior", "residual ~ IG(1, -1)"], "the scale must not be negative"),
        ("y ~ lag(y) + x + (1 | id)", ["--time", "t", "--prior", "log(residual variance) ~ N(0, 1)"], "no term 'log(residual variance)'"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--prior", "lag(z) ~ N(0, 1)"], "no term 'lag(z)'"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--initial", "middle"], "--initial"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--min-iterations", "50"], "minimum number of iterations"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--thin", "0"], "--thin must be at least 1"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--max-iterations", "500"], "at least the minimum"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--psr", "1"], "PSR criterion must be above 1"),
        ("y ~ lag(y) + (1 | id)", ["--time", "t", "--prior", "residual ~ N(0, 1)"], "N is not a prior for 'residual'"),
        ("y ~ lag(y) + id + (1 | id)", ["--time", "t"], "identifies the patients"),
        ("y ~ lag(y) + mean(x) + (1 + mean(x) | id)", ["--time", "t"], "cannot have a random effect"),
        ("y ~ lag(y) + lag(w) + (1 | id)", ["--time", "t"], "no column 'w'"),
        ("y ~ lag(y) + lag(rupture) + (1 | id)", ["--time", "t"], "no column 'rupture' (columns: id, t, y, x); rupture and repair indicators come from the alliance ratings: 'alliance ruptures small.csv --rater patient --annotate FILE'"),
    ]) func badInput(_ formula: String, _ options: [String], _ message: String) throws {
        let dir = try folder(["small.csv": Self.small])
        let out = try CommandRunner.run(["dsem", "small.csv", "--formula", formula] + options, in: dir)
        #expect(out.status == 2, "\(out.standardError)")
        #expect(out.standardError.contains(message), "\(out.standardError)")
        #expect(out.standardError.split(separator: "\n").count == 1)
        #expect(out.standardOutput.isEmpty)
    }

    /// Data that cannot support a DSEM: one line naming the file, exit status 2.
    @Test(arguments: [
        ("id,t,y\n1,1,5\n1,2,5\n2,1,5\n2,2,5\n3,1,5\n3,3,5\n", "'y' is 5 at every observed session"),
        ("id,t,y\n1,1,3\n2,1,5\n3,1,4\n4,2,2\n", "no patient has more than 1 session from its first to its last observed 'y'"),
        ("id,t,y\n1,1,3\n1,1.5,4\n2,1,5\n", "column 't': session 1.5 is not a whole number"),
        ("id,t,y\n1,1,3\n1,1,4\n2,1,5\n", "patient '1' has session 1 twice"),
        ("id,t,y\n1,1,3\n1,2,four\n2,1,5\n", "column 'y': 'four' is not a number"),
    ]) func badData(_ csv: String, _ message: String) throws {
        let dir = try folder(["data.csv": csv])
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CommandRunner.run(["dsem", "data.csv", "--time", "t", "--formula", "y ~ lag(y) + (1 | id)"], in: dir)
        #expect(out.status == 2, "\(out.standardError)")
        #expect(out.standardError.hasPrefix("alliance: data.csv") && out.standardError.contains(message), "\(out.standardError)")
        #expect(out.standardError.split(separator: "\n").count == 1 && out.standardOutput.isEmpty)
    }

    /// A run that reaches its maximum without convergence reports converged false and a warning
    /// naming the worst parameter, with exit status 0 (as Mplus does).
    @Test func notConverged() throws {
        let out = try CommandRunner.run(["dsem", Self.sud, "--formula", Self.formula, "--min-iterations", "200",
                                         "--max-iterations", "200", "--psr", "1.0001", "--format", "json"])
        #expect(out.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(out.standardOutput.utf8)) as! [String: Any]
        #expect(json["converged"] as? Bool == false)
        let warnings = json["warnings"] as! [String]
        #expect(warnings.first?.hasPrefix("not converged: the PSR of ") == true, "\(warnings)")
        // The worst parameter is named, and the warning also goes to standard error.
        let names = ((json["fixed"] as! [[String: Any]]).map { $0["term"] as! String }) + ["Var(", "Cov(", "Residual"]
        #expect(names.contains { warnings[0].contains("the PSR of \($0)") }, "\(warnings)")
        #expect(out.standardError == "alliance dsem: warning: \(warnings[0])\n")
    }
}
