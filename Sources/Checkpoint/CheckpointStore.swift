#if canImport(Glibc)
import Glibc
#endif
import BrazosCore

/// A checkpoint directory: one subdirectory per epoch (`epoch-000042`) holding each
/// node's part (`part-K.bcp`) and, once every part is durable, the `MANIFEST`. Files are
/// written durably (temporary name, fsync, rename, directory fsync) with mode 0600.
public final class CheckpointStore: @unchecked Sendable {
    public let directory: String

    /// What an epoch's directory holds.
    public enum Verdict: Equatable, Sendable {
        /// Manifest and every part present, sizes and checksums right.
        case complete(Manifest)
        /// No manifest yet (a checkpoint still being written, or interrupted).
        case incomplete(String)
        /// Something is there but wrong: the reason names the file.
        case corrupt(String)
    }

    public init(directory: String) throws(CheckpointError) {
        self.directory = directory
        try DurableFile.makeDirectory(directory)
    }

    func epochDirectory(_ epoch: Int) -> String {
        let digits = String(epoch)
        return "\(directory)/epoch-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    static func partFile(node: Int) -> String { "part-\(node).bcp" }

    /// Writes node `node`'s part of `epoch` durably; returns its manifest entry.
    public func writePart(epoch: Int, node: Int, sections: [CheckpointSection]) throws(CheckpointError) -> Manifest.Part {
        try DurableFile.makeDirectory(epochDirectory(epoch))
        let bytes = PartFile.encode(node: node, epoch: epoch, sections: sections)
        let file = Self.partFile(node: node)
        try DurableFile.write(bytes, to: "\(epochDirectory(epoch))/\(file)")
        return Manifest.Part(node: node, file: file, size: bytes.count, digest: SHA256.hash(bytes))
    }

    /// Makes `manifest.epoch` a complete checkpoint: call only when every part is durable.
    public func writeManifest(_ manifest: Manifest) throws(CheckpointError) {
        try DurableFile.write(manifest.encoded(), to: "\(epochDirectory(manifest.epoch))/MANIFEST")
    }

    /// Node `node`'s sections of a verified epoch.
    public func readPart(_ manifest: Manifest, node: Int) throws(CheckpointError) -> [CheckpointSection] {
        guard let part = manifest.parts.first(where: { $0.node == node }) else {
            throw .invalid(path: epochDirectory(manifest.epoch), reason: "no part for node \(node)")
        }
        let path = "\(epochDirectory(manifest.epoch))/\(part.file)"
        let bytes = try DurableFile.read(path)
        guard bytes.count == part.size, SHA256.hash(bytes) == part.digest else {
            throw .invalid(path: path, reason: "size or checksum differs from the manifest's")
        }
        return try PartFile.decode(bytes, path: path, node: node, epoch: manifest.epoch)
    }

    /// The epochs present, oldest first.
    public func epochs() -> [Int] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var found: [Int] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix("epoch-"), let epoch = Int(name.dropFirst("epoch-".count)) { found.append(epoch) }
        }
        return found.sorted()
    }

    /// Checks an epoch: the manifest's checksum, then every part's size, file checksum
    /// and section checksums.
    public func verify(_ epoch: Int) -> Verdict {
        let manifestPath = "\(epochDirectory(epoch))/MANIFEST"
        guard access(manifestPath, F_OK) == 0 else { return .incomplete("\(epochDirectory(epoch)): no manifest") }
        do {
            let manifest = try Manifest.decode(try DurableFile.read(manifestPath), path: manifestPath)
            guard manifest.epoch == epoch else { return .corrupt("\(manifestPath): names epoch \(manifest.epoch)") }
            for part in manifest.parts { _ = try readPart(manifest, node: part.node) }
            return .complete(manifest)
        } catch {
            return .corrupt(error.description)
        }
    }

    /// The newest epoch that verifies, and why each newer one was passed over.
    public func newestComplete() -> (manifest: Manifest, skipped: [(epoch: Int, reason: String)])? {
        var skipped: [(epoch: Int, reason: String)] = []
        for epoch in epochs().reversed() {
            switch verify(epoch) {
            case let .complete(manifest): return (manifest, skipped)
            case let .incomplete(reason), let .corrupt(reason): skipped.append((epoch, reason))
            }
        }
        return nil
    }

    /// Keeps the newest `keep` complete epochs (and anything newer than the newest, which
    /// may be still in the making); removes the rest.
    public func prune(keeping keep: Int) throws(CheckpointError) {
        let all = epochs()
        let complete = all.filter { if case .complete = verify($0) { return true } else { return false } }
        guard let newest = complete.last else { return }
        let kept = Set(complete.suffix(max(keep, 1)))
        for epoch in all where !kept.contains(epoch) && epoch < newest {
            try removeDirectory(epochDirectory(epoch))
        }
    }

    private func removeDirectory(_ path: String) throws(CheckpointError) {
        if let stream = opendir(path) {
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != ".", name != ".." { unlink("\(path)/\(name)") }
            }
            closedir(stream)
        }
        guard rmdir(path) == 0 else { throw .system(call: "rmdir", path: path, errno: errno) }
    }
}
