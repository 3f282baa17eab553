// swift-tools-version:6.0
import PackageDescription

// PMIx headers live in Debian's private prefix; the library itself is opened with dlopen at
// run time, so binaries run where PMIx is absent (they just cannot be wired up by mpirun).
let pmixInclude = "/usr/lib/x86_64-linux-gnu/pmix2/include"

// The progress and matching paths run millions of times a second; release builds drop
// the dynamic exclusivity checks there (debug builds, which the tests use, keep them).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
// The C skin's entry points come in near-identical pairs (MPI_Put and MPI_Get differ in a
// name and a callee); LLVM's function merging made each a thunk that passes its stack
// arguments on again, a store-forwarding stall that was a third of an 8-byte put.
let cSkin: [SwiftSetting] = hotPath + [.unsafeFlags(["-Xfrontend", "-disable-llvm-merge-functions-pass"], .when(configuration: .release))]

// Fuzz/: one libFuzzer target per decoder of what peers, the launcher and disks hand in,
// and the driver they share. Declared only for scripts/fuzz (BRAZOS_FUZZ=1), which builds
// them instrumented and links libFuzzer; a plain build leaves them out.
let fuzzTargets: [Target] = Context.environment["BRAZOS_FUZZ"] == "1" ? [
    .target(name: "FuzzDriver", path: "Fuzz/driver", swiftSettings: [.enableExperimentalFeature("Extern")],
            linkerSettings: [.linkedLibrary("stdc++")]),
] + [
    ("frame-header", "BrazosCore"), ("ring-records", "BrazosCore"), ("node-card", "BrazosCore"), ("control-message", "BrazosCore"),
    ("move-record", "BrazosMPI"), ("rank-locations", "BrazosMPI"), ("window-message", "BrazosMPI"),
    ("page-diff", "BrazosSharedMemory"), ("protocol-message", "BrazosSharedMemory"), ("checkpoint-sections", "Checkpointing"),
    ("part-file", "Checkpoint"), ("manifest", "Checkpoint"),
].map { name, library in
    .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzDriver", .target(name: library)], path: "Fuzz/\(name)")
} : []

