import ArgumentParser
import Foundation
import Reports
import Simulation

/// `alliance power`: a simulation study of power and estimator performance for rupture designs.
struct PowerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "power",
        abstract: "Power and estimator performance for rupture designs by simulation, on every core or as shards of a Slurm job array.",
        discussion: """
        Each replication simulates a dataset (alliance simulate), detects ruptures under the \
        configured criterion for each rater, fits each estimator, and records the rupture and repair \
        effects. Per cell of the grid: power, mean estimate, bias, RMSE, CI coverage and share of \
        failed fits, with Monte Carlo standard errors (docs/METHODS.md). The same seed gives the \
        same bytes whatever --threads and however the study is sharded or interrupted.
        Completed replications are appended to a checkpoint (--checkpoint, default OUT.checkpoint); \
        rerunning the same command resumes from it, and it is removed when the output is written.
        With --shard I/N (default: SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT in a Slurm job \
        array) only that share runs and --out receives its replications; 'alliance merge' combines \
        the shards into exactly the unsharded result.
        Examples:
          alliance power --preset sud-2025 --reps 1000 --seed 1 --out power.md
          alliance power --config grid.yaml --reps 2000 --seed 7 --out power.csv --curve power.svg
          alliance power --config grid.yaml --reps 2000 --seed 7 --shard 3/10 --out shards/3.csv
        """)

    @OptionGroup var study: StudyOptions

    @Option(help: "Replications per cell of the grid.")
    var reps: Int?

    @Option(help: "The seed of the random streams.")
    var seed: UInt64?

    @Option(help: "Threads (default: SLURM_CPUS_PER_TASK in a Slurm job, else all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Run only this share of the replications, I of N (default from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when set).",
                               valueName: "I/N"))
    var shard: String?

    @Option(help: ArgumentHelp("The summary (format by --format or the extension: .txt, .md, .tex, .csv, .json, or .html for the HTML report); with --shard, the shard's replications.",
                               valueName: "file"))
    var out: String?

    @OptionGroup var outputs: StudyOutputOptions

    @Option(help: ArgumentHelp("The checkpoint file (default: OUT.checkpoint).", valueName: "file"))
    var checkpoint: String?

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        if study.printConfig { return }
        guard let reps else { throw ValidationError("--reps is required") }
        guard reps >= 1 else { throw ValidationError("--reps must be at least 1") }
        guard seed != nil else { throw ValidationError("--seed is required") }
        guard let out else { throw ValidationError("--out is required") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if outputs.format == nil, !PowerReport.knownExtensions.contains(URL(fileURLWithPath: out).pathExtension.lowercased()) {
            throw ValidationError("--out: unknown file type for '\(out)' (use .txt, .md, .tex, .csv, .json or .html, or give --format)")
        }
    }

    func run() throws {
        let configuration = try study.load()
        if study.printConfig {
            print(configuration.canonicalText, terminator: "")
            return
        }
        guard let reps, let seed, let out else { return }
        let power = try PowerStudy(configuration: configuration, seed: seed, replications: reps)
        let shard = try shard.map { try Shard(parsing: $0) } ?? Shard.fromSlurm(ProcessInfo.processInfo.environment)
        if let shard, outputs.format != nil || outputs.curve != nil || outputs.replications != nil {
            throw CommandInputError("--shard \(shard): --out receives the shard's replications; --format, --curve and --replications belong to 'alliance merge'")
        }
        // A bad curve request or an output that cannot be written fails now, not after the study.
        let curveFactor = try outputs.curve.map { _ in try PowerCurve.xFactor(of: configuration, requested: outputs.curveFactor) }
        let inputs = study.files
        for path in [out, outputs.curve, outputs.replications].compactMap({ $0 }) { try OutputFile.check(path, protecting: inputs) }

        let checkpointFile = try Checkpoint(path: checkpoint ?? out + ".checkpoint", study: power, shard: shard)
        let units = power.units(in: shard)
        var done = checkpointFile.completed.filter { units.contains($0.key) }
        let pending = units.filter { done[$0] == nil }
        let progress = ProgressBar(label: "power", total: units.count, quiet: quiet)
        let interruption = Self.onInterrupt(checkpoint: checkpointFile.path)
        let counter = CompletedCount(done.count)
        progress.update(done.count)
        let new = try power.run(pending, threads: threads ?? Self.defaultThreads) { _, records in
            try checkpointFile.append(records)
            progress.update(counter.increment())
        }
        progress.finish()
        done.merge(new) { old, _ in old }
        let records = power.orderedRecords(done)

        if let shard {
            try OutputFile.write(ReplicationLog.header(study: power, shard: shard) + ReplicationLog.lines(records, study: power), to: out,
                                 protecting: inputs)
        } else {
            let report = PowerReport(study: power, records: records)
            for file in try report.files(out: out, format: PowerReport.format(outputs.format, out: out), curve: outputs.curve,
                                         curveFactor: curveFactor, replications: outputs.replications,
                                         html: try PowerReport.provenance(format: outputs.format, out: out)) {
                try OutputFile.write(file.contents, to: file.path, protecting: inputs)
            }
        }
        // Interrupted until here (while the outputs are written too), the checkpoint stays.
        interruption.cancel()
        checkpointFile.remove()
        if !quiet {
            let what = shard.map { "shard \($0): \(units.count) of \(power.units().count) replications" } ?? "\(units.count) replications"
            FileHandle.standardError.write(Data("alliance power: simulated data; \(what) (\(units.count - pending.count) from the checkpoint) -> \(out)\n".utf8))
        }
    }
}

extension PowerCommand {
    /// The CPUs Slurm gave the task, or else every core.
    static var defaultThreads: Int {
        ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap { Int($0) }.map { max(1, $0) }
            ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// On Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed): say where the completed
    /// replications are and how to resume, then exit with 128 + the signal. (Appends are whole
    /// lines; a line cut off by the exit is ignored when the checkpoint is read again; an output
    /// being written stays as it was, its temporary file is removed by the next run.)
    static func onInterrupt(checkpoint: String) -> SignalHandlers {
        let sources = [SIGINT, SIGTERM, SIGHUP].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                let message = "\nalliance power: interrupted; the completed replications are in \(checkpoint); run the same command again to resume\n"
                FileHandle.standardError.write(Data(message.utf8))
                _exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
        return SignalHandlers(sources: sources)
    }
}

/// The signal handlers of a run, removed when it ends.
struct SignalHandlers {
    let sources: [any DispatchSourceSignal]
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signal(SIGHUP, SIG_DFL)
    }
}

/// A count shared by the worker threads' completion calls (which `PowerStudy.run` serializes).
private final class CompletedCount: @unchecked Sendable {
    private var value: Int
    init(_ value: Int) { self.value = value }
    func increment() -> Int {
        value += 1
        return value
    }
}
