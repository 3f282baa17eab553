/// What a node tells the others at wire-up: how to reach it by TCP, whether it shares a
/// host with them (same boot and network namespace), and its shared-memory segment.
public struct NodeCard: Equatable, Sendable {
    public var node: Int
    public var pid: Int32
    public var hostKey: String
    public var hostName: String
    public var address: String
    public var port: UInt16
    public var segment: String
    /// Ranks this node hosts when the job starts; the rank directory is built from these.
    public var ranks: [Int]

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

    public static func encodeTable(_ cards: [NodeCard]) -> String { cards.map(\.encoded).joined(separator: "|") }

    public static func decodeTable(_ text: Substring) throws(BrazosError) -> [NodeCard] {
        var cards: [NodeCard] = []
        for part in text.split(separator: "|") { cards.append(try NodeCard(parsing: part)) }
        return cards
    }
}
