import Foundation
import Reports
import Tabular

/// The checkpoint of a running power study: a replications file (`ReplicationLog`) to which each
/// replication's records are appended as it completes, so that an interrupted run loses at most
/// the replications under way. Rerunning the same study finds the checkpoint, keeps the complete
/// replications in it, and runs only the missing ones.
///
/// Each replication's lines go to the file in one `write` on a descriptor opened with
/// `O_APPEND`, so lines of different replications never interleave; a write cut off by the end of
/// the process leaves a torn last line (or a replication with some of its lines), which the next
/// run cuts off and ignores. Appends from several threads are serialized by a lock.
public final class Checkpoint: @unchecked Sendable {
    public let path: String
    /// The complete replications found in the file when it was opened.
    public let completed: [ReplicationUnit: [FitRecord]]
    private let descriptor: Int32
    private let study: PowerStudy
    private let lock = NSLock()

    /// Opens (or creates) the checkpoint at `path` for `study` (and `shard`). An existing file
    /// must belong to the same study (configuration and seed); one that does not is an error
    /// naming the file, and is left alone.
    public init(path: String, study: PowerStudy, shard: Shard?) throws {
        self.path = path
        self.study = study
        // Only a regular file (or a link to one) can be a checkpoint: opening a FIFO would block.
        try OutputFile.check(path)
        var completed = [ReplicationUnit: [FitRecord]]()
        var keepLength = 0
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if let size, size > 0 {
            let contents: ReplicationLog.Contents
            do {
                contents = try ReplicationLog.read(path: path)
            } catch let error as DataError {
                throw DataError(source: path, message: "is not a checkpoint of alliance power (\(error.message)); remove it or choose another --checkpoint")
            }
            guard contents.study.configuration.canonicalText == study.configuration.canonicalText,
                  contents.study.seed == study.seed else {
                throw DataError(source: path, message: "is the checkpoint of another study (a different configuration or seed); remove it or choose another --checkpoint")
            }
            completed = study.completeUnits(in: contents.records)
            keepLength = contents.completeLength
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        descriptor = fd
        self.completed = completed
        if keepLength == 0 {
            // New (or without a complete header): start the file afresh.
            guard ftruncate(fd, 0) == 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
            try write(ReplicationLog.header(study: study, shard: shard))
        } else {
            // Cut off a torn last line.
            guard ftruncate(fd, off_t(keepLength)) == 0 else { throw OutputError(path: path, reason: String(cString: strerror(errno))) }
        }
    }

    deinit { close(descriptor) }

    /// Appends the records of one completed replication.
    public func append(_ records: [FitRecord]) throws {
        let text = ReplicationLog.lines(records, study: study)
        lock.lock()
        defer { lock.unlock() }
        try write(text)
    }

    /// Removes the file (once the study's output is written).
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    private func write(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            // Non-empty here, so the buffer has an address.
            let n = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
    }
}
