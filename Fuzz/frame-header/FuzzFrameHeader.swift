import BrazosCore
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as a frame header from a peer. A header
/// that decodes and fits a job of 4 ranks on 3 nodes keeps the promises the message
/// engine relies on; anything else is a typed error, never a trap.
@main
enum FuzzFrameHeader {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        do {
            let header = try FrameHeader.decode(from: input)
            try header.check(ranks: 4, nodes: 3)
            // What MessageEngine converts and indexes with, once decoded and checked.
            precondition(Int(exactly: header.messageLength) != nil && header.payloadLength <= FrameHeader.maximumPayload)
            precondition((0..<4).contains(Int(header.source)) && (0..<4).contains(Int(header.destination)) && header.sourceNode < 3)
            switch header.kind {
            case .eager: precondition(header.payloadLength == header.messageLength)
            case .rendezvousData, .move, .leaving, .locations: precondition(header.address + header.payloadLength <= header.messageLength)
            default: precondition(header.payloadLength == 0)
            }
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
