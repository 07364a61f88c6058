import Foundation
import Tabular

/// Writes output files all-or-nothing, and never destroys what is at the path.
///
/// The contents go to a temporary file `.NAME.PID.partial` in the destination's folder (created
/// with mode 0600, so half-written patient data is never readable by others), are flushed to
/// disk, and the temporary file is renamed over the destination only once it is complete. A
/// failure part-way leaves the destination as it was. What is at the path decides what happens:
///
/// - nothing: a new file, with the permissions the user's umask gives (the parent folders are
///   created);
/// - a regular file: replaced, keeping its permissions, owner and group (when its owner cannot be
///   kept, because another user owns it and this process may not give files away, it is an error
///   and the file is left alone);
/// - a symbolic link: written through to the file it points to, as `cp` does (the link stays a
///   link; that file is replaced as above); a dangling link or a link loop is an error;
/// - a folder, a FIFO, a device or a socket: an error, nothing is written;
/// - one of the command's input files (the same file, by device and inode, under any name): an
///   error, so `--annotate data.csv` never overwrites `data.csv`.
///
/// Each write also removes the `.NAME.PID.partial` files that processes no longer running left
/// next to the destination (a write killed with SIGKILL cannot remove its own).
public enum OutputFile {
    /// Writes `contents` to `path` (UTF-8).
    public static func write(_ contents: String, to path: String, protecting inputs: [String] = []) throws {
        try write(Data(contents.utf8), to: path, protecting: inputs)
    }

    public static func write(_ data: Data, to path: String, protecting inputs: [String] = []) throws {
        let target = try Destination(path: path, inputs: inputs)
        try target.createFolder()
        StalePartials.remove(near: target.file)
        let temporary = StalePartials.name(for: target.file)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutputError(path: path, reason: OutputError.words(errno)) }
        do {
            let code = writeAll(data, to: fd)
            guard code == 0 else { throw OutputError(path: path, reason: OutputError.words(code)) }
            try target.applyOwnershipAndMode(to: fd)
            guard fsync(fd) == 0 || errno == EINVAL else { throw OutputError(path: path, reason: OutputError.words(errno)) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        // rename(2) replaces the destination atomically within one file system.
        if rename(temporary, target.file) != 0 {
            let reason = OutputError.words(errno)
            unlink(temporary)
            throw OutputError(path: path, reason: reason)
        }
    }

    /// Writes all of `data` to the descriptor; 0, or the error number of the failure.
    static func writeAll(_ data: Data, to fd: Int32) -> Int32 {
        data.withUnsafeBytes { bytes -> Int32 in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return 0
        }
    }

    /// Checks, before any work is done, that `path` could be written (the same checks `write`
    /// makes), so that a long computation does not end in "cannot write".
    public static func check(_ path: String, protecting inputs: [String] = []) throws {
        _ = try Destination(path: path, inputs: inputs)
    }
}

/// Where an output really goes: `path` itself, or the file a symbolic link at `path` points to;
/// and what is there now.
struct Destination {
    /// The path as the user gave it (for messages).
    let path: String
    /// The file that will be replaced or created.
    let file: String
    /// The file there now (nil: none).
    let existing: stat?

