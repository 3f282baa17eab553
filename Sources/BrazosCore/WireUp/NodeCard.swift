/// What a node tells the others at wire-up: how to reach it by TCP, whether it shares a
/// host with them (same boot and network namespace), and its shared-memory segment.
public struct NodeCard: Equatable, Sendable {
    /// The node's number.
    public var node: Int
    /// The node's process id; shared-memory peers read its memory for rendezvous pulls.
    public var pid: Int32
    /// `HostIdentity.key` of its host: equal keys mean the nodes can share memory.
    public var hostKey: String
    /// Its host name, for messages.
    public var hostName: String
    /// IPv4 address its listener is reachable on.
    public var address: String
    /// TCP port of its listener.
    public var port: UInt16
    /// Name of its shared-memory segment, or `-` when it has none (TCP only).
    public var segment: String
    /// Ranks this node hosts when the job starts; the rank directory is built from these.
    public var ranks: [Int]

    /// A card with every field given.
    public init(node: Int, pid: Int32, hostKey: String, hostName: String, address: String, port: UInt16, segment: String, ranks: [Int]) {
        self.node = node
        self.pid = pid
        self.hostKey = hostKey
        self.hostName = hostName
        self.address = address
        self.port = port
        self.segment = segment
        self.ranks = ranks
    }

    /// `key=value` pairs separated by `;`; no field may contain `;`, `=` or `|`.
    public var encoded: String {
        let ranksText = ranks.map(String.init).joined(separator: ",")
        return "node=\(node);pid=\(pid);hostkey=\(hostKey);hostname=\(hostName);address=\(address);port=\(port);segment=\(segment);ranks=\(ranksText)"
    }

    /// Parses a card as `encoded` writes it; throws `malformed` for a missing field or a bad number.
    public init(parsing text: Substring) throws(BrazosError) {
        var fields: [Substring: Substring] = [:]
        for pair in text.split(separator: ";") {
            guard let equals = pair.firstIndex(of: "=") else { throw .malformed("node card field '\(pair)'") }
            fields[pair[..<equals]] = pair[pair.index(after: equals)...]
        }
        func field(_ key: Substring) throws(BrazosError) -> String {
            guard let value = fields[key] else { throw .malformed("node card lacks '\(key)': \(text)") }
            return String(value)
        }
        guard let node = Int(try field("node")), node >= 0, let pid = Int32(try field("pid")),
              let port = UInt16(try field("port")) else {
            throw .malformed("node card with a bad number: \(text)")
        }
        var ranks: [Int] = []
        for item in try field("ranks").split(separator: ",") {
            guard let rank = Int(item), rank >= 0 else { throw .malformed("node card rank '\(item)'") }
            ranks.append(rank)
        }
        self.init(node: node, pid: pid, hostKey: try field("hostkey"), hostName: try field("hostname"),
                  address: try field("address"), port: port, segment: try field("segment"), ranks: ranks)
    }

    /// Every card encoded, separated by `|` (the launcher's `peers` message).
    public static func encodeTable(_ cards: [NodeCard]) -> String { cards.map(\.encoded).joined(separator: "|") }

    /// Parses a table written by `encodeTable`; throws `malformed` if any card is.
    public static func decodeTable(_ text: Substring) throws(BrazosError) -> [NodeCard] {
        var cards: [NodeCard] = []
        for part in text.split(separator: "|") { cards.append(try NodeCard(parsing: part)) }
        return cards
    }
}
