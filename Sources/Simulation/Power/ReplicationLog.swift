import Foundation
import Tabular

/// The file of a power study's replications: a header of `#` lines naming the study (its
/// canonical configuration, seed, number of replications and shard), a CSV header, and one CSV
/// line per focal term per estimator per rater per replication. R reads it with
/// `read.csv(file, comment.char = "#")`.
///
/// It is at once the checkpoint of a running study (lines appended as replications complete, in
/// completion order; a torn last line from an interruption is ignored), the file of one shard
/// (all its replications, in order) and the optional `--replications` output. Numbers are written
/// in the shortest form that reads back as the same Double, so a study summarized from this file
/// is the study summarized from memory, bit for bit.
public enum ReplicationLog {
    static let title = "# alliance power: replications of a simulation study (simulated data, not real patients)"
    static let configurationPrefix = "#| "

    /// The header: the `#` lines and the CSV column names.
    public static func header(study: PowerStudy, shard: Shard?) -> String {
        var lines = [title, "# seed: \(study.seed)", "# replications: \(study.replications)"]
        if let shard { lines.append("# shard: \(shard)") }
        lines.append("# configuration:")
        lines += study.configuration.canonicalText.split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast(study.configuration.canonicalText.hasSuffix("\n") ? 1 : 0)
            .map { configurationPrefix + $0 }
        lines.append(columnNames(grid: study.configuration.grid).map(csvField).joined(separator: ","))
        return lines.joined(separator: "\n") + "\n"
    }

    static func columnNames(grid: DesignGrid) -> [String] {
        ["cell"] + grid.factors.map(\.path) + [
            "replication", "rater", "estimator", "term", "truth", "estimate", "se", "df", "ci_lower", "ci_upper", "p",
            "converged", "singular", "prevalence", "failure",
        ]
    }

