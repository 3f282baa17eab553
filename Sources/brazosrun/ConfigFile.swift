#if canImport(Glibc)
import Glibc
#endif
import BrazosCore

/// A job's configuration file (`brazosrun --config FILE`): one `name value` line per
/// setting, names as brazosrun's options without the dashes, `#` starting a comment.
///
///     checkpoint-dir /shared/ckpt
///     checkpoint-every 30s
///     keep-checkpoints 3
enum ConfigFile {
    static func read(_ path: String) throws(BrazosError) -> [(name: String, value: String?)] {
        guard let file = fopen(path, "r") else { throw .lastSystemError("open configuration file \(path)") }
        defer { fclose(file) }
        var settings: [(name: String, value: String?)] = []
        var line = [CChar](repeating: 0, count: 4096)
        var number = 0
        while fgets(&line, Int32(line.count), file) != nil {
            number += 1
            let text = String(cString: line).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            guard let name = words.first else { continue }
            guard words.count <= 2 else { throw .configuration("\(path):\(number): '\(text.trimmingNewline)' has more than a name and a value") }
            settings.append((String(name), words.count == 2 ? String(words[1]) : nil))
        }
        return settings
    }

    /// What tells one version of the file from the next: its inode (an editor's or an
    /// atomic write makes a new one), size and modification time (coarse: two writes in
    /// one clock tick may share it).
    static func version(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}

private extension Substring {
    var trimmingNewline: Substring { hasSuffix("\n") ? dropLast() : self }
}
