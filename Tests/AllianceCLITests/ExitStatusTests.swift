import Testing

/// The command line as a user meets it: help lists subcommands, bad options exit 2 with one line.
@Suite struct ExitStatusTests {
    @Test func helpExitsZero() throws {
        let out = try CommandRunner.run(["--help"])
        #expect(out.status == 0)
        #expect(out.standardOutput.contains("USAGE: alliance"))
    }

    @Test func unknownOptionIsBadInput() throws {
        let out = try CommandRunner.run(["--no-such-option"])
        #expect(out.status == 2)
        #expect(out.standardError == "alliance: Unknown option '--no-such-option' (see 'alliance --help')\n")
    }
}
