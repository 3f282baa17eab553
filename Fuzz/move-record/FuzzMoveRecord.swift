@testable import BrazosMPI
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as the record of a rank moving in from a
/// peer, in a job of 4 ranks on 3 nodes. A record that decodes holds only ranks, nodes
/// and lengths the receiving engine may index and convert with, and encodes back to the
/// same bytes; anything else is a typed error, never a trap.
@main
enum FuzzMoveRecord {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        do {
            let record = try MoveRecord(decoding: bytes, ranks: 4, nodes: 3)
            precondition((0..<4).contains(record.rank) && (0..<3).contains(record.fromNode))
            precondition(record.receiveSequences.count == 4 && record.sendSequences.count == 4)
            for message in record.messages {
                precondition((0..<4).contains(Int(message.source)))
                if let rendezvous = message.rendezvous { precondition(Int(exactly: rendezvous.length) != nil && rendezvous.node < 3) }
            }
            precondition(record.encoded() == bytes)
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
