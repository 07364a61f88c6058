import Foundation

/// Why a file the user named cannot be read, in words: before a reader opens it, so that a
/// folder, a symlink loop, a device or a missing permission each get their own one-line message
/// (`data.csv: is a folder, not a file`) instead of a generic failure, and nothing reads from a
/// device or a pipe that never ends.
public enum ReadableFile {
    /// Throws a `DataError` naming `path` unless it is a regular file (or a symlink to one) that
    /// this process may read.
    public static func check(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataError(source: path, message: reason(errno: errno, path: path))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw DataError(source: path, message: "is a folder, not a file")
        case S_IFIFO: throw DataError(source: path, message: "is a pipe (FIFO); alliance reads regular files (save the data to a file first)")
        case S_IFCHR, S_IFBLK: throw DataError(source: path, message: "is a device, not a data file")
        case S_IFSOCK: throw DataError(source: path, message: "is a socket, not a data file")
        default: throw DataError(source: path, message: "is not a regular file")
        }
        guard access(path, R_OK) == 0 else {
            throw DataError(source: path, message: reason(errno: errno, path: path))
        }
    }

    /// The reason reading `path` failed after `check` passed (the file changed in between).
    public static func reason(readingFailedAt path: String) -> String {
        var info = stat()
        return stat(path, &info) == 0 ? "cannot be read" : reason(errno: errno, path: path)
    }

    /// A system error on `path` in words.
    static func reason(errno code: Int32, path: String) -> String {
        switch code {
        case ENOENT:
            var link = stat()
            return lstat(path, &link) == 0 ? "is a symbolic link to a file that does not exist" : "no such file"
        case ELOOP: return "too many levels of symbolic links (a symlink loop?)"
        case EACCES: return "cannot be read: permission denied"
        case ENOTDIR: return "no such file (a part of the path is a file, not a folder)"
        case ENAMETOOLONG: return "the file name is too long"
        default: return "cannot be read: " + String(cString: strerror(code))
        }
    }
}
