import ArgumentParser
import Foundation
import Reports
import Simulation

/// `alliance merge`: the shards of a power study combined into the result of one unsharded run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shard files of 'alliance power --shard' into the result of the unsharded study.",
        discussion: """
        Every shard of one study must be given once, each complete: same configuration, seed, \
        number of replications and number of shards. The output is byte for byte what 'alliance \
        power' writes without --shard.
        Example:
          alliance merge shards/*.csv --out power.md --curve power.svg
        """)

    @Argument(help: "The shard files (what 'alliance power --shard I/N --out FILE' wrote).")
    var shards: [String]

    @Option(help: ArgumentHelp("The summary (format by --format or the extension: .txt, .md, .tex, .csv, .json, or .html for the HTML report).", valueName: "file"))
    var out: String

    @OptionGroup var outputs: StudyOutputOptions

    func validate() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard files to merge") }
    }

    func run() throws {
        for path in [out, outputs.curve, outputs.replications].compactMap({ $0 }) { try OutputFile.check(path, protecting: shards) }
        let (study, records) = try Self.combine(shards)
        let curveFactor = try outputs.curve.map { _ in try PowerCurve.xFactor(of: study.configuration, requested: outputs.curveFactor) }
        let report = PowerReport(study: study, records: records)
        for file in try report.files(out: out, format: PowerReport.format(outputs.format, out: out), curve: outputs.curve,
                                     curveFactor: curveFactor, replications: outputs.replications,
                                         html: try PowerReport.provenance(format: outputs.format, out: out)) {
            try OutputFile.write(file.contents, to: file.path, protecting: shards)
        }
    }

    /// Reads and checks the shard files: one study, every shard once, each complete.
    static func combine(_ paths: [String]) throws -> (PowerStudy, [FitRecord]) {
        var first: (path: String, contents: ReplicationLog.Contents)?
        var seen = [Int: String]()
        var all = [ReplicationUnit: [FitRecord]]()
        for path in paths {
            let contents = try ReplicationLog.read(path: path)
            guard let shard = contents.shard else {
                throw CommandInputError("\(path): not a shard file (it has no '# shard: I/N' line; write shards with alliance power --shard I/N)")
            }
            if let (firstPath, reference) = first {
                let a = reference.study, b = contents.study
                if b.configuration.canonicalText != a.configuration.canonicalText {
                    throw CommandInputError("\(path): a shard of another study (its configuration differs from \(firstPath)'s)")
                }
                if b.seed != a.seed { throw CommandInputError("\(path): seed \(b.seed) differs from seed \(a.seed) of \(firstPath)") }
                if b.replications != a.replications {
                    throw CommandInputError("\(path): \(b.replications) replications per cell, but \(a.replications) in \(firstPath)")
                }
                if shard.count != reference.shard?.count {
                    throw CommandInputError("\(path): shard \(shard), but \(firstPath) is one of \(reference.shard?.count ?? 0) shards")
                }
            } else {
                first = (path, contents)
            }
            if let other = seen[shard.index] { throw CommandInputError("\(path): shard \(shard) is given twice (also \(other))") }
            seen[shard.index] = path
            let expected = contents.study.units(in: shard)
            let complete = contents.study.completeUnits(in: contents.records)
            let found = expected.filter { complete[$0] != nil }.count
            guard found == expected.count, complete.count == expected.count, contents.records.count == complete.values.reduce(0, { $0 + $1.count }) else {
                throw CommandInputError("\(path): shard \(shard) is incomplete or damaged (\(found) of \(expected.count) replications complete); rerun it")
            }
            all.merge(complete) { old, _ in old }
        }
        guard let (_, reference) = first, let count = reference.shard?.count else { throw CommandInputError("no shard files given") }
        if let missing = (1...count).first(where: { seen[$0] == nil }) {
            throw CommandInputError("shard \(missing)/\(count) is missing (\(seen.count) of \(count) shards given)")
        }
        return (reference.study, reference.study.orderedRecords(all))
    }
}
