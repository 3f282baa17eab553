@testable import Checkpoint
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as an epoch's MANIFEST. Odd first byte:
/// the rest as read from disk; even: the rest as the lines above a checksum line made
/// right, so that the fuzzer gets past the SHA-256 to the fields. A manifest that decodes
/// is complete and encodes back to one that decodes the same; anything else is a typed
/// error naming the file.
@main
enum FuzzManifest {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        var bytes = Array(input.dropFirst())
        if first & 1 == 0 {
            if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
            bytes += Manifest.checksumLine(of: bytes)
        }
        do {
            let manifest = try Manifest.decode(bytes, path: "MANIFEST")
            precondition(manifest.epoch >= 0 && manifest.parts.count == manifest.nodes && manifest.parts.allSatisfy { !$0.file.contains("/") })
            let again = try Manifest.decode(manifest.encoded(), path: "MANIFEST")
            precondition(again == manifest, "the manifest changed on its way through encoding")
        } catch {
            precondition("\(error)".hasPrefix("MANIFEST"))
        }
    }
}
