import ArgumentParser
import Foundation
import Reports
import SessionData
import Simulation
import Tabular

/// `alliance simulate`: one simulated dataset in the long format.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate one dataset of session ratings (simulated data, not real patients) in the long format.",
        discussion: """
        The data-generating process and every field of a configuration are in docs/METHODS.md \
        ("Simulation"). The dataset is the one 'alliance power' analyses as replication R of cell C \
        with the same seed, so a replication can be inspected with every other command.
        Examples:
          alliance simulate --preset sud-2025 --seed 1 --out sud.csv
          alliance simulate --config study.yaml --seed 7 --out study.sav --truth
          alliance simulate --preset sud-2025 --print-config > study.yaml
        """)

    @OptionGroup var study: StudyOptions

    @Option(help: "The seed of the random streams.")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Where to write the data: .csv, .sav (SPSS) or .dta (Stata).", valueName: "file"))
    var out: String?

    @Option(help: "The grid cell whose design to simulate (from 1).")
    var cell = 1

    @Option(help: "The replication whose dataset to write (from 1).")
    var replication = 1

    @Flag(help: "Add the events that really happened: true_rupture_<rater>, true_repair_<rater> (1 at a session where the rater perceived a rupture starting, or being repaired).")
    var truth = false

    func validate() throws {
        if study.printConfig { return }
        guard seed != nil else { throw ValidationError("--seed is required") }
        guard let out else { throw ValidationError("--out is required") }
        guard TableFile.isWritable(out) else {
            throw ValidationError("--out: unknown file type for '\(out)' (use \(TableFile.writableList))")
        }
        guard cell >= 1 else { throw ValidationError("--cell must be at least 1") }
        guard replication >= 1 else { throw ValidationError("--replication must be at least 1") }
    }

    func run() throws {
        let configuration = try study.load()
        if study.printConfig {
            print(configuration.canonicalText, terminator: "")
            return
        }
        guard let seed, let out else { return }
        try OutputFile.check(out, protecting: study.files)
        guard cell <= configuration.cells.count else {
            throw CommandInputError("--cell \(cell): the study has \(configuration.cells.count) cell\(configuration.cells.count == 1 ? "" : "s")")
        }
        let chosen = configuration.cells[cell - 1]
        let sample = try SimulatedSample(process: chosen.process, seed: seed, path: [UInt64(cell), UInt64(replication)])
        guard sample.table.rowCount > 0 else {
            throw CommandInputError("\(study.name): the design gave no observed session with seed \(seed) (every session missed?)")
        }
        let table = truth ? try sample.tableWithTrueEvents() : sample.table
        try OutputFile.write(try TableFile.data(for: SessionFile(table: table), destination: out), to: out, protecting: study.files)
        var patients = 0
        if case .numeric(let ids)? = sample.table["patient"] { patients = Set(ids).count }
        let factors = zip(configuration.grid.factors, chosen.factorValues).map { "\($0.path) = \($1)" }
        let place = factors.isEmpty ? "" : ", cell \(cell): " + factors.joined(separator: ", ")
        print("Simulated data, not real patients: \(patients) patients with sessions, \(chosen.process.design.therapists) therapists, \(table.rowCount) sessions (\(study.name), seed \(seed)\(place), replication \(replication)) -> \(out)")
    }
}
