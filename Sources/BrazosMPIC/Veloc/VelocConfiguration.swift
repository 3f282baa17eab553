import FoundationEssentials

/// VeloC's configuration file (`VELOC_Init`): `key = value` lines; blank lines, lines that
/// start with `#` or `;`, and `[section]` headers are passed over. What Brazos does with
/// each key (docs/C-ABI.md, "VeloC"): `persistent` and `scratch` name the checkpoint
/// directories, which brazosrun's `--checkpoint-dir` and `--local-checkpoint-dir` decide;
/// `mode = sync` waits at each checkpoint until it is written; `max_versions` is
/// brazosrun's `--keep-checkpoints`. The others mean nothing here and are noted.
struct VelocConfiguration: Equatable {
    /// Where VeloC would keep checkpoints that outlive the job.
    var persistent: String?
    /// Node-local storage: where routed files are written when brazosrun gives no local
    /// checkpoint directory.
    var scratch: String?
    /// `mode = sync`: each checkpoint returns once written.
    var waitsForEachCheckpoint = false
    var maxVersions: Int?
    /// What the program should know: keys with no effect here, unknown keys.
    var notes: [String] = []

    /// VeloC's keys that mean nothing to Brazos, and why.
    private static let withoutEffect: [String: String] = [
        "ec_interval": "Brazos keeps no erasure codes",
        "persistent_interval": "every checkpoint is written to the checkpoint directory",
        "axl_type": "Brazos writes its checkpoints itself",
        "meta": "the checkpoint directory holds the manifests",
        "chksum": "every section is checksummed anyway",
        "watchdog": "brazosrun watches the nodes",
        "failure_domain": "brazosrun places the nodes",
        "scratch_versions": "brazosrun's --keep-checkpoints counts the kept checkpoints",
        "persistent_versions": "brazosrun's --keep-checkpoints counts the kept checkpoints",
    ]

    /// The configuration in `text` (from file `path`, for messages).
    init(parsing text: String, path: String) throws(VelocFailure) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || line.hasPrefix("[") && line.hasSuffix("]") { continue }
            let place = "\(path), line \(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw VelocFailure("\(place): \(String(line.prefix(80)).debugDescription) is not `key = value`")
            }
            let key = trimmed(line[..<equals])
            let value = trimmed(line[line.index(after: equals)...])
            guard !key.isEmpty, !value.isEmpty else { throw VelocFailure("\(place): a key and a value are needed on each side of `=`") }
            switch key {
            case "persistent": persistent = value
            case "scratch": scratch = value
            case "mode":
                switch value {
                case "sync": waitsForEachCheckpoint = true
                case "async": waitsForEachCheckpoint = false
                default: throw VelocFailure("\(place): mode is sync or async, not \(String(value.prefix(80)).debugDescription)")
                }
            case "max_versions":
                guard let count = Int(value), count >= 0 else {
                    throw VelocFailure("\(place): max_versions is a count of checkpoints, not \(String(value.prefix(80)).debugDescription)")
                }
                maxVersions = count
            default:
                if let why = Self.withoutEffect[key] {
                    notes.append("\(place): \(key) has no effect: \(why)")
                } else {
                    notes.append("\(place): unknown key \(String(key.prefix(80)).debugDescription), ignored")
                }
            }
        }
    }

    /// The configuration in file `path`.
    init(file path: String) throws(VelocFailure) {
        let text: String
        do {
            text = try String(decoding: Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        } catch {
            throw VelocFailure("cannot read the configuration file \(path): \(error)")
        }
        try self.init(parsing: text, path: path)
    }
}

private func trimmed(_ text: some StringProtocol) -> String {
    String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
}

/// Why a VeloC call returns `VELOC_FAILURE`: said on standard error, as VeloC does.
struct VelocFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
