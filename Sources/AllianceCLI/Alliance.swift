import ArgumentParser
import Foundation
import Tabular

/// The `alliance` command: one subcommand per job, each in its own file.
@main
struct Alliance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alliance",
        abstract: "Alliance ruptures and repairs, lagged multilevel models, power simulation and publication tables for psychotherapy process research.",
        version: Alliance.versionLine,
        subcommands: [DescribeCommand.self, RupturesCommand.self, SequencesCommand.self, FitCommand.self, DSEMCommand.self, MLSEMCommand.self,
                      SimulateCommand.self, PowerCommand.self, MergeCommand.self, ReplicateCommand.self]
    )

    /// The release number; `versionLine` adds the commit the executable was built from.
    static let version = "0.1.0"

    /// `alliance 0.1.0 (commit 1488919a2b3c, 2026-11-30)`: what `alliance --version` prints and
    /// reports cite.
    static let versionLine = "alliance \(version) (commit \(BuildInfo.commit), \(BuildInfo.commitDate))"

    /// Parses the command line, runs the subcommand, and turns any error into one line on standard
    /// error and an exit status: 2 for bad input (files, options, formulas), 1 for a computation
    /// that failed. Help and version requests print and exit 0.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            Foundation.exit(ExitStatus.report(error, command: self))
        }
    }
}

/// How errors become messages and exit statuses.
enum ExitStatus {
    static let badInput: Int32 = 2
    static let failedComputation: Int32 = 1

    static func report(_ error: any Error, command: Alliance.Type) -> Int32 {
        if let input = error as? any InputError {
            printError(input.description)
            return badInput
        }
        let code = command.exitCode(for: error)
        if code == .success {
            command.exit(withError: error) // --help, --version: print and exit 0
        }
        if error is ValidationError || code == .validationFailure || code == .failure && isParserError(error) {
            printError(command.message(for: error) + " (see 'alliance --help')")
            return badInput
        }
        printError(String(describing: error))
        return failedComputation
    }

    /// ArgumentParser reports unknown options and missing arguments as its own error types.
    private static func isParserError(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// The longest message printed: messages quote at most an excerpt of the input, and this
    /// guards the line's length whatever a library put in it.
    static let longestMessage = 1_000

    static func printError(_ message: String) {
        var text = message.replacingOccurrences(of: "\n", with: " ")
        if text.count > longestMessage { text = String(text.prefix(longestMessage)) + "… (\(text.count) characters)" }
        let line = "alliance: " + text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
