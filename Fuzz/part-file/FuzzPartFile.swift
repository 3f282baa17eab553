@testable import Checkpoint
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as node 1's part file of epoch 7. Odd
/// first byte: the rest as read from disk; even: the rest with its file checksum made
/// right, so that the fuzzer gets past it to the sections. Each section read lies inside
/// the file; anything else is a typed error naming the file.
@main
enum FuzzPartFile {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        guard let first = input.first else { return }
        var bytes = Array(input.dropFirst())
        if first & 1 == 0 && bytes.count >= 4 {
            let checksum = Checksum.of(bytes[0..<(bytes.count - 4)])
            for index in 0..<4 { bytes[bytes.count - 4 + index] = UInt8(truncatingIfNeeded: checksum >> (8 * index)) }
        }
        do {
            let sections = try PartFile.decode(bytes, path: "part-1.bcp", node: 1, epoch: 7)
            precondition(sections.reduce(0) { $0 + $1.payload.count } <= bytes.count)
        } catch {
            precondition("\(error)".hasPrefix("part-1.bcp"))
        }
    }
}
