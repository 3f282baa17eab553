import Foundation

/// The inputs kept under Tests/FuzzRegressions/<target>/, by file name: each one a fuzz
/// target of scripts/fuzz found to crash a decoder (the tests replay them after the fix).
func fuzzRegressionInputs(_ target: String) -> [(name: String, bytes: [UInt8])] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzRegressions").appendingPathComponent(target)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted().compactMap { name in
        FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map { (name, [UInt8]($0)) }
    }
}
