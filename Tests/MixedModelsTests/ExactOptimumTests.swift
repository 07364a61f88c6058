import Foundation
import Testing
import Tabular
@testable import MixedModels

/// The battery of Reference/exact-models.tsv: models on real datasets from R packages (lme4,
/// nlme, mlmRev, lmerTest), each compared with lme4 + lmerTest at the exact optimum
/// (Reference/exact-optimum.json, made by scripts/exact-references.R). Tolerances of issue #11:
/// the criterion within 1e-8 relative of the minimum; standard errors within 2e-5 relative;
/// variance components within 5e-4 relative; Satterthwaite df within 2e-3 relative; p within 1e-4;
/// the singular flag as lme4's `isSingular`, the near-boundary flag as the rule on lme4's
/// components. Quantities that the optimum does not determine
/// (a ridge of equal criteria, a df that lmerTest itself cannot reproduce) are named in the
/// battery's `not_compared` column with the reason, and FitFlagTests checks that such fits say so.
@Suite struct ExactOptimumTests {
    @Test(arguments: ExactReference.all.map(\.name))
    func agreesWithLmerTestAtTheExactOptimum(_ name: String) throws {
        let reference = ExactReference.all.first { $0.name == name }!
        let model = try LinearMixedModel(formula: reference.formula, data: Fixtures.table(reference.dataset),
                                         method: reference.reml ? .reml : .ml)
        let fit = try model.fit()
        let report = reference.differences(from: fit)
        if ProcessInfo.processInfo.environment["ALLIANCE_BATTERY_REPORT"] != nil {
            print("BATTERY \(name): evaluations \(fit.optimizerEvaluations) \(report.summary)")
        }
        for problem in report.problems { Issue.record("\(name): \(problem)") }
    }
}

/// One model of exact-optimum.json.
struct ExactReference {
    struct Fixed { let term: String; let estimate, se, df, t, p: Double }
    struct Random { let group: String; let var1, var2: String?; let vcov: Double }
    let name, dataset, formula: String
    let reml: Bool
    let nobs, droppedRows: Int
    let objective: Double
    let theta: [Double]
    let singular: Bool
    let fixed: [Fixed]
    let random: [Random]
    let droppedColumns: [String]
    /// Quantities not determined at the optimum (`df`, `variance`); the note says why.
    let notCompared: Set<String>

    static let all: [ExactReference] = {
        let url = Fixtures.root.appendingPathComponent("Tests/MixedModelsTests/Reference/exact-optimum.json")
        let object = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        return (object["models"] as! [[String: Any]]).map(ExactReference.init)
    }()

    init(_ d: [String: Any]) {
        func number(_ any: Any?) -> Double { (any as! NSNumber).doubleValue }
        name = d["name"] as! String
        dataset = d["dataset"] as! String
        formula = d["formula"] as! String
        reml = (d["method"] as! String) == "REML"
        nobs = d["nobs"] as! Int
        droppedRows = d["dropped_rows"] as! Int
        objective = number(d["objective"])
        theta = (d["theta"] as! [Any]).map(number)
        singular = d["singular"] as! Bool
        fixed = (d["fixed"] as! [[String: Any]]).map {
            Fixed(term: $0["term"] as! String, estimate: number($0["estimate"]), se: number($0["se"]),
                  df: number($0["df"]), t: number($0["t"]), p: number($0["p"]))
        }
        random = (d["random"] as! [[String: Any]]).map {
            Random(group: $0["group"] as! String, var1: $0["var1"] as? String, var2: $0["var2"] as? String,
                   vcov: number($0["vcov"]))
        }
        droppedColumns = d["dropped_columns"] as! [String]
        notCompared = Set(d["not_compared"] as! [String])
    }

    /// The near-boundary rule (a correlation within 0.02 of +-1, a variance under 1e-4 of the
    /// residual variance) applied to lme4's variance components.
    var nearBoundary: Bool {
        let residual = random.last!.vcov
        return random.dropLast().contains { c in
            guard let v1 = c.var1 else { return false }
            guard let v2 = c.var2 else { return c.vcov < 1e-4 * residual }
            let a = random.first { $0.group == c.group && $0.var1 == v1 && $0.var2 == nil }!.vcov
            let b = random.first { $0.group == c.group && $0.var1 == v2 && $0.var2 == nil }!.vcov
            return a > 0 && b > 0 && abs(c.vcov / (a * b).squareRoot()) > 0.98
        }
    }