    /// The lines of `records` (each ending in a newline).
    public static func lines(_ records: [FitRecord], study: PowerStudy) -> String {
        var out = ""
        for r in records {
            let cell = study.configuration.cells[r.cell - 1]
            var fields = [String(r.cell)] + cell.factorValues.map(csvField)
            fields += [String(r.replication), r.rater.rawValue, csvField(r.estimator), r.term.rawValue,
                       number(study.truth(cell: r.cell, rater: r.rater, term: r.term))]
            switch r.outcome {
            case .estimated(let e):
                // Infinite df (a z interval, as the ML-SEM estimator's) is written as R writes it, Inf.
                fields += [e.estimate, e.standardError, e.degreesOfFreedom, e.lower, e.upper, e.p]
                    .map { $0 == .infinity ? "Inf" : number($0) }
                fields += [e.converged ? "1" : "0", e.singular ? "1" : "0", r.prevalence.map(number) ?? "NA", ""]
            case .failed(let reason):
                fields += Array(repeating: "NA", count: 8) + [r.prevalence.map(number) ?? "NA", csvField(reason)]
            }
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A file read back: the study it belongs to, its shard, and its records in file order.
    public struct Contents {
        public let study: PowerStudy
        public let shard: Shard?
        public let records: [FitRecord]
        /// The length in bytes of the part that ends with the last complete line (a torn last
        /// line, from an interrupted write, is not part of it).
        public let completeLength: Int
    }

    /// Reads the file at `path`.
    public static func read(path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError(source: path, message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        return try parse(data, source: path)
    }

    /// Parses a replications file; `source` names it in messages.
    public static func parse(_ data: Data, source: String) throws -> Contents {
        let bytes = [UInt8](data)
        // Only complete lines count: an interrupted append can leave a torn last line.
        let completeLength = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        guard let text = String(bytes: bytes[..<completeLength], encoding: .utf8) else {
            throw DataError(source: source, message: "not a replications file of alliance power (not UTF-8 text)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        func fail(_ line: Int, _ message: String) -> DataError { DataError(source: source, line: line, message: message) }
        guard lines.first.map(String.init) == title else {
            throw DataError(source: source, message: "not a replications file of alliance power (it should start with '\(title)')")
        }
        var seed: UInt64?, replications: Int?, shard: Shard?, configuration = ""
        var k = 1
        while k < lines.count, lines[k].hasPrefix("#") {
            let line = String(lines[k])
            if line.hasPrefix(configurationPrefix) {
                configuration += line.dropFirst(configurationPrefix.count) + "\n"
            } else if line.hasPrefix("# seed: ") {
                seed = UInt64(line.dropFirst("# seed: ".count))
            } else if line.hasPrefix("# replications: ") {
                replications = Int(line.dropFirst("# replications: ".count))
            } else if line.hasPrefix("# shard: ") {
                shard = try? Shard(parsing: String(line.dropFirst("# shard: ".count)))
                if shard == nil { throw fail(k + 1, "unreadable shard '\(line)'") }
            }
            k += 1
        }
        guard let seed, let replications else { throw fail(k, "the header lacks the seed or the number of replications") }
        let configurationText = configuration
        let study: PowerStudy
        do {
            study = try PowerStudy(configuration: StudyConfiguration(text: configurationText, source: "\(source) (configuration)"),
                                   seed: seed, replications: replications)
        } catch let error as DataError {
            throw DataError(source: source, message: "its configuration does not read back: \(error)")
        }
        guard study.configuration.canonicalText == configurationText else {
            throw DataError(source: source, message: "its configuration was changed by hand (it is not in canonical form)")
        }
        let columns = columnNames(grid: study.configuration.grid)
        guard k < lines.count, splitFields(lines[k]) == columns else {
            throw fail(k + 1, "expected the column line '\(columns.joined(separator: ","))'")
        }
        k += 1
        var records = [FitRecord]()
        records.reserveCapacity(lines.count - k)
        // Field positions after the cell and the grid factors' values.
        let b = study.configuration.grid.factors.count + 1
        let (replicationAt, raterAt, estimatorAt, termAt, numbersAt) = (b, b + 1, b + 2, b + 3, b + 5)
        let (convergedAt, singularAt, prevalenceAt, failureAt) = (b + 11, b + 12, b + 13, b + 14)
        for n in k..<lines.count {
            let f = splitFields(lines[n])
            guard f.count == columns.count, let cell = Int(f[0]), cell >= 1, cell <= study.configuration.cells.count,
                  let replication = Int(f[replicationAt]), replication >= 1, replication <= replications,
                  let rater = SimulatedRater(rawValue: f[raterAt]), let term = Estimator.FocalTerm(rawValue: f[termAt]) else {
                throw fail(n + 1, "not a record of this study")
            }
            let outcome: FitRecord.Outcome
            if f[failureAt].isEmpty {
                // Every number finite, but df, which may be Inf (a z interval).
                let x = f[numbersAt ..< numbersAt + 6].enumerated().compactMap { k, text in
                    k == 2 && text == "Inf" ? Double.infinity : DecimalText.value(of: text)
                }
                let flags = [f[convergedAt], f[singularAt]]
                guard x.count == 6, flags.allSatisfy({ $0 == "0" || $0 == "1" }) else {
                    throw fail(n + 1, "a record whose numbers are not all finite decimal numbers (estimate, se, df (or Inf), ci_lower, ci_upper, p)")
                }
                guard x[1] >= 0, x[5] >= 0, x[5] <= 1 else { throw fail(n + 1, "a record with a negative SE or a p-value outside 0 to 1") }
                outcome = .estimated(FitRecord.Estimate(estimate: x[0], standardError: x[1], degreesOfFreedom: x[2], lower: x[3],
                                                        upper: x[4], p: x[5], converged: flags[0] == "1", singular: flags[1] == "1"))
            } else {
                outcome = .failed(f[failureAt])
            }
            let prevalence = f[prevalenceAt] == "NA" ? nil : DecimalText.value(of: f[prevalenceAt])
            guard f[prevalenceAt] == "NA" || prevalence.map({ $0 >= 0 && $0 <= 1 }) == true else {
                throw fail(n + 1, "a record whose prevalence \(Excerpt.quoted(f[prevalenceAt])) is not NA or a number from 0 to 1")
            }
            records.append(FitRecord(cell: cell, replication: replication, rater: rater, estimator: f[estimatorAt], term: term,
                                     outcome: outcome, prevalence: prevalence))
        }
        return Contents(study: study, shard: shard, records: records, completeLength: completeLength)
    }

    /// A number in the shortest form that reads back exactly (whole numbers without ".0").
    static func number(_ x: Double) -> String { CanonicalYAML.numberText(x) }

    /// A CSV field, quoted when it holds a comma, a quote or starts or ends with a space.
    static func csvField(_ s: String) -> String {
        s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.first == " " || s.last == " "
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// The fields of one CSV line (RFC 4180 quoting, no line breaks inside fields).
    static func splitFields(_ line: Substring) -> [String] {
        var fields = [String]()
        var field = ""
        var quoted = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let d = chars.next() {
                        if d == "\"" { field.append("\"") } else { quoted = false; pending = d }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }
}
