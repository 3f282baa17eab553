// swift-tools-version:6.0
import PackageDescription

// PMIx headers live in Debian's private prefix; the library itself is opened with dlopen at
// run time, so binaries run where PMIx is absent (they just cannot be wired up by mpirun).
let pmixInclude = "/usr/lib/x86_64-linux-gnu/pmix2/include"

// The progress and matching paths run millions of times a second; release builds drop
// the dynamic exclusivity checks there (debug builds, which the tests use, keep them).
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Brazos",
    products: [
        .executable(name: "brazosrun", targets: ["brazosrun"]),
        .executable(name: "ring", targets: ["ring"]),
        .executable(name: "sor", targets: ["sor"]),
        .executable(name: "water", targets: ["water"]),
        .library(name: "BrazosMPI", targets: ["BrazosMPI"]),
        .library(name: "SharedMemory", targets: ["SharedMemory"]),
        .library(name: "Migration", targets: ["Migration"]),
        // The C ABI: libbrazosmpi.so, which C programs link through brazoscc.
        .library(name: "brazosmpi", type: .dynamic, targets: ["BrazosMPIC"]),
        .executable(name: "brazoscc", targets: ["brazoscc"]),
    ],
    dependencies: [
        // Levels and a JSON form for what the launcher and the nodes say (`Log`).
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "CBrazos",
            cSettings: [.unsafeFlags(["-I\(pmixInclude)"])],
            linkerSettings: [.linkedLibrary("hwloc"), .linkedLibrary("dl")]
        ),
        .target(name: "BrazosCore", dependencies: ["CBrazos", .product(name: "Logging", package: "swift-log")], swiftSettings: hotPath),
        .target(name: "BrazosMPI", dependencies: ["BrazosCore"], swiftSettings: hotPath),
        .target(name: "Checkpoint", dependencies: ["BrazosCore", "CBrazos"]),
        .target(name: "SharedMemory", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos", "Checkpoint"], swiftSettings: hotPath),
        .target(name: "Migration", dependencies: ["BrazosMPI", "BrazosCore"]),
        // mpi.h, the MPI 5.0 ABI header that C programs include; BrazosMPIC implements it.
        .target(name: "CMPI"),
        .target(name: "BrazosMPIC", dependencies: ["BrazosMPI", "BrazosCore", "CMPI"]),
        .executableTarget(name: "brazosrun", dependencies: ["BrazosCore", "Checkpoint", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "brazoscc"),
        .executableTarget(name: "ring", dependencies: ["BrazosMPI"]),
        .executableTarget(name: "p2p-bench", dependencies: ["BrazosMPI"]),
        .executableTarget(name: "p2p-check", dependencies: ["BrazosMPI", "BrazosCore", "CBrazos"]),
        .executableTarget(name: "coll-check", dependencies: ["BrazosMPI"]),
        .executableTarget(name: "dsm-check", dependencies: ["SharedMemory", "BrazosMPI"]),
        .executableTarget(name: "checkpoint-check", dependencies: ["SharedMemory", "BrazosMPI"]),
        .target(name: "ExampleOptions"),
        .executableTarget(name: "sor", dependencies: ["SharedMemory", "BrazosMPI", "BrazosCore", "Migration", "ExampleOptions"]),
        .executableTarget(name: "water", dependencies: ["SharedMemory", "BrazosMPI", "BrazosCore", "Migration", "ExampleOptions"]),
        .executableTarget(name: "migrate-check", dependencies: ["SharedMemory", "BrazosMPI", "BrazosCore", "Migration"]),
        .executableTarget(name: "migrate-bench", dependencies: ["BrazosMPI", "BrazosCore", "Migration"]),
        .executableTarget(name: "dsm-bench", dependencies: ["SharedMemory", "BrazosMPI", "BrazosCore"]),
        .testTarget(name: "BrazosCoreTests", dependencies: ["BrazosCore"]),
        .testTarget(name: "BrazosMPITests", dependencies: ["BrazosMPI"]),
        .testTarget(name: "SharedMemoryTests", dependencies: ["SharedMemory"]),
        .testTarget(name: "CheckpointTests", dependencies: ["Checkpoint"]),
        .testTarget(name: "MigrationTests", dependencies: ["Migration"]),
        .testTarget(name: "MultiNodeTests", dependencies: ["BrazosCore"]),
    ],
    swiftLanguageModes: [.v5]
)
