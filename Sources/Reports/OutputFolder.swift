import Foundation

/// Writes a set of output files into a folder, never leaving it half-written.
///
/// A folder that does not exist yet is built in full under a temporary name next to it
/// (`.NAME.PID.partial`) and renamed into place in one step: it appears complete or not at all.
/// Into a folder that exists (which may hold the user's other files; a symbolic link to a folder
/// counts as that folder) each file is written by `OutputFile`, with all its guarantees: atomic,
/// permissions and owner kept, never over an input file or something that is not a regular file.
/// Nothing else in the folder is touched. The caller computes every file's contents before
/// calling, so a failure of the analysis writes nothing.
public enum OutputFolder {
    public static func write(_ files: [(name: String, contents: String)], to path: String, protecting inputs: [String] = []) throws {
        let fm = FileManager.default
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw OutputError(path: path, reason: "exists and is not a folder") }
            for file in files {
                try OutputFile.write(file.contents, to: (path as NSString).appendingPathComponent(file.name), protecting: inputs)
            }
            return
        }
        var link = stat()
        if lstat(path, &link) == 0 { throw OutputError(path: path, reason: "is a symbolic link to a folder that does not exist") }
        let url = URL(fileURLWithPath: path)
        StalePartials.remove(near: url.path)
        let temporary = URL(fileURLWithPath: StalePartials.name(for: url.path))
        try Destination(path: path, inputs: []).createFolder()
        try? fm.removeItem(at: temporary)
        guard mkdir(temporary.path, 0o777) == 0 else { throw OutputError(path: path, reason: OutputError.words(errno)) }
        for file in files {
            let fd = open(temporary.appendingPathComponent(file.name).path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            let code = fd < 0 ? errno : OutputFile.writeAll(Data(file.contents.utf8), to: fd)
            if fd >= 0 { close(fd) }
            if code != 0 {
                try? fm.removeItem(at: temporary)
                throw OutputError(path: path, reason: OutputError.words(code))
            }
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = OutputError.words(errno)
            try? fm.removeItem(at: temporary)
            throw OutputError(path: path, reason: reason)
        }
    }

    /// Checks, before any work is done, that `path` could be written as a folder.
    public static func check(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw OutputError(path: path, reason: "exists and is not a folder") }
            guard access(path, W_OK) == 0 else { throw OutputError(path: path, reason: OutputError.words(errno)) }
            return
        }
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        while parent != "/" && !parent.isEmpty {
            if stat(parent, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { throw OutputError(path: path, reason: "\(parent) is a file, not a folder") }
                return
            }
            parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path
        }
    }
}
