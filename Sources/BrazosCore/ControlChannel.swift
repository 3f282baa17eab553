#if canImport(Glibc)
import Glibc
#endif

/// The line protocol between a node and `brazosrun` over the authenticated control
/// connection. Each message is one line, a verb and its text:
///
///   node -> launcher: `hello <card>`, `ready`, `done`, `heartbeat` (every period)
///   launcher -> node: `peers <card>|<card>|...`, `go`, `failed <node> <reason>`
public final class ControlChannel {
    /// The authenticated connection to `brazosrun`.
    public let socket: Socket
    private var pending: [UInt8] = []
    /// Sends come from the node's main thread and its heartbeat thread.
    private let sendLock = PthreadMutex()

    /// Wraps a socket that has already passed the `Handshake` as a control connection.
    public init(socket: Socket) { self.socket = socket }

    /// Sends one message line; `verb` must not contain a space nor `text` a newline.
    /// Safe to call from several threads at once.
    public func send(_ verb: String, _ text: String = "") throws(BrazosError) {
        precondition(!verb.contains(" ") && !text.contains("\n"))
        sendLock.lock()
        defer { sendLock.unlock() }
        try socket.writeAll(Array((text.isEmpty ? verb : verb + " " + text).utf8) + [10])
    }

    /// The next message; throws `peerLost` when the connection closes.
    public func receive() throws(BrazosError) -> (verb: String, text: Substring) {
        while true {
            if let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                let space = line.firstIndex(of: " ") ?? line.endIndex
                let text = space == line.endIndex ? Substring("") : line[line.index(after: space)...]
                return (String(line[..<space]), text)
            }
            guard pending.count < 16 << 20 else { throw .malformed("control line longer than 16 MiB") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(socket.descriptor, $0.baseAddress!, $0.count, 0) }
            if n == 0 { throw .peerLost(node: -1, reason: "control connection closed") }
            if n < 0 {
                if errno == EINTR { continue }
                throw .lastSystemError("recv(control)")
            }
            pending += chunk[0..<n]
        }
    }

    /// Receives the next message and checks its verb.
    public func expect(_ verb: String) throws(BrazosError) -> Substring {
        let (got, text) = try receive()
        if got == "failed" { throw .peerLost(node: Int(text.prefix { $0 != " " }) ?? -1, reason: String(text)) }
        guard got == verb else { throw .malformed("expected '\(verb)' from the launcher, got '\(got)'") }
        return text
    }
}
