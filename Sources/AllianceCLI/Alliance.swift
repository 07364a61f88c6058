import ArgumentParser

/// The `alliance` command: one subcommand per job, each in its own file.
@main
struct Alliance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alliance",
        abstract: "Alliance ruptures and repairs, lagged multilevel models, power simulation and publication tables for psychotherapy process research.",
        version: "0.1.0",
        subcommands: []
    )
}
