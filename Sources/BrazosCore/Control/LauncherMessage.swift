/// What brazosrun tells a node on its control connection (docs/ARCHITECTURE.md, "The
/// control protocol").
public enum LauncherMessage: ControlMessage {
    /// Every node's card, indexed by node (for a joining node, those that left too).
    case peers([NodeCard])
    /// To a joining node: the nodes in the job now.
    case members([Int])
    /// Every node has its links up: run.
    case go
    /// Another node failed: stop at once.
    case failed(NodeFailure)
    /// Every node is done (or this one drained): leave.
    case exit
    /// Move this node's threads away at the job's next eligible barrier (`brazosrun drain`).
    case drain(node: Int)
    /// A node is joining (its card): accept its connections, reach it through shared
    /// memory if it is on this host, and answer `expecting`.
    case joining(NodeCard)
    /// The joining node is connected to every node: admit it at the next eligible barrier.
    case admit(node: Int)
    /// To a node still waiting to be admitted when the job ended: nothing is left to join.
    case unneeded
    /// After a planned stop, every node's checkpoint is written: exit now.
    case stop
    /// What the job's checkpoints should do from now on.
    case request(LauncherRequest)

    public func encode() -> String {
        switch self {
        case let .peers(cards): return ControlLine.join("peers", NodeCard.encodeTable(cards))
        case let .members(nodes): return ControlLine.join("members", nodes.map(String.init).joined(separator: ","))
        case .go: return "go"
        case let .failed(failure): return ControlLine.join("failed", failure.description)
        case .exit: return "exit"
        case let .drain(node): return "drain \(node)"
        case let .joining(card): return ControlLine.join("joining", card.encoded)
        case let .admit(node): return "admit \(node)"
        case .unneeded: return "unneeded"
        case .stop: return "stop"
        case .request(.checkpoint): return "checkpoint"
        case .request(.plannedStop): return "shutdown"
        case let .request(.interval(seconds)): return "interval \(seconds ?? 0)"
        }
    }

    public static func decode(_ line: Substring) throws(ControlMessageError) -> LauncherMessage {
        let message = ControlLine(line)
        switch message.verb {
        case "peers":
            do {
                return .peers(try NodeCard.decodeTable(message.text))
            } catch {
                throw .malformed(verb: "peers", reason: "holds a card that does not parse: \(error)")
            }
        case "members": return .members(try nodeList(message))
        case "go": return try message.noText(.go)
        case "failed": return .failed(try NodeFailure(parsing: message.text))
        case "exit": return try message.noText(.exit)
        case "drain": return .drain(node: try node(message))
        case "joining":
            do {
                return .joining(try NodeCard(parsing: message.text))
            } catch {
                throw .malformed(verb: "joining", reason: "its card does not parse: \(error)")
            }
        case "admit": return .admit(node: try node(message))
        case "unneeded": return try message.noText(.unneeded)
        case "stop": return try message.noText(.stop)
        case "checkpoint": return try message.noText(.request(.checkpoint))
        case "shutdown": return try message.noText(.request(.plannedStop))
        case "interval":
            var fields = message.fields()
            let seconds = try fields.seconds("an interval in seconds")
            try fields.end()
            return .request(.interval(seconds: seconds > 0 ? seconds : nil))
        case let verb where NodeMessage.verbs.contains(verb): throw .wrongDirection(verb)
        case let verb: throw .unknownVerb(verb)
        }
    }

    static let verbs: Set<String> = ["peers", "members", "go", "failed", "exit", "drain", "joining", "admit", "unneeded", "stop",
                                     "checkpoint", "shutdown", "interval"]

    private static func node(_ message: ControlLine) throws(ControlMessageError) -> Int {
        var fields = message.fields()
        let node = try fields.integer("a node")
        try fields.end()
        return node
    }

    /// Nodes separated by commas; none when the text is empty.
    private static func nodeList(_ message: ControlLine) throws(ControlMessageError) -> [Int] {
        guard !message.text.isEmpty else { return [] }
        var nodes: [Int] = []
        for item in message.text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let node = Int(item), node >= 0 else {
                throw .malformed(verb: message.verb, reason: "lists '\(item.prefix(32))', not a node")
            }
            nodes.append(node)
        }
        return nodes
    }
}

/// What brazosrun asks of a running job's checkpoints; the shared-memory layer acts on it.
public enum LauncherRequest: Equatable, Sendable {
    /// A checkpoint at the next eligible barrier (SIGUSR1 to brazosrun, `brazosrun checkpoint`).
    case checkpoint
    /// A checkpoint at the next eligible barrier, then a clean stop (SIGTERM or SIGPWR).
    case plannedStop
    /// Seconds between checkpoints from now on; nil: only when asked (the configuration
    /// file changed).
    case interval(seconds: Double?)
}