let package = Package(
    name: "Brazos",
    // What a user links or runs; the examples, benchmarks and test programs below are
    // built with the package but are not products.
    products: [
        .executable(name: "brazosrun", targets: ["brazosrun"]),
        .executable(name: "brazoscc", targets: ["brazoscc"]),
        .executable(name: "brazoscxx", targets: ["brazoscxx"]),
        .library(name: "BrazosMPI", targets: ["BrazosMPI"]),
        .library(name: "BrazosSharedMemory", targets: ["BrazosSharedMemory"]),
        .library(name: "Checkpointing", targets: ["Checkpointing"]),
        .library(name: "Migration", targets: ["Migration"]),
        // The C ABI: libbrazosmpi.so, which C programs link through brazoscc.
        .library(name: "brazosmpi", type: .dynamic, targets: ["BrazosMPIC"]),
    ],
    dependencies: [
        // Levels and a JSON form for what the launcher and the nodes say (`Log`).
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // The command lines of brazosrun's subcommands and of the examples.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // SHA-256 and HMAC-SHA-256 for the handshake and the checkpoint manifests.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Sources/: the libraries and tools.
        .target(
            name: "CBrazos",
            cSettings: [.unsafeFlags(["-I\(pmixInclude)"])],
            linkerSettings: [.linkedLibrary("hwloc"), .linkedLibrary("dl")]
        ),
        .target(name: "BrazosCore", dependencies: ["CBrazos", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto")], swiftSettings: hotPath),
        .target(name: "BrazosMPI", dependencies: ["BrazosCore"], swiftSettings: hotPath),
        .target(name: "Checkpoint", dependencies: ["BrazosCore", "CBrazos"], exclude: ["README.md"]),
        .target(name: "Checkpointing", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos", "Checkpoint"]),
        .target(name: "BrazosSharedMemory", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos", "Checkpoint", "Checkpointing", "Migration"], swiftSettings: hotPath),
        .target(name: "Migration", dependencies: ["BrazosMPI", "BrazosCore"], exclude: ["README.md"]),
        // mpi.h, the MPI 5.0 ABI header that C programs include, and veloc.h (VeloC's
        // checkpoint API over Checkpointing); BrazosMPIC implements both.
        .target(name: "CMPI"),
        // The profiling interface: the linker script gives each MPI_X function a second
        // name, PMPI_X (generated from mpi.h's prototypes by scripts/profiling-interface).
        .target(name: "BrazosMPIC", dependencies: ["BrazosMPI", "BrazosCore", "Checkpointing", "CMPI"], swiftSettings: cSkin,
                linkerSettings: [.unsafeFlags(["-Xlinker", Context.packageDirectory + "/Sources/CMPI/pmpi-aliases.ld"])]),
        .executableTarget(name: "brazosrun", dependencies: ["BrazosCore", "Checkpoint", .product(name: "Logging", package: "swift-log"), .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // The compiler wrappers for C and C++ programs, one implementation (BrazosWrapper).
        .target(name: "BrazosWrapper"),
        .executableTarget(name: "brazoscc", dependencies: ["BrazosWrapper"]),
        .executableTarget(name: "brazoscxx", dependencies: ["BrazosWrapper"]),

        // Examples/: programs a user reads first; sor and water have C references in mpi-tests/examples.
        .target(name: "ExampleOptions", dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Examples/ExampleOptions"),
        .executableTarget(name: "ring", dependencies: ["BrazosMPI", "ExampleOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Examples/ring"),
        .executableTarget(name: "sor", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore", "Migration", "ExampleOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Examples/sor"),
        .executableTarget(name: "water", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore", "Migration", "ExampleOptions", .product(name: "ArgumentParser", package: "swift-argument-parser")], path: "Examples/water"),

        // Benchmarks/: the Swift halves of scripts/bench-*, run in release builds beside OpenMPI.
        .executableTarget(name: "p2p-bench", dependencies: ["BrazosMPI"], path: "Benchmarks/p2p-bench"),
        .executableTarget(name: "migrate-bench", dependencies: ["BrazosMPI", "BrazosCore", "Migration"], path: "Benchmarks/migrate-bench"),
        .executableTarget(name: "dsm-bench", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore"], path: "Benchmarks/dsm-bench"),

        // Tests/Programs/: the programs the multi-process tests start as nodes.
        .executableTarget(name: "p2p-check", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos"], path: "Tests/Programs/p2p-check"),
        .executableTarget(name: "coll-check", dependencies: ["BrazosMPI"], path: "Tests/Programs/coll-check"),
        .executableTarget(name: "rma-check", dependencies: ["BrazosMPI"], path: "Tests/Programs/rma-check"),
        .executableTarget(name: "dsm-check", dependencies: ["BrazosSharedMemory", "BrazosMPI"], path: "Tests/Programs/dsm-check"),
        .executableTarget(name: "checkpoint-check", dependencies: ["BrazosSharedMemory", "BrazosMPI"], path: "Tests/Programs/checkpoint-check"),
        .executableTarget(name: "message-checkpoint-check", dependencies: ["Checkpointing", "BrazosMPI", "BrazosCore"], path: "Tests/Programs/message-checkpoint-check"),
        .executableTarget(name: "window-checkpoint-check", dependencies: ["Checkpointing", "BrazosMPI", "BrazosCore"], path: "Tests/Programs/window-checkpoint-check"),
        .executableTarget(name: "migrate-check", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore", "Migration"], path: "Tests/Programs/migrate-check"),
        .executableTarget(name: "window-move-check", dependencies: ["BrazosMPI", "Migration"], path: "Tests/Programs/window-move-check"),

        .testTarget(name: "BrazosCoreTests", dependencies: ["BrazosCore"]),
        .testTarget(name: "BrazosMPITests", dependencies: ["BrazosMPI"]),
        .testTarget(name: "BrazosSharedMemoryTests", dependencies: ["BrazosSharedMemory"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint", "Checkpointing", "BrazosMPI"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration"]),
        .testTarget(name: "MultiNodeTests", dependencies: ["BrazosCore", "Checkpoint"]),
    ] + fuzzTargets,
    swiftLanguageModes: [.v6]
)
