import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What brazosrun and the nodes say on standard error, through swift-log: every line has a
/// level, and lines below `BRAZOS_LOG_LEVEL` (default `info`; brazosrun `--verbose`:
/// `debug`) are not written. As text (the default) a line is the message alone, as it
/// always was; with `BRAZOS_LOG_FORMAT=json` (brazosrun `--log-format json`) it is one JSON
/// object: time, level, process, pid, the node when there is one, the message, and the
/// metadata given. brazosrun sets both for its nodes.
public enum Log {
    /// How lines are written: the message as text, or one JSON object per line (`BRAZOS_LOG_FORMAT`).
    public enum Format: String, Sendable { case text, json }

    /// Read from the environment at the first line said: brazosrun sets its own
    /// variables from its options before it says anything.
    public static let logger: Logger = {
        let environment = JobConfig.environment
        let format = environment("BRAZOS_LOG_FORMAT").flatMap(Format.init(rawValue:)) ?? .text
        var logger = Logger(label: "brazos") { _ in LineLogHandler(format: format) }
        logger.logLevel = environment("BRAZOS_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }()

    /// Whether lines at `level` are written.
    public static func says(_ level: Logger.Level) -> Bool { level >= logger.logLevel }
}

/// Writes a line to standard error at once (unbuffered), at `level` (notice unless said).
public func diagnose(_ message: String, level: Logger.Level = .notice, metadata: Logger.Metadata = [:]) {
    Log.logger.log(level: level, "\(message)", metadata: metadata)
}

/// One line per message on standard error, written with a single `write` so that lines of
/// concurrent threads and processes never interleave.
struct LineLogHandler: LogHandler {
    let format: Log.Format
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text: String
        switch format {
        case .text:
            text = "\(event.message)\n"
        case .json:
            var fields: [(String, String)] = [("time", Self.timestamp()), ("level", event.level.rawValue), ("process", Self.process),
                                              ("pid", "\(getpid())")]
            if let node = Self.node { fields.append(("node", node)) }
            fields.append(("message", "\(event.message)"))
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }).sorted(by: { $0.key < $1.key }) {
                fields.append((key, "\(value)"))
            }
            text = "{" + fields.map { "\"\(Self.escaped($0.0))\":\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}\n"
        }
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    private static let node = JobConfig.environment("BRAZOS_NODE")

    private static let process: String = {
        let path = CommandLine.arguments.first ?? "?"
        return String(path.split(separator: "/").last ?? Substring(path))
    }()

    /// UTC, to the millisecond: 2026-11-23T02:08:00.123Z.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = now.tv_nsec / 1_000_000
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    private static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
