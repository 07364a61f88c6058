import Tabular

/// One share of a power study's replications, `index` of `count` (1 <= index <= count), for a
/// job array: unit u (numbered from 0 over cells and replications, cell by cell) belongs to shard
/// (u mod count) + 1. Dealing units round-robin gives every shard about the same mix of cells.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 1, index <= count else {
            throw DataError(location: "--shard", message: "expected I/N with 1 <= I <= N, not \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (as `--shard` takes it).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw DataError(location: "--shard", message: "expected I/N with 1 <= I <= N, e.g. 3/10, not '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    /// The shard of a Slurm job array task, from `SLURM_ARRAY_TASK_ID` and
    /// `SLURM_ARRAY_TASK_COUNT` (with `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_STEP`, so that
    /// `--array=0-9`, `--array=1-10` and `--array=1-19:2` all number their tasks 1...count); nil
    /// outside an array job.
    public static func fromSlurm(_ environment: [String: String]) throws -> Shard? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"], let countText = environment["SLURM_ARRAY_TASK_COUNT"] else { return nil }
        func integer(_ name: String, _ text: String) throws -> Int {
            guard let v = Int(text) else { throw DataError(location: name, message: "'\(text)' is not a whole number") }
            return v
        }
        let id = try integer("SLURM_ARRAY_TASK_ID", idText), count = try integer("SLURM_ARRAY_TASK_COUNT", countText)
        let minimum = try environment["SLURM_ARRAY_TASK_MIN"].map { try integer("SLURM_ARRAY_TASK_MIN", $0) } ?? 1
        let step = try environment["SLURM_ARRAY_TASK_STEP"].map { try integer("SLURM_ARRAY_TASK_STEP", $0) } ?? 1
        let (offset, overflow) = id.subtractingReportingOverflow(minimum)
        guard step >= 1, !overflow, offset >= 0, offset % step == 0, offset / step + 1 <= count else {
            throw DataError(location: "SLURM_ARRAY_TASK_ID", message: "task \(id) of an array of \(count) from \(minimum) in steps of \(step) is not one of the array's tasks; give --shard I/N")
        }
        return try Shard(index: (id - minimum) / step + 1, count: count)
    }

    public func contains(unit u: Int) -> Bool { u % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}
