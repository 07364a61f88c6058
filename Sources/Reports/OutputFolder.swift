import Foundation

/// Writes a set of output files into a folder, never leaving it half-written.
///
/// A folder that does not exist yet is built in full under a temporary name next to it and
/// renamed into place in one step: it appears complete or not at all. Into a folder that exists
/// (which may hold the user's other files) each file is written atomically (`OutputFile`), so no
/// file is ever half-written; the caller computes every file's contents before calling, so a
/// failure of the analysis writes nothing.
public enum OutputFolder {
    public static func write(_ files: [(name: String, contents: String)], to path: String) throws {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw OutputError(path: path, reason: "exists and is not a folder") }
            for file in files { try OutputFile.write(file.contents, to: (path as NSString).appendingPathComponent(file.name)) }
            return
        }
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
            for file in files {
                try Data(file.contents.utf8).write(to: temporary.appendingPathComponent(file.name))
            }
        } catch {
            try? fm.removeItem(at: temporary)
            throw OutputError(path: path, reason: (error as NSError).localizedDescription)
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? fm.removeItem(at: temporary)
            throw OutputError(path: path, reason: reason)
        }
    }
}