    struct Report {
        var problems = [String]()
        /// The largest differences, each relative to its tolerance (1 = at the tolerance).
        var worst: [String: Double] = [:]
        var summary: String {
            worst.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.2g", $0.value))" }.joined(separator: ", ")
        }
    }

    static let objectiveTolerance = 1e-8, seTolerance = 2e-5, varianceTolerance = 5e-4, dfTolerance = 2e-3, pTolerance = 1e-4

    /// Every difference beyond the tolerances, and the worst ratios to them.
    func differences(from fit: LinearMixedModelFit) -> Report {
        var report = Report()
        func check(_ kind: String, _ what: String, _ ratio: Double) {
            if notCompared.contains(kind) || (kind == "p" && notCompared.contains("df")) { return }
            report.worst[kind] = max(report.worst[kind] ?? 0, ratio)
            if !(ratio <= 1) { report.problems.append("\(what) (\(String(format: "%.3g", ratio)) times the tolerance)") }
        }
        if fit.observationCount != nobs || fit.droppedRowCount != droppedRows {
            report.problems.append("\(fit.observationCount) observations (\(fit.droppedRowCount) dropped); lme4 \(nobs) (\(droppedRows))")
        }
        if fit.droppedColumnNames != droppedColumns {
            report.problems.append("dropped columns \(fit.droppedColumnNames); lme4 \(droppedColumns)")
        }
        if fit.singular != singular { report.problems.append("singular \(fit.singular); lme4 \(singular)") }
        if fit.isNearBoundary != nearBoundary {
            report.problems.append("near the boundary \(fit.isNearBoundary) (\(fit.nearBoundary)); lme4's components say \(nearBoundary)")
        }
        check("objective", "objective \(fit.objective) vs \(objective)",
              abs(fit.objective - objective) / abs(objective) / Self.objectiveTolerance)
        guard fit.fixedEffects.map(\.term) == fixed.map(\.term) else {
            report.problems.append("terms \(fit.fixedEffects.map(\.term)); lme4 \(fixed.map(\.term))")
            return report
        }
        for (mine, theirs) in zip(fit.fixedEffects, fixed) {
            check("estimate", "\(theirs.term): estimate \(mine.estimate) vs \(theirs.estimate)",
                  abs(mine.estimate - theirs.estimate) / theirs.se / Self.seTolerance)
            check("se", "\(theirs.term): SE \(mine.standardError) vs \(theirs.se)",
                  abs(mine.standardError - theirs.se) / theirs.se / Self.seTolerance)
            check("df", "\(theirs.term): df \(mine.degreesOfFreedom) vs \(theirs.df)",
                  abs(mine.degreesOfFreedom - theirs.df) / theirs.df / Self.dfTolerance)
            check("p", "\(theirs.term): p \(mine.p) vs \(theirs.p)", abs(mine.p - theirs.p) / Self.pTolerance)
        }
        guard fit.varianceComponents.count == random.count else {
            report.problems.append("\(fit.varianceComponents.count) variance components; lme4 \(random.count)")
            return report
        }
        let residual = random.last!.vcov
        for (mine, theirs) in zip(fit.varianceComponents, random) {
            let label = [theirs.group, theirs.var1, theirs.var2].compactMap { $0 }.joined(separator: "/")
            if mine.group != theirs.group || mine.var1 != theirs.var1 || mine.var2 != theirs.var2 {
                report.problems.append("component \(mine.group)/\(mine.var1 ?? "")/\(mine.var2 ?? ""); lme4 \(label)")
                continue
            }
            // A covariance relative to its standard deviations; a variance that lme4 puts at (or
            // near) zero relative to the residual variance.
            var scale = abs(theirs.vcov)
            if let v1 = theirs.var1, let v2 = theirs.var2 {
                let sd1 = random.first { $0.group == theirs.group && $0.var1 == v1 && $0.var2 == nil }!.vcov
                let sd2 = random.first { $0.group == theirs.group && $0.var1 == v2 && $0.var2 == nil }!.vcov
                scale = max(scale, (sd1 * sd2).squareRoot())
            }
            scale = max(scale, 1e-6 * residual)
            check("variance", "\(label): \(mine.variance) vs \(theirs.vcov)",
                  abs(mine.variance - theirs.vcov) / scale / Self.varianceTolerance)
        }
        return report
    }
}
