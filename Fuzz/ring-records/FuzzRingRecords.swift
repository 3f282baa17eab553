import BrazosCore
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as a shared-memory ring a peer wrote,
/// tail word included. Draining it hands over only frames whose bytes lie inside the
/// ring, stops after one ring's worth, and reports anything else as a typed error;
/// AddressSanitizer catches a read past the ring.
@main
enum FuzzRingRecords {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        let capacity = 1024
        let footprint = ShmRing.footprint(capacity: capacity)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: footprint, alignment: 64)
        defer { memory.deallocate() }
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: footprint)
        if let bytes = input.baseAddress { memory.copyMemory(from: bytes, byteCount: min(input.count, footprint)) }
        let ring = ShmRing(base: memory, capacity: capacity)
        let records = UnsafeRawPointer(memory + ShmRing.headerSize)
        do {
            _ = try ring.drain { header, payload in
                precondition(payload.count == Int(header.payloadLength))
                if let start = payload.baseAddress {
                    precondition(start >= records && start + payload.count <= records + capacity)
                }
                // Copied (through memcpy, which AddressSanitizer checks) as the engine would.
                precondition(Array(payload).count == payload.count)
            }
        } catch {
            precondition(!"\(error)".isEmpty)
        }
        _ = ring.hasData
    }
}
