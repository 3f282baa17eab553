import BrazosCore

/// What an epoch's checkpoint is: which job and program it belongs to (a restart of
/// another program, other arguments or another thread count is refused), the epoch it
/// adds to if it is incremental, and its parts, each with size and CRC-32C. Written last,
/// by the coordinator, only when every part is durable: an epoch without a valid manifest
/// is not a checkpoint.
///
/// A text file, one `key value` line each, ending with the SHA-256 of the lines before:
///
///     brazos-checkpoint 1
///     epoch 42
///     job 3f2a...
///     program /path/to/sor
///     argument --size          (one line per argument, in order)
///     threads 4
///     nodes 2
///     created 1790000000
///     base 41                  (incremental: only pages changed since epoch 41)
///     part 0 part-0.bcp 1048576 <crc-32c hex>
///     checksum <sha-256 hex of everything above>
public struct Manifest: Equatable, Sendable {
    /// One node's part file, as the manifest vouches for it.
    public struct Part: Equatable, Sendable {
        /// The node that wrote it.
        public let node: Int
        /// Its file name within the epoch's directory (`part-K.bcp`).
        public let file: String
        /// Its size in bytes.
        public let size: Int
        /// CRC-32C of the whole file, but its last four bytes (which hold it).
        public let checksum: UInt32

        /// An entry with every field given.
        public init(node: Int, file: String, size: Int, checksum: UInt32) {
            self.node = node
            self.file = file
            self.size = size
            self.checksum = checksum
        }
    }

    /// The checkpoint's number, increasing over the job's life.
    public var epoch: Int
    /// The id of the job that wrote it.
    public var job: String
    /// The program's path, as brazosrun was given it; a restart must name the same one.
    public var program: String
    /// The program's arguments; a restart must give the same ones.
    public var arguments: [String]
    /// Ranks in the job (nodes times threads per node at the start); a restart must have as many.
    public var threads: Int
    /// The nodes that wrote a part: the job's, less any drained before this epoch.
    public var nodes: Int
    /// When the manifest was written, in seconds since the Unix epoch.
    public var created: Int
    /// For an incremental checkpoint, the epoch whose pages it completes.
    public var base: Int?
    /// Each writing node's part.
    public var parts: [Part]

    /// A manifest with every field given; `base` is nil for a full checkpoint.
    public init(epoch: Int, job: String, program: String, arguments: [String], threads: Int, nodes: Int, created: Int,
                base: Int? = nil, parts: [Part]) {
        self.epoch = epoch
        self.job = job
        self.program = program
        self.arguments = arguments
        self.threads = threads
        self.nodes = nodes
        self.created = created
        self.base = base
        self.parts = parts
    }

    /// Bytes in every part together.
    public var totalSize: Int { parts.reduce(0) { $0 + $1.size } }

    func encoded() -> [UInt8] {
        var lines = ["brazos-checkpoint 1", "epoch \(epoch)", "job \(Self.escape(job))", "program \(Self.escape(program))"]
        lines += arguments.map { "argument \(Self.escape($0))" }
        lines += ["threads \(threads)", "nodes \(nodes)", "created \(created)"]
        if let base { lines.append("base \(base)") }
        lines += parts.map { "part \($0.node) \($0.file) \($0.size) \(String($0.checksum, radix: 16))" }
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        return body + Self.checksumLine(of: body)
    }

    /// The line that ends a manifest whose lines before it are `body`.
    static func checksumLine(of body: [UInt8]) -> [UInt8] {
        Array("checksum \(SHA256.hash(body).hexString)\n".utf8)
    }

    static func decode(_ bytes: [UInt8], path: String) throws(CheckpointError) -> Manifest {
        func invalid(_ reason: String) -> CheckpointError { .invalid(path: path, reason: reason) }
        // The last line is the checksum of everything before it.
        guard bytes.last == UInt8(ascii: "\n"), let lastBreak = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n")) else {
            throw invalid("no checksum line (truncated?)")
        }
        let body = Array(bytes[...lastBreak])
        let last = bytes[(lastBreak + 1)...]
        guard last.starts(with: "checksum ".utf8) else { throw invalid("no checksum line (truncated?)") }
        guard last.elementsEqual(checksumLine(of: body)) else { throw invalid("checksum does not match (corrupt)") }
        var manifest = Manifest(epoch: -1, job: "", program: "", arguments: [], threads: 0, nodes: 0, created: 0, parts: [])
        let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        guard lines.first == "brazos-checkpoint 1" else { throw invalid("not a Brazos checkpoint manifest") }
        for line in lines.dropFirst() {
            let key = line.prefix { $0 != " " }
            let value = String(line.dropFirst(key.count + 1))
            switch key {
            case "epoch": manifest.epoch = Int(value) ?? -1
            case "job": manifest.job = Self.unescape(value)
            case "program": manifest.program = Self.unescape(value)
            case "argument": manifest.arguments.append(Self.unescape(value))
            case "threads": manifest.threads = Int(value) ?? 0
            case "nodes": manifest.nodes = Int(value) ?? 0
            case "created": manifest.created = Int(value) ?? 0
            case "base":
                guard let base = Int(value), base < manifest.epoch else { throw invalid("bad base '\(value)'") }
                manifest.base = base
            case "part":
                let fields = value.split(separator: " ")
                guard fields.count == 4, let node = Int(fields[0]), node >= 0, let size = Int(fields[2]), size >= 0,
                      let checksum = UInt32(fields[3], radix: 16) else {
                    throw invalid("malformed part line '\(line)'")
                }
                // The name is opened inside the epoch's directory: nothing may lead out of it.
                guard !fields[1].contains("/"), fields[1] != ".", fields[1] != ".." else { throw invalid("part file '\(fields[1])' outside the epoch") }
                manifest.parts.append(Part(node: node, file: String(fields[1]), size: size, checksum: checksum))
            default:
                throw invalid("unknown line '\(line)'")
            }
        }
        guard manifest.epoch >= 0, manifest.threads > 0, manifest.nodes > 0, manifest.parts.count == manifest.nodes,
              Set(manifest.parts.map(\.node)).count == manifest.nodes else {
            throw invalid("incomplete manifest (epoch \(manifest.epoch), \(manifest.parts.count) parts for \(manifest.nodes) nodes)")
        }
        return manifest
    }

    /// Values may hold anything but a newline; `%` and newlines are escaped.
    private static func escape(_ text: String) -> String {
        text.replacing("%", with: "%25").replacing("\n", with: "%0A")
    }

    private static func unescape(_ text: String) -> String {
        text.replacing("%0A", with: "\n").replacing("%25", with: "%")
    }
}
