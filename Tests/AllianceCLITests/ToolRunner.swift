import Foundation
import Testing

/// Runs a tool the tests look at outputs with (pdflatex, Chromium, rsvg-convert), which
/// scripts/setup installs; a missing tool fails the test with a message saying so (CI installs
/// them, so these tests never skip).
enum ToolRunner {
    struct Output {
        let status: Int32
        let output: String
    }

    /// The first of `names` on the PATH (or in /usr/bin), or nil.
    static func find(_ names: [String]) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }

    /// Runs `tool` (one of `names`) with `arguments` in `directory`; standard output and error
    /// together, through a file. `nil` and a recorded issue when the tool is not installed.
    static func run(_ names: [String], _ arguments: [String], in directory: URL, timeout: Double = 120) throws -> Output? {
        guard let executable = find(names) else {
            Issue.record("\(names[0]) is not installed: run scripts/setup (it installs chromium, librsvg2-bin, texlive-latex-recommended and lmodern)")
            return nil
        }
        let log = directory.appendingPathComponent("tool-\(UUID()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try handle.close()
        defer { try? FileManager.default.removeItem(at: log) }
        return Output(status: process.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// A new scratch folder.
    static func scratch(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-\(name)-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
