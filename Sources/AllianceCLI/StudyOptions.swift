import ArgumentParser
import Simulation

/// Which study to simulate: options `alliance simulate` and `alliance power` share.
struct StudyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A named study: \(SimulationPresets.names.joined(separator: ", ")).", valueName: "name"))
    var preset: String?

    @Option(help: ArgumentHelp("A study configuration (YAML or JSON; 'preset: NAME' at the top starts from a preset). Fields: docs/METHODS.md.",
                               valueName: "file"))
    var config: String?

    @Flag(help: "Print the configuration in force (every field, with the grid) and exit.")
    var printConfig = false

    func validate() throws {
        switch (preset, config) {
        case (nil, nil): throw ValidationError("give --preset NAME or --config FILE")
        case (_?, _?): throw ValidationError("give either --preset or --config, not both (a configuration file can start from a preset with 'preset: NAME')")
        default: break
        }
    }

    func load() throws -> StudyConfiguration {
        if let preset { return try StudyConfiguration.preset(named: preset) }
        return try StudyConfiguration(path: config ?? "")
    }

    /// The configuration file, if one is given (an input no output may overwrite).
    var files: [String] { config.map { [$0] } ?? [] }

    /// `preset sud-2025` or `configuration study.yaml`, for messages.
    var name: String { preset.map { "preset \($0)" } ?? "configuration \(config ?? "")" }
}
