// swift-tools-version:6.0
import PackageDescription

// PMIx headers live in Debian's private prefix; the library itself is opened with dlopen at
// run time, so binaries run where PMIx is absent (they just cannot be wired up by mpirun).
let pmixInclude = "/usr/lib/x86_64-linux-gnu/pmix2/include"

// The progress and matching paths run millions of times a second; release builds drop
// the dynamic exclusivity checks there (debug builds, which the tests use, keep them).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Targets already checked in Swift 6 language mode (strict concurrency); the package's
// default below moves to 6 once every target is.
let swift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Brazos",
    // What a user links or runs; the examples, benchmarks and test programs below are
    // built with the package but are not products.
    products: [
        .executable(name: "brazosrun", targets: ["brazosrun"]),
        .executable(name: "brazoscc", targets: ["brazoscc"]),
        .library(name: "BrazosMPI", targets: ["BrazosMPI"]),
        .library(name: "BrazosSharedMemory", targets: ["BrazosSharedMemory"]),
        .library(name: "Migration", targets: ["Migration"]),
        // The C ABI: libbrazosmpi.so, which C programs link through brazoscc.
        .library(name: "brazosmpi", type: .dynamic, targets: ["BrazosMPIC"]),
    ],
    dependencies: [
        // Levels and a JSON form for what the launcher and the nodes say (`Log`).
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Sources/: the libraries and tools.
        .target(
            name: "CBrazos",
            cSettings: [.unsafeFlags(["-I\(pmixInclude)"])],
            linkerSettings: [.linkedLibrary("hwloc"), .linkedLibrary("dl")]
        ),
        .target(name: "BrazosCore", dependencies: ["CBrazos", .product(name: "Logging", package: "swift-log")], swiftSettings: hotPath),
        .target(name: "BrazosMPI", dependencies: ["BrazosCore"], swiftSettings: hotPath),
        .target(name: "Checkpoint", dependencies: ["BrazosCore", "CBrazos"]),
        .target(name: "BrazosSharedMemory", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos", "Checkpoint"], swiftSettings: hotPath),
        .target(name: "Migration", dependencies: ["BrazosMPI", "BrazosCore"]),
        // mpi.h, the MPI 5.0 ABI header that C programs include; BrazosMPIC implements it.
        .target(name: "CMPI"),
        .target(name: "BrazosMPIC", dependencies: ["BrazosMPI", "BrazosCore", "CMPI"]),
        .executableTarget(name: "brazosrun", dependencies: ["BrazosCore", "Checkpoint", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "brazoscc", swiftSettings: swift6),

        // Examples/: programs a user reads first; sor and water have C references in mpi-tests/examples.
        .target(name: "ExampleOptions", path: "Examples/ExampleOptions"),
        .executableTarget(name: "ring", dependencies: ["BrazosMPI"], path: "Examples/ring"),
        .executableTarget(name: "sor", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore", "Migration", "ExampleOptions"], path: "Examples/sor"),
        .executableTarget(name: "water", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore", "Migration", "ExampleOptions"], path: "Examples/water"),

        // Benchmarks/: the Swift halves of scripts/bench-*, run in release builds beside OpenMPI.
        .executableTarget(name: "p2p-bench", dependencies: ["BrazosMPI"], path: "Benchmarks/p2p-bench", swiftSettings: swift6),
        .executableTarget(name: "migrate-bench", dependencies: ["BrazosMPI", "BrazosCore", "Migration"], path: "Benchmarks/migrate-bench", swiftSettings: swift6),
        .executableTarget(name: "dsm-bench", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore"], path: "Benchmarks/dsm-bench", swiftSettings: swift6),

        // Tests/Programs/: the programs the multi-process tests start as nodes.
        .executableTarget(name: "p2p-check", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos"], path: "Tests/Programs/p2p-check", swiftSettings: swift6),
        .executableTarget(name: "coll-check", dependencies: ["BrazosMPI"], path: "Tests/Programs/coll-check", swiftSettings: swift6),
        .executableTarget(name: "dsm-check", dependencies: ["BrazosSharedMemory", "BrazosMPI"], path: "Tests/Programs/dsm-check", swiftSettings: swift6),
        .executableTarget(name: "checkpoint-check", dependencies: ["BrazosSharedMemory", "BrazosMPI"], path: "Tests/Programs/checkpoint-check", swiftSettings: swift6),
        .executableTarget(name: "migrate-check", dependencies: ["BrazosSharedMemory", "BrazosMPI", "BrazosCore", "Migration"], path: "Tests/Programs/migrate-check", swiftSettings: swift6),

        .testTarget(name: "BrazosCoreTests", dependencies: ["BrazosCore"]),
        .testTarget(name: "BrazosMPITests", dependencies: ["BrazosMPI"]),
        .testTarget(name: "BrazosSharedMemoryTests", dependencies: ["BrazosSharedMemory"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration"]),
        .testTarget(name: "MultiNodeTests", dependencies: ["BrazosCore"]),
    ],
    swiftLanguageModes: [.v5]
)
