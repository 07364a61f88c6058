import Foundation
import Tabular

/// Paths to the bundled datasets and lme4's reference fits.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func dataset(_ name: String) throws -> DataTable {
        try DelimitedTextReader().read(path: root.appendingPathComponent("datasets/classic/\(name).csv").path)
    }

    /// A dataset of datasets/classic, datasets/r-packages or datasets/simulated by name.
    static func table(_ name: String) throws -> DataTable {
        for folder in ["classic", "r-packages", "simulated"] {
            let path = root.appendingPathComponent("datasets/\(folder)/\(name).csv").path
            if FileManager.default.fileExists(atPath: path) { return try DelimitedTextReader().read(path: path) }
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }

    /// lme4 1.1-31 + lmerTest 3.1-3 fits (see datasets/classic/README.md).
    static let reference: [String: ReferenceFit] = {
        let url = root.appendingPathComponent("Tests/MixedModelsTests/Reference/lme4-reference.json")
        let data = try! Data(contentsOf: url)
        let object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        var out = [String: ReferenceFit]()
        for (key, value) in object where !key.hasPrefix("_") {
            out[key] = ReferenceFit(value as! [String: Any])
        }
        return out
    }()
}

/// One model of lme4-reference.json.
struct ReferenceFit {
    struct Fixed { let term: String; let estimate, se, df, t, p: Double }
    struct Random { let group: String; let var1, var2: String?; let vcov: Double; let sdcor: Double? }
    let formula: String
    let reml: Bool
    let nobs: Int
    let fixed: [Fixed]
    let random: [Random]
    let theta: [Double]
    let objective, loglik, aic, bic: Double
    let singular: Bool

    init(_ d: [String: Any]) {
        formula = d["formula"] as! String
        reml = d["reml"] as! Bool
        nobs = d["nobs"] as! Int
        fixed = (d["fixed"] as! [[String: Any]]).map {
            Fixed(term: $0["term"] as! String, estimate: $0["estimate"] as! Double, se: $0["se"] as! Double,
                  df: $0["df"] as! Double, t: $0["t"] as! Double, p: $0["p"] as! Double)
        }
        random = (d["random"] as! [[String: Any]]).map {
            Random(group: $0["group"] as! String, var1: $0["var1"] as? String, var2: $0["var2"] as? String,
                   vcov: ($0["vcov"] as! NSNumber).doubleValue, sdcor: ($0["sdcor"] as? NSNumber)?.doubleValue)
        }
        if let t = d["theta"] as? [Double] { theta = t } else { theta = [(d["theta"] as! NSNumber).doubleValue] }
        objective = d["objective"] as! Double
        loglik = d["loglik"] as! Double
        aic = d["aic"] as! Double
        bic = d["bic"] as! Double
        singular = d["singular"] as! Bool
    }
}
