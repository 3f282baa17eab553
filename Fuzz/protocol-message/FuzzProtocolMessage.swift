@testable import BrazosSharedMemory
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as a message between two nodes'
/// shared-memory services, header then payload, read as the service reads it for a
/// region of 64 pages: the header, the payload as words and as write notices, a diff
/// applied to a page. Each step gives values the service may index with, or a typed
/// error, never a trap.
@main
enum FuzzProtocolMessage {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        let bytes = Array(input)
        let pageCount = 64
        do {
            let header = try ProtocolMessage.header(decoding: Array(bytes.prefix(ProtocolMessage.headerSize)), maximumPayload: PeerChannel.maximumPayload)
            precondition(header.page >= 0 && (0...PeerChannel.maximumPayload).contains(header.payloadLength))
            let message = ProtocolMessage(kind: header.kind, page: header.page, payload: Array(bytes.dropFirst(ProtocolMessage.headerSize).prefix(header.payloadLength)))
            switch message.kind {
            case .diff:
                let page = UnsafeMutableRawPointer.allocate(byteCount: SharedRegion.pageSize, alignment: 64)
                defer { page.deallocate() }
                page.initializeMemory(as: UInt8.self, repeating: 0, count: SharedRegion.pageSize)
                try PageDiff.apply(message.payload, to: page)
            case .lockRelease:
                let pages = try message.pages(below: pageCount)
                precondition(pages.allSatisfy { (0..<pageCount).contains($0) })
            default:
                let words = try message.words()
                precondition(words.allSatisfy { $0 >= 0 })
            }
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
