import Foundation

/// Runs the built `alliance` executable as a user would, capturing what it prints.
///
/// The executable is the one `swift build` put next to this test bundle (`.build/debug/alliance`).
struct CommandRunner {
    struct Output {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The folder holding the built products.
    static var productsFolder: URL {
        // The test bundle lives in the products folder (…/.build/debug/alliancePackageTests.xctest).
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("alliance").path) {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// The repository's top folder (for bundled datasets).
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Runs `alliance` with `arguments` in `directory` (with this process's environment, less any
    /// Slurm array variables, plus `environment`) and waits for it. Output goes to temporary
    /// files (not pipes), so a command that prints a lot can never block on a full pipe.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-run-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = productsFolder.appendingPathComponent("alliance")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        // A test must not depend on the job it runs in: Slurm array variables would shard `alliance power`.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_ARRAY_") }
            .merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      standardOutput: try String(contentsOf: outURL, encoding: .utf8),
                      standardError: try String(contentsOf: errURL, encoding: .utf8))
    }
}
