import Foundation
import Testing

/// `scripts/install` as a new user runs it: `alliance` on the PATH of a new shell, its version
/// with the commit it was built from, and shell completion that completes subcommands. The
/// script is given the binary the tests built (`--binary`) and a scratch prefix, so nothing is
/// built or installed outside the scratch folder.
@Suite struct InstallTests {
    static let root = CommandRunner.repositoryRoot

    /// Runs `command` with bash in a clean environment (a new login shell's PATH plus `path`).
    func shell(_ command: String, path: String, home: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command]
        process.environment = ["HOME": home.path, "PATH": "\(path):/usr/local/bin:/usr/bin:/bin"]
        process.currentDirectoryURL = home
        let out = home.appendingPathComponent("shell-output-\(UUID())")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: out, encoding: .utf8))
    }

    @Test func installPutsAllianceOnThePathWithVersionAndCompletion() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("alliance-install-\(UUID())")
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: prefix) }
        let binary = CommandRunner.productsFolder.appendingPathComponent("alliance").path
        let install = try shell("'\(Self.root.path)/scripts/install' --binary '\(binary)' --prefix '\(prefix.path)'", path: "", home: prefix)
        #expect(install.status == 0, "\(install.output)")
        #expect(install.output.contains("is not on your PATH"))   // the scratch prefix is not

        // A new shell with the prefix on its PATH finds `alliance`; --version names the commit.
        let version = try shell("alliance --version", path: prefix.appendingPathComponent("bin").path, home: prefix)
        #expect(version.status == 0, "\(version.output)")
        let line = version.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.wholeMatch(of: /alliance \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-modified)?|unknown), (\d{4}-\d\d-\d\d|unknown)\)/) != nil, "\(line)")
        let head = try shell("git -C '\(Self.root.path)' rev-parse --short=12 HEAD", path: "", home: prefix)
        if head.status == 0 {
            #expect(line.contains("(commit \(head.output.trimmingCharacters(in: .whitespacesAndNewlines))"), "\(line) vs \(head.output)")
        }

        // Completion for bash completes subcommands; zsh and fish files are there.
        let bash = prefix.appendingPathComponent("share/bash-completion/completions/alliance").path
        let completion = try shell("source '\(bash)'; COMP_WORDS=(alliance rep); COMP_CWORD=1; COMP_LINE='alliance rep'; COMP_POINT=12; _alliance alliance rep alliance; echo \"${COMPREPLY[@]}\"",
                                   path: prefix.appendingPathComponent("bin").path, home: prefix)
        #expect(completion.output.trimmingCharacters(in: .whitespacesAndNewlines) == "replicate", "\(completion.output)")
        for file in ["share/zsh/site-functions/_alliance", "share/fish/vendor_completions.d/alliance.fish"] {
            let text = try String(contentsOf: prefix.appendingPathComponent(file), encoding: .utf8)
            #expect(text.contains("replicate") && text.contains("power"), "\(file)")
        }

        // Running it again replaces its own files and leaves a working link.
        let again = try shell("'\(Self.root.path)/scripts/install' --binary '\(binary)' --prefix '\(prefix.path)'", path: "", home: prefix)
        #expect(again.status == 0, "\(again.output)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: prefix.appendingPathComponent("bin/alliance").path) == binary)
    }

    @Test func unknownOptionIsBadInput() throws {
        let home = FileManager.default.temporaryDirectory
        let run = try shell("'\(Self.root.path)/scripts/install' --frobnicate", path: "", home: home)
        #expect(run.status == 2 && run.output.contains("unknown option '--frobnicate'"), "\(run.output)")
    }
}
