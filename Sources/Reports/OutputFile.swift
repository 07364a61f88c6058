import Foundation
import Tabular

/// Writes output files all-or-nothing: the contents go to a temporary file in the same folder,
/// which is renamed over the destination only once it is complete. A failure part-way leaves the
/// destination as it was, never half-written.
public enum OutputFile {
    /// Writes `contents` to `path` atomically, creating the parent folder if needed.
    public static func write(_ contents: String, to path: String) throws {
        try write(Data(contents.utf8), to: path)
    }

    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
            try data.write(to: temporary)
            // rename(2) replaces the destination atomically within one file system.
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw OutputError(path: path, reason: reason)
            }
        } catch let error as OutputError {
            throw error
        } catch {
            throw OutputError(path: path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// An output file could not be written: a path the user gave that is not writable (a missing
/// permission, a file where a folder should be), so bad input (exit status 2).
public struct OutputError: InputError {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot write: \(reason)" }
}
