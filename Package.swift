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
        // Property-based tests (the fuzz tests of the formula parser, the CSV reader and the
        // configuration reader).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
    ],
    targets: [
        // C libraries, each reached through a module map and a small header of our own.
        .systemLibrary(name: "CLapack", pkgConfig: "lapack",
                       providers: [.apt(["liblapack-dev", "libblas-dev"])]),
        .systemLibrary(name: "CNLopt", pkgConfig: "nlopt", providers: [.apt(["libnlopt-dev"])]),
        .systemLibrary(name: "CGSL", pkgConfig: "gsl", providers: [.apt(["libgsl-dev"])]),
        .systemLibrary(name: "CReadStat", providers: [.apt(["libreadstat-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Dense linear algebra over BLAS/LAPACK, distributions and random streams over GSL,
        // BOBYQA over NLopt.
        .target(name: "Numerics", dependencies: ["CLapack", "CNLopt", "CGSL"]),

        // The column store every reader produces, and the delimited-text (CSV) reader.
        .target(name: "Tabular"),

        // Linear mixed models as lme4 fits them, with lmerTest's Satterthwaite inference.
        .target(name: "MixedModels", dependencies: ["Numerics", "Tabular"]),

        // Publication tables (text, Markdown, LaTeX, CSV), JSON, SVG figures, self-contained HTML
        // reports (built with Plot), atomic file output; the data file's SHA-256 (OpenSSL) for
        // the reports' provenance.
        .target(name: "Reports", dependencies: ["MixedModels", "SessionData", "Ruptures", "SEM", "DSEM", "COpenSSL",
                                                .product(name: "Plot", package: "Plot")]),

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

        // Structural equation models by maximum likelihood with FIML (the RAM form, analytic
        // gradients and information), and the ML-SEM dynamic panel model of dpm built on it.
        .target(name: "SEM", dependencies: ["Numerics", "Tabular", "SessionData", "DynamicModels", "MixedModels"]),

        // Two-level dynamic structural equation models (DSEM) with latent mean centring: the
        // specification, a Gibbs sampler with one file per block, chains, PSR and ESS.
        .target(name: "DSEM", dependencies: ["Numerics", "Tabular", "SessionData", "MixedModels", "DynamicModels"]),

        // The data-generating process of rupture designs, and power studies over a grid of design
        // factors (parallel, checkpointed, sharded for Slurm job arrays).
        .target(name: "Simulation", dependencies: ["Numerics", "Tabular", "SessionData", "Ruptures", "MixedModels", "Reports",
                                                   "DynamicModels", "SEM", "DSEM",
                                                   .product(name: "Yams", package: "Yams")]),

        // The analysis of Gidhagen, Holmqvist & Falkenström (2025) end to end: sample, descriptives,
        // ruptures, growth and lagged models (multilevel, DSEM, ML-SEM), sensitivity, the published
        // figures side by side, and its tables, JSON and figures.
        .target(name: "Replication", dependencies: ["Numerics", "Tabular", "SessionData", "Ruptures", "MixedModels", "Reports",
                                                    "DynamicModels", "DSEM", "SEM"]),

        .executableTarget(
            name: "AllianceCLI",
            dependencies: [
                "Numerics", "Tabular", "MixedModels", "Reports", "SessionData", "Ruptures", "Simulation", "Replication",
                "DynamicModels", "SEM", "DSEM",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["BuildInfoPlugin"]),

        // Records the git commit the executable is built from (`alliance --version`, report footers).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool()),

        // Timing driver used by the scripts in Benchmarks/ (run in release mode).
        .executableTarget(name: "AllianceBenchmarks", dependencies: ["Tabular", "Numerics", "MixedModels", "SessionData", "Ruptures", "SEM", "Simulation",
                                                                  "DynamicModels", "DSEM"],
                          path: "Benchmarks/AllianceBenchmarks"),

        .testTarget(name: "NumericsTests", dependencies: ["Numerics"]),
        .testTarget(name: "TabularTests", dependencies: ["Tabular", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "MixedModels", "Tabular"]),
        .testTarget(name: "MixedModelsTests", dependencies: ["MixedModels", "Tabular", "Numerics",
                                                             .product(name: "PropertyBased", package: "swift-property-based")],
                    exclude: ["Reference"]),
        .testTarget(name: "SessionDataTests", dependencies: ["SessionData", "Tabular"]),
        .testTarget(name: "RupturesTests", dependencies: ["Ruptures", "SessionData", "Tabular"]),
        .testTarget(name: "DynamicModelsTests", dependencies: ["DynamicModels", "SessionData", "Tabular", "MixedModels"]),
        .testTarget(name: "DSEMTests", dependencies: ["DSEM", "DynamicModels", "SessionData", "Tabular", "MixedModels", "Numerics"],
                    exclude: ["Reference"]),
        .testTarget(name: "SEMTests", dependencies: ["SEM", "DynamicModels", "SessionData", "Tabular", "Numerics", "MixedModels", "Simulation"],
                    exclude: ["Reference"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Ruptures", "SessionData", "MixedModels", "Tabular", "Numerics",
                                                            .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "ReplicationTests", dependencies: ["Replication", "Ruptures", "SessionData", "MixedModels", "Reports", "Tabular",
                                                            "DynamicModels", "DSEM", "SEM", "Simulation"],
                    exclude: ["Reference"]),
        // Runs the built executable as a user would (needs `swift build` first; scripts/test does it).
        .testTarget(name: "AllianceCLITests", dependencies: ["AllianceCLI", "SessionData", "Tabular"]),
    ]
)
