@testable import BrazosMPI
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as a window message from another node. A
/// message that decodes carries exactly the data its kind announces, runs that cover it,
/// and encodes to bytes that decode to the same message; applied to a 64-byte window it
/// touches nothing outside it (a run outside is refused). Anything else is a typed error,
/// never a trap.
@main
enum FuzzWindowMessage {
    // One buffer for every input: libFuzzer calls the target from one thread.
    nonisolated(unsafe) static let memory = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 16)

    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        do {
            let (message, data) = try WindowMessage.decode(input)
            precondition(data.count == message.carriedBytes)
            if message.kind.touchesMemory { precondition(message.runs.reduce(0) { $0 + $1.length } == message.dataLength) }
            let original = Array(data)
            message.encoded(data: data).withUnsafeBytes { bytes in
                do {
                    let (decoded, carried) = try WindowMessage.decode(bytes)
                    precondition(decoded == message && Array(carried) == original)
                } catch {
                    preconditionFailure("the re-encoded message is refused: \(error)")
                }
            }
            guard message.kind.touchesMemory else { return }
            let window = WindowMemory(base: memory, size: 64, displacementUnit: 1, flavor: .create)
            for run in message.runs where run.length > 0 {
                guard let address = window.address(of: run) else { continue }
                precondition(address >= memory && address + run.length <= memory + 64)
            }
        } catch {
            precondition(!"\(error)".isEmpty)
        }
    }
}
