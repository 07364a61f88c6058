import Foundation
import Simulation
import Tabular

/// A study configuration from YAML written in a test.
func study(_ yaml: String) throws -> StudyConfiguration {
    try StudyConfiguration(text: yaml, source: "test.yaml")
}

/// The process of a configuration without a grid.
func process(_ yaml: String) throws -> DataGeneratingProcess {
    try study(yaml).process
}

/// A numeric column of a simulated table.
func column(_ table: DataTable, _ name: String) -> [Double] {
    if case .numeric(let v)? = table[name] { return v }
    return []
}

/// Mean and sample variance.
func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1))
}

/// The Pearson correlation of paired values.
func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let mx = moments(x).mean, my = moments(y).mean
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my)
        sxx += (a - mx) * (a - mx)
        syy += (b - my) * (b - my)
    }
    return sxy / (sxx * syy).squareRoot()
}

/// The rows of each patient (rows are grouped by patient, sessions increasing).
func rowsByPatient(_ table: DataTable) -> [[Int]] {
    let ids = column(table, "patient")
    var out = [[Int]]()
    for r in ids.indices {
        if r == 0 || ids[r] != ids[r - 1] { out.append([]) }
        out[out.count - 1].append(r)
    }
    return out
}

/// A scratch folder, removed by the caller.
func scratchFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-simulation-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A process with no ruptures, no missing data and no dropout, on wide unrounded scales, so
/// that the latent values are observed as they are, with `fields` (YAML) laid over it.
func quietProcess(_ fields: String) throws -> DataGeneratingProcess {
    let quiet = """
    ruptures: {rate: 0}
    alliance:
      patient: {scale: {minimum: -1000, maximum: 1000, values_per_point: 0}}
      therapist: {scale: {minimum: -1000, maximum: 1000, values_per_point: 0}}
    distress: {scale: {minimum: -1000, maximum: 1000, values_per_point: 0}}
    """
    let tree = try ConfigurationValue.parse(fields, source: "test.yaml").merged(over: ConfigurationValue.parse(quiet, source: "quiet.yaml"))
    return try StudyConfiguration(tree: tree, source: "test.yaml").process
}
