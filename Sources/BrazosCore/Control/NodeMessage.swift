#if canImport(Glibc)
import Glibc
#endif

/// What a node tells brazosrun on its control connection (docs/ARCHITECTURE.md, "The
/// control protocol").
public enum NodeMessage: ControlMessage {
    /// The node's card: how to reach it (wire-up).
    case hello(NodeCard)
    /// Its links are up.
    case ready
    /// Its part of the job is over; it waits for `exit`.
    case done
    /// It is alive, with what the layers above say of it (`threads`, `arrivals`,
    /// `barriers`), for `brazosrun status`. Keys are words without `=`.
    case heartbeat([String: Int])
    /// It accepts the connections of this joining node.
    case expecting(node: Int)
    /// Joining: its first thread arrived.
    case admitted
    /// At log level debug: a rank arrived here.
    case moved(rank: Int, from: Int, to: Int)
    /// It got this signal (SIGTERM or SIGPWR) from outside: save the job and continue it
    /// without this host.
    case signalled(signal: Int32)
    /// Its threads and pages are on the other nodes; it waits for `exit`.
    case drained
    /// Its part of a checkpoint is durable.
    case partWritten(PartReport)
    /// It could not write its part of `epoch`: that checkpoint stays incomplete.
    case partFailed(epoch: Int, node: Int, reason: String)
    /// At a restart: it has read checkpoint `epoch`, `bytes` of it, in `milliseconds`.
    case restored(epoch: Int, bytes: Int, milliseconds: Double)
    /// In a planned stop: its part of checkpoint `epoch` is written; it waits for `stop`.
    case stopping(epoch: Int)

    public func encode() -> String {
        switch self {
        case let .hello(card): return ControlLine.join("hello", card.encoded)
        case .ready: return "ready"
        case .done: return "done"
        case let .heartbeat(report):
            return ControlLine.join("heartbeat", report.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        case let .expecting(node): return "expecting \(node)"
        case .admitted: return "admitted"
        case let .moved(rank, from, to): return "moved \(rank) \(from) \(to)"
        case let .signalled(signal): return ControlLine.join("signalled", signalName(signal))
        case .drained: return "drained"
        case let .partWritten(report): return ControlLine.join("part", report.text)
        case let .partFailed(epoch, node, reason): return ControlLine.join("part-failed", "\(epoch) \(node) \(reason)")
        case let .restored(epoch, bytes, milliseconds): return "restored \(epoch) \(bytes) \(milliseconds)"
        case let .stopping(epoch): return "stopping \(epoch)"
        }
    }

    public static func decode(_ line: Substring) throws(ControlMessageError) -> NodeMessage {
        let message = ControlLine(line)
        var fields = message.fields()
        switch message.verb {
        case "hello":
            do {
                return .hello(try NodeCard(parsing: message.text))
            } catch {
                throw .malformed(verb: "hello", reason: "holds a card that does not parse: \(error)")
            }
        case "ready": return try message.noText(.ready)
        case "done": return try message.noText(.done)
        case "heartbeat": return .heartbeat(try report(message))
        case "expecting":
            let node = try fields.integer("a node")
            try fields.end()
            return .expecting(node: node)
        case "admitted": return try message.noText(.admitted)
        case "moved":
            let rank = try fields.integer("a rank"), from = try fields.integer("a node"), to = try fields.integer("a node")
            try fields.end()
            return .moved(rank: rank, from: from, to: to)
        case "signalled":
            guard let signal = signalNumber(named: message.text) else {
                throw .malformed(verb: "signalled", reason: "names no signal: '\(message.text.prefix(32))'")
            }
            return .signalled(signal: signal)
        case "drained": return try message.noText(.drained)
        case "part": return .partWritten(try PartReport(&fields))
        case "part-failed":
            let epoch = try fields.integer("an epoch"), node = try fields.integer("a node")
            return .partFailed(epoch: epoch, node: node, reason: String(fields.rest()))
        case "restored":
            let epoch = try fields.integer("an epoch"), bytes = try fields.integer("a size"), milliseconds = try fields.seconds("a time")
            try fields.end()
            return .restored(epoch: epoch, bytes: bytes, milliseconds: milliseconds)
        case "stopping":
            let epoch = try fields.integer("an epoch")
            try fields.end()
            return .stopping(epoch: epoch)
        case let verb where LauncherMessage.verbs.contains(verb): throw .wrongDirection(verb)
        case let verb: throw .unknownVerb(verb)
        }
    }

    static let verbs: Set<String> = ["hello", "ready", "done", "heartbeat", "expecting", "admitted", "moved", "signalled", "drained",
                                     "part", "part-failed", "restored", "stopping"]

    /// `key=value` words, each key once.
    private static func report(_ message: ControlLine) throws(ControlMessageError) -> [String: Int] {
        var report: [String: Int] = [:]
        guard !message.text.isEmpty else { return report }
        for word in message.text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex, let value = Int(word[word.index(after: equals)...]),
                  report.updateValue(value, forKey: String(word[..<equals])) == nil else {
                throw .malformed(verb: "heartbeat", reason: "says '\(word.prefix(64))', not a new key=integer")
            }
        }
        return report
    }
}
