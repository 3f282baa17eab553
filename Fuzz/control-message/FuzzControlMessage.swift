import BrazosCore
import FuzzDriver

/// A libFuzzer target (scripts/fuzz): the bytes as one line of the control protocol,
/// read as a node reads the launcher's lines and as brazosrun reads a node's. Each read
/// gives a message, or a typed error, never a trap; a message read from a line without
/// line breaks encodes to a line that reads back as the same message.
@main
enum FuzzControlMessage {
    static func main() { runFuzzer(test) }

    static func test(_ input: UnsafeRawBufferPointer) {
        let line = String(decoding: input, as: UTF8.self)[...]
        let oneLine = !line.contains(where: \.isNewline)
        if let message = try? LauncherMessage.decode(line), oneLine {
            precondition((try? LauncherMessage.decode(message.encode()[...])) == message, "launcher message does not round-trip: \(line)")
        }
        if let message = try? NodeMessage.decode(line), oneLine {
            precondition((try? NodeMessage.decode(message.encode()[...])) == message, "node message does not round-trip: \(line)")
        }
    }
}
