import Foundation
import Testing

/// Writes never destroy what is at the path (fuzz report D13, D14): a symbolic link is written
/// through, a FIFO or a device is refused, a replaced file keeps its permissions and owner, an
/// input file is never overwritten, and the temporary files of killed runs are removed.
@Suite struct OutputSafetyTests {
    func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-safety-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return url
    }

    static let data = "patient,session,alliance_patient\n1,1,5\n1,2,3\n1,3,5\n2,1,6\n2,2,6\n"

    func info(_ path: String) -> stat {
        var s = stat()
        lstat(path, &s)
        return s
    }

    @Test func aSymbolicLinkIsWrittenThroughAndStaysALink() throws {
        let dir = try folder(["real.csv": "keep me\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path, withDestinationPath: "real.csv")
        let out = try CommandRunner.run(["simulate", "--preset", "default", "--seed", "1", "--out", "link.csv"], in: dir)
        #expect(out.status == 0)
        #expect(info(dir.appendingPathComponent("link.csv").path).st_mode & S_IFMT == S_IFLNK)
        let written = try String(contentsOf: dir.appendingPathComponent("real.csv"), encoding: .utf8)
        #expect(written.hasPrefix("patient,therapist,session,"))
        // A dangling link is refused.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("dangling.csv").path, withDestinationPath: "absent.csv")
        let dangling = try CommandRunner.run(["simulate", "--preset", "default", "--seed", "1", "--out", "dangling.csv"], in: dir)
        #expect(dangling.status == 2)
        #expect(dangling.standardError == "alliance: dangling.csv: cannot write: is a symbolic link to a file that does not exist (alliance writes through links only to existing files)\n")
    }

    @Test func specialFilesAreRefused() throws {
        let dir = try folder(["d.csv": Self.data])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("pipe.md").path, 0o644) == 0)
        let cases: [([String], String)] = [
            (["power", "--preset", "default", "--seed", "1", "--reps", "2", "--quiet", "--threads", "1", "--out", "pipe.md"],
             "pipe.md: cannot write: is a FIFO (named pipe); alliance writes only regular files"),
            (["power", "--preset", "default", "--seed", "1", "--reps", "2", "--quiet", "--threads", "1", "--format", "csv", "--out", "/dev/null"],
             "/dev/null: cannot write: is a device; alliance writes only regular files"),
            (["ruptures", "d.csv", "--episodes", "."], "--episodes: the episode table is written as .csv, not '.' (see 'alliance --help')"),
            (["describe", "d.csv", "--out", "d.csv"], "d.csv: cannot write: exists and is not a folder"),
        ]
        for (arguments, message) in cases {
            let out = try CommandRunner.run(arguments, in: dir)
            #expect(out.status == 2, "\(arguments)")
            #expect(out.standardError == "alliance: \(message)\n", "\(arguments)")
        }
        #expect(info(dir.appendingPathComponent("pipe.md").path).st_mode & S_IFMT == S_IFIFO)
        #expect(info("/dev/null").st_mode & S_IFMT == S_IFCHR)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pipe.md.checkpoint").path))
    }

    @Test func aReplacedFileKeepsItsPermissionsAndOwner() throws {
        let dir = try folder(["d.csv": Self.data, "private.csv": "old\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("private.csv").path
        #expect(chmod(path, 0o600) == 0)
        // As root (CI), the file belongs to another user, as in the fuzz report: it stays theirs.
        let otherUser: uid_t = 65534
        let asRoot = geteuid() == 0
        if asRoot { #expect(chown(path, otherUser, otherUser) == 0) }
        let out = try CommandRunner.run(["ruptures", "d.csv", "--annotate", "private.csv"], in: dir)
        #expect(out.status == 0)
        let after = info(path)
        #expect(after.st_mode & 0o7777 == 0o600)
        if asRoot { #expect(after.st_uid == otherUser && after.st_gid == otherUser) }
        #expect(try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8).hasPrefix("patient,session,alliance_patient,rupture_patient"))
        // A new file gets the umask's permissions, never the temporary file's 0600.
        let fresh = try CommandRunner.run(["ruptures", "d.csv", "--annotate", "new.csv"], in: dir)
        #expect(fresh.status == 0)
        let mask = umask(0)
        umask(mask)
        #expect(info(dir.appendingPathComponent("new.csv").path).st_mode & 0o777 == 0o666 & ~mask)
    }

    /// D14: a write killed with SIGKILL leaves `.NAME.PID.partial`; the next write to the same
    /// name removes those of processes that no longer run, and keeps those of running ones.
    @Test func staleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let dir = try folder(["d.csv": Self.data])
        defer { try? FileManager.default.removeItem(at: dir) }
        // A PID above the kernel's largest (pid_max is at most 2^22) belongs to no process.
        let dead = dir.appendingPathComponent(".out.csv.2147480000.partial").path
        let alive = dir.appendingPathComponent(".out.csv.\(getpid()).partial").path
        let deadFolder = dir.appendingPathComponent(".results.2147480001.partial").path
        let other = dir.appendingPathComponent(".other.csv.2147480000.partial").path
        for path in [dead, alive, other] { try Data("partial".utf8).write(to: URL(fileURLWithPath: path)) }
        try FileManager.default.createDirectory(atPath: deadFolder, withIntermediateDirectories: false)
        #expect(try CommandRunner.run(["ruptures", "d.csv", "--annotate", "out.csv", "--out", "results"], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(!FileManager.default.fileExists(atPath: deadFolder))
        #expect(FileManager.default.fileExists(atPath: alive))
        #expect(FileManager.default.fileExists(atPath: other))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/ruptures.csv").path))
    }

    /// A kill -9 during a large write (the fuzz report's trial): the destination is absent or
    /// complete, and after the next run no temporary file is left.
    @Test func aKilledWriteLeavesNothingBehindAfterTheNextRun() throws {
        let dir = try folder(["c.yaml": "preset: default\npatients: 3000\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = CommandRunner.productsFolder.appendingPathComponent("alliance")
        process.arguments = ["simulate", "--config", "c.yaml", "--seed", "1", "--out", "big.sav"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline {
            if (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.contains(where: { $0.hasSuffix(".partial") }) == true { break }
            usleep(500)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let rerun = try CommandRunner.run(["simulate", "--config", "c.yaml", "--seed", "1", "--out", "big.sav"], in: dir)
        #expect(rerun.status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["big.sav", "c.yaml"])
    }
}
