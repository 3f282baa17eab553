@testable import Checkpointing
import Checkpoint
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as one section of epoch 7, decoded as a
/// restarting node of a job of 4 ranks with a region of 64 pages decodes it. Byte 0 picks
/// the section (`thread R`, `files R`, `messages R`, `pages grid`, or a name that is the
/// rest of the input), byte 1 is R (signed); the rest is the payload, where a pages
/// section gets `byte 1 & 3` whole pages after its first 8 bytes (too long for the
/// fuzzer to write itself). What decodes names ranks of the job and pages inside the
/// region, and messages encode back to their bytes; the rest is a typed error naming
/// the epoch and the section.
@main
enum FuzzCheckpointSections {
    static func main() { runFuzzer(test) }

    static let ranks = 4, regionPages = 64

    static func test(_ input: UnsafeRawBufferPointer) {
        guard let section = section(Array(input)) else { return }
        let manifest = Manifest(epoch: 7, job: "j", program: "p", arguments: [], threads: ranks, nodes: 1, created: 0, parts: [])
        do {
            var restored = try RestoredCheckpoint([(manifest, [[section]])], ranks: ranks, regionPages: regionPages)
            for rank in Array(restored.states.keys) + Array(restored.files.keys) + Array(restored.messages.keys) {
                precondition((0..<ranks).contains(rank))
            }
            for records in restored.files.values { precondition(records.allSatisfy { $0.offset >= 0 && $0.size >= 0 }) }
            for messages in restored.messages.values {
                precondition(messages.allSatisfy { (0..<ranks).contains(Int($0.source)) })
                precondition(SavedSection.encode(messages) == section.payload)
            }
            for run in restored.takePages().values.joined() {
                let pages = run.bytes.count / SavedSection.pageSize
                precondition(run.bytes.count % SavedSection.pageSize == 0 && run.first >= 0 && run.first + pages <= regionPages)
            }
        } catch {
            precondition("\(error)".hasPrefix("epoch 7, section "))
        }
    }

    /// The input as the section it stands for; nil below two bytes.
    static func section(_ bytes: [UInt8]) -> CheckpointSection? {
        guard bytes.count >= 2 else { return nil }
        let rank = Int8(bitPattern: bytes[1])
        let payload = Array(bytes.dropFirst(2))
        switch bytes[0] % 7 {
        case 0: return CheckpointSection(name: "thread \(rank)", payload: payload)
        case 5: return CheckpointSection(name: "protected \(rank)", payload: payload)
        case 6: return CheckpointSection(name: "protected \(rank) \(Int8(bitPattern: bytes[0]) >> 3)", payload: payload)
        case 1: return CheckpointSection(name: "files \(rank)", payload: payload)
        case 2: return CheckpointSection(name: "messages \(rank)", payload: payload)
        case 3:
            let pages = [UInt8](repeating: 0x5A, count: Int(bytes[1] & 3) * SavedSection.pageSize)
            return CheckpointSection(name: "pages grid", payload: Array(payload.prefix(8)) + pages + payload.dropFirst(8))
        default: return CheckpointSection(name: String(decoding: payload, as: UTF8.self), payload: [])
        }
    }
}
