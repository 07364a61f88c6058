import Dispatch
import Foundation
import Numerics
import Tabular

/// One replication of one cell: the unit of work of a power study. Cells and replications are
/// numbered from 1; the unit's stream key is (seed, [cell, replication]).
public struct ReplicationUnit: Sendable, Hashable, Comparable {
    public let cell: Int
    public let replication: Int

    public init(cell: Int, replication: Int) {
        self.cell = cell
        self.replication = replication
    }

    public static func < (a: ReplicationUnit, b: ReplicationUnit) -> Bool {
        (a.cell, a.replication) < (b.cell, b.replication)
    }
}

/// A power study: `replications` replications of every cell of a configuration, each simulated,
/// analysed and recorded (`SimulatedReplication`), run on several threads, optionally one shard of them.
///
/// Reproducibility: a replication's records depend only on (seed, cell, replication), never on
/// the thread that ran it or on which other replications ran, so any split of the units over
/// threads, shards and interrupted runs gives the same records.
public struct PowerStudy: Sendable {
    public let configuration: StudyConfiguration
    public let seed: UInt64
    public let replications: Int

    /// The most replications (cells times replications per cell) a study may have: their list is
    /// built before the study runs (16 bytes each).
    public static let maximumUnits = 10_000_000

    public init(configuration: StudyConfiguration, seed: UInt64, replications: Int) throws {
        guard replications >= 1 else { throw DataError(location: "--reps", message: "must be at least 1, not \(replications)") }
        let (units, overflow) = configuration.cells.count.multipliedReportingOverflow(by: replications)
        guard !overflow, units <= Self.maximumUnits else {
            throw DataError(location: "--reps", message: "\(replications) replications of \(configuration.cells.count) cell\(configuration.cells.count == 1 ? "" : "s") are too many; at most \(Self.maximumUnits) replications in all are allowed")
        }
        self.configuration = configuration
        self.seed = seed
        self.replications = replications
    }

    /// The units of the study, or of one shard of it, in order.
    public func units(in shard: Shard? = nil) -> [ReplicationUnit] {
        var out = [ReplicationUnit]()
        for c in configuration.cells.indices {
            for r in 0..<replications where shard?.contains(unit: c * replications + r) ?? true {
                out.append(ReplicationUnit(cell: c + 1, replication: r + 1))
            }
        }
        return out
    }

    /// The true value of a focal term in a cell: the process's effect of that rater's perceived
    /// ruptures (or repairs) at t on distress at t + 1.
    public func truth(cell: Int, rater: SimulatedRater, term: Estimator.FocalTerm) -> Double {
        let distress = configuration.cells[cell - 1].process.distress
        return term == .rupture ? distress.ruptureEffect[rater] : distress.repairEffect[rater]
    }

    /// The records of one unit.
    public func records(of unit: ReplicationUnit) -> [FitRecord] {
        SimulatedReplication(cell: configuration.cells[unit.cell - 1], number: unit.replication, seed: seed).records()
    }

    /// Runs `units` on `threads` threads (BLAS held to one thread meanwhile) and returns their
    /// records by unit. `completed` is called for each unit as it finishes, one call at a time
    /// (for checkpoints and progress); if it throws, no further units start and the error is
    /// rethrown once the running ones end.
    public func run(_ units: [ReplicationUnit], threads: Int,
                    completed: @escaping @Sendable (ReplicationUnit, [FitRecord]) throws -> Void) throws -> [ReplicationUnit: [FitRecord]] {
        let queue = WorkQueue(units: units, completed: completed)
        let workers = BLASThreading.parallelism(max(1, min(threads, units.count)))
        let study = self
        BLASThreading.singleThreaded {
            let group = DispatchGroup()
            for _ in 0..<workers {
                group.enter()
                let thread = Thread {
                    while let unit = queue.next() { queue.finish(unit, records: study.records(of: unit)) }
                    group.leave()
                }
                thread.stackSize = 16 << 20
                thread.start()
            }
            group.wait()
        }
        return try queue.results()
    }
}

/// The units still to run and the records of those done, shared by the worker threads under a
/// lock.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let units: [ReplicationUnit]
    private var nextIndex = 0
    private var done: [ReplicationUnit: [FitRecord]] = [:]
    private var failure: (any Error)?
    private let completed: @Sendable (ReplicationUnit, [FitRecord]) throws -> Void

    init(units: [ReplicationUnit], completed: @escaping @Sendable (ReplicationUnit, [FitRecord]) throws -> Void) {
        self.units = units
        self.completed = completed
    }

    func next() -> ReplicationUnit? {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil, nextIndex < units.count else { return nil }
        nextIndex += 1
        return units[nextIndex - 1]
    }

    func finish(_ unit: ReplicationUnit, records: [FitRecord]) {
        lock.lock()
        defer { lock.unlock() }
        guard failure == nil else { return }
        do {
            try completed(unit, records)
            done[unit] = records
        } catch {
            failure = error
        }
    }

    func results() throws -> [ReplicationUnit: [FitRecord]] {
        lock.lock()
        defer { lock.unlock() }
        if let failure { throw failure }
        return done
    }
}

extension PowerStudy {
    /// The (rater, estimator, term) of each record of a unit of cell `cell`, in record order.
    func recordKeys(cell: Int) -> [String] {
        let analysis = configuration.cells[cell - 1].analysis
        return analysis.raters.flatMap { rater in
            analysis.fits.flatMap { f in f.estimator.focalTerms.map { "\(rater.rawValue)/\(f.name)/\($0.rawValue)" } }
        }
    }

    /// Groups records (in file order) into units: a unit counts when its records are all there,
    /// in order, one after another; anything else (a unit cut short by an interruption) is left
    /// out. The first complete copy of a unit wins.
    public func completeUnits(in records: [FitRecord]) -> [ReplicationUnit: [FitRecord]] {
        var out = [ReplicationUnit: [FitRecord]]()
        var keys = [Int: [String]]()
        var k = 0
        while k < records.count {
            let unit = ReplicationUnit(cell: records[k].cell, replication: records[k].replication)
            var end = k
            while end < records.count && records[end].cell == unit.cell && records[end].replication == unit.replication { end += 1 }
            let expected = keys[unit.cell] ?? recordKeys(cell: unit.cell)
            keys[unit.cell] = expected
            let group = Array(records[k..<end])
            if out[unit] == nil, group.map({ "\($0.rater.rawValue)/\($0.estimator)/\($0.term.rawValue)" }) == expected {
                out[unit] = group
            }
            k = end
        }
        return out
    }

    /// The records of `units`, unit after unit in order.
    public func orderedRecords(_ done: [ReplicationUnit: [FitRecord]]) -> [FitRecord] {
        done.sorted { $0.key < $1.key }.flatMap(\.value)
    }
}