    init(path: String, inputs: [String]) throws {
        self.path = path
        guard !path.isEmpty else { throw OutputError(path: path, reason: "an empty file name") }
        var info = stat()
        var file = path
        if lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK {
            // Written through, as cp does: the final target of the chain of links.
            guard let resolved = realpath(path, nil) else {
                let code = errno
                throw OutputError(path: path, reason: code == ENOENT ? "is a symbolic link to a file that does not exist (alliance writes through links only to existing files)"
                                                    : code == ELOOP ? "is a symbolic link in a loop" : OutputError.words(code))
            }
            file = String(cString: resolved)
            free(resolved)
        }
        self.file = file
        if stat(file, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw OutputError(path: path, reason: "is a folder; give a file name")
            case S_IFIFO: throw OutputError(path: path, reason: "is a FIFO (named pipe); alliance writes only regular files")
            case S_IFCHR, S_IFBLK: throw OutputError(path: path, reason: "is a device; alliance writes only regular files")
            case S_IFSOCK: throw OutputError(path: path, reason: "is a socket; alliance writes only regular files")
            default: throw OutputError(path: path, reason: "is not a regular file")
            }
            for input in inputs {
                var other = stat()
                if stat(input, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino {
                    throw OutputError(path: path, reason: "is the input file \(input); alliance never writes over its input (choose another name)")
                }
            }
            existing = info
        } else {
            let code = errno
            guard code == ENOENT else {
                if code == ENOTDIR, let blocking = Self.fileInPath(file) {
                    throw OutputError(path: path, reason: "\(blocking) is a file, not a folder")
                }
                throw OutputError(path: path, reason: OutputError.words(code))
            }
            existing = nil
            // A parent that exists must be a folder.
            var parent = URL(fileURLWithPath: file).deletingLastPathComponent().path
            while parent != "/" && !parent.isEmpty {
                var p = stat()
                if stat(parent, &p) == 0 {
                    guard p.st_mode & S_IFMT == S_IFDIR else {
                        throw OutputError(path: path, reason: "\(parent) is a file, not a folder")
                    }
                    break
                }
                parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path
            }
        }
    }

    /// The first folder of `path` that exists and is not a folder (`file.csv` in `file.csv/x.csv`).
    static func fileInPath(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/").dropLast() {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var info = stat()
            if stat(prefix, &info) == 0 && info.st_mode & S_IFMT != S_IFDIR { return prefix }
        }
        return nil
    }

    /// Creates the destination's folder (and its parents) if needed.
    func createFolder() throws {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue { return }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw OutputError(path: path, reason: "its folder cannot be created: \(OutputError.words(errno))")
        }
    }

    /// Gives the temporary file the existing file's permissions, owner and group, or for a new
    /// file the permissions the umask allows.
    func applyOwnershipAndMode(to fd: Int32) throws {
        guard let existing else {
            let mask = umask(0)
            umask(mask)
            guard fchmod(fd, 0o666 & ~mask) == 0 else { throw OutputError(path: path, reason: OutputError.words(errno)) }
            return
        }
        if existing.st_uid != geteuid() || existing.st_gid != getegid() {
            guard fchown(fd, existing.st_uid, existing.st_gid) == 0 else {
                throw OutputError(path: path, reason: "belongs to another user or group (uid \(existing.st_uid), gid \(existing.st_gid)), which alliance cannot keep if it replaces the file; remove it first or choose another name")
            }
        }
        guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw OutputError(path: path, reason: OutputError.words(errno)) }
    }
}

/// The temporary files of interrupted writes: `.NAME.PID.partial` next to the destination.
enum StalePartials {
    /// The temporary name of this process's write to `file`.
    static func name(for file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).partial").path
    }

    /// Removes the `.NAME.PID.partial` files and folders next to `file` whose process has ended.
    /// A process that is still running (or a PID now used by another process) keeps its file.
    static func remove(near file: String) {
        let url = URL(fileURLWithPath: file)
        let folder = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + "."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".partial") {
            let middle = name.dropFirst(prefix.count).dropLast(".partial".count)
            guard let pid = pid_t(middle), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(name))
        }
    }
}

/// An output file could not be written: a path the user gave that is not writable (a missing
/// permission, a file where a folder should be, a device), so bad input (exit status 2).
public struct OutputError: InputError {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): cannot write: \(reason)" }

    /// A system error in words (`permission denied`, `no space left on device`).
    static func words(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "no space left on the device"
        case EROFS: return "the file system is read-only"
        case EDQUOT: return "the disk quota is exceeded"
        case EXDEV: return "the folder is on another file system"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}
