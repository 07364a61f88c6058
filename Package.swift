// swift-tools-version:6.0
//
// alliance: a toolkit for psychotherapy process research (alliance ruptures and repairs, lagged
// multilevel models, simulation and power, publication tables). See docs/ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "alliance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "alliance", targets: ["AllianceCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C libraries, each reached through a module map and a small header of our own.
        .systemLibrary(name: "CLapack", pkgConfig: "lapack",
                       providers: [.apt(["liblapack-dev", "libblas-dev"])]),
        .systemLibrary(name: "CNLopt", pkgConfig: "nlopt", providers: [.apt(["libnlopt-dev"])]),
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),

        // Dense linear algebra over BLAS/LAPACK, distributions and random streams over GSL,
        // BOBYQA over NLopt.
        .target(name: "Numerics", dependencies: ["CLapack", "CNLopt", "CGSL"]),

        // The column store every reader produces, and the delimited-text (CSV) reader.
        .target(name: "Tabular"),

        // Linear mixed models as lme4 fits them, with lmerTest's Satterthwaite inference.
        .target(name: "MixedModels", dependencies: ["Numerics", "Tabular"]),

        // Publication tables (text, Markdown, LaTeX, CSV), JSON, SVG figures, atomic file output.
        .target(name: "Reports", dependencies: ["MixedModels", "SessionData", "Ruptures", "DSEM"]),

        // The panel of session ratings (long format): readers (CSV, SPSS, Stata), validation, scale
        // metadata and codebooks, transforms by session number (lead/lag, centring, detrending).
        .target(name: "SessionData", dependencies: ["Tabular", "CReadStat", .product(name: "Yams", package: "Yams")]),

        // Rupture and repair detection under every published criterion, episodes, per-rater
        // summaries, rater agreement, sensitivity across criteria; observer-coded rupture events
        // (lag-sequential analysis, episodes, stage models) in Ruptures/Sequences, whose event
        // codebook is YAML read with Yams.
        .target(name: "Ruptures", dependencies: ["SessionData", "Numerics", .product(name: "Yams", package: "Yams")]),

        // What the dynamic models (DSEM, ML-SEM) share: session data laid out by session number
        // (missed sessions as missing cells, waves), and the lag() terms of their formulas.
        .target(name: "DynamicModels", dependencies: ["Tabular", "SessionData", "MixedModels"]),

        // Two-level dynamic structural equation models (DSEM) with latent mean centring: the
        // specification, a Gibbs sampler with one file per block, chains, PSR and ESS.
        .target(name: "DSEM", dependencies: ["Numerics", "Tabular", "SessionData", "MixedModels", "DynamicModels"]),

        // The data-generating process of rupture designs, and power studies over a grid of design
        // factors (parallel, checkpointed, sharded for Slurm job arrays).
        .target(name: "Simulation", dependencies: ["Numerics", "Tabular", "SessionData", "Ruptures", "MixedModels", "Reports",
                                                   "DynamicModels", "DSEM",
                                                   .product(name: "Yams", package: "Yams")]),

        // The analysis of Gidhagen, Holmqvist & Falkenström (2025) end to end: sample, descriptives,
        // ruptures, growth and lagged models, sensitivity, the published figures side by side,
        // and its tables, JSON and figures.
        .target(name: "Replication", dependencies: ["Numerics", "Tabular", "SessionData", "Ruptures", "MixedModels", "Reports"]),

        .executableTarget(
            name: "AllianceCLI",
            dependencies: [
                "Numerics", "Tabular", "MixedModels", "Reports", "SessionData", "Ruptures", "Simulation", "Replication",
                "DynamicModels", "DSEM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Timing driver used by the scripts in Benchmarks/ (run in release mode).
        .executableTarget(name: "AllianceBenchmarks", dependencies: ["Tabular", "Numerics", "MixedModels", "SessionData", "Ruptures",
                                                                  "DynamicModels", "DSEM"],
                          path: "Benchmarks/AllianceBenchmarks"),

        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "MixedModels", "Tabular"]),
        .testTarget(name: "MixedModelsTests", dependencies: ["MixedModels", "Tabular", "Numerics"],
                    exclude: ["Reference"]),
        .testTarget(name: "SessionDataTests", dependencies: ["SessionData", "Tabular"]),
        .testTarget(name: "RupturesTests", dependencies: ["Ruptures", "SessionData", "Tabular"]),
        .testTarget(name: "DynamicModelsTests", dependencies: ["DynamicModels", "SessionData", "Tabular", "MixedModels"]),
        .testTarget(name: "DSEMTests", dependencies: ["DSEM", "DynamicModels", "SessionData", "Tabular", "MixedModels", "Numerics"],
                    exclude: ["Reference"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Ruptures", "SessionData", "MixedModels", "Tabular", "Numerics"]),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "Ruptures", "SessionData", "MixedModels", "Reports", "Tabular"]),
        // Runs the built executable as a user would (needs `swift build` first; scripts/test does it).
        .testTarget(name: "AllianceCLITests", dependencies: ["AllianceCLI", "SessionData", "Tabular"]),
    ]
)
