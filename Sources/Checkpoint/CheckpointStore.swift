#if canImport(Glibc)
import Glibc
#endif
import BrazosCore

/// A checkpoint directory: one subdirectory per epoch (`epoch-000042`) holding each
/// node's part (`part-K.bcp`) and, once every part is durable, the `MANIFEST`. Files are
/// written durably (temporary name, fsync, rename, directory fsync) with mode 0600.
public final class CheckpointStore: Sendable {
    /// The store's directory, holding one subdirectory per epoch.
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

    /// Opens the store at `directory`, creating it and any missing parents (mode 0700);
    /// throws `system` if it cannot.
    public init(directory: String) throws(CheckpointError) {
        self.directory = directory
        try DurableFile.makeDirectory(directory)
    }

    /// Opens the store at `directory`, which must exist: reading a mistyped path must not
    /// look like an empty store. Throws `invalid` if it is missing or not a directory.
    public init(existing directory: String) throws(CheckpointError) {
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .invalid(path: directory, reason: "no such checkpoint directory")
        }
        self.directory = directory
    }

    func epochDirectory(_ epoch: Int) -> String {
        let digits = String(epoch)
        return "\(directory)/epoch-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    static func partFile(node: Int) -> String { "part-\(node).bcp" }

    /// Writes node `node`'s part of `epoch` durably, its sections added by `fill`;
    /// returns its manifest entry.
    public func writePart(epoch: Int, node: Int, _ fill: (PartWriter) throws -> Void) throws -> Manifest.Part {
        try DurableFile.makeDirectory(epochDirectory(epoch))
        let file = Self.partFile(node: node)
        let writer = try PartWriter(path: "\(epochDirectory(epoch))/\(file)", node: node, epoch: epoch)
        try fill(writer)
        let (size, checksum) = try writer.finish()
        return Manifest.Part(node: node, file: file, size: size, checksum: checksum)
    }

    /// Writes node `node`'s part of `epoch` durably from `sections`; returns its manifest
    /// entry. Any failure is thrown as a `CheckpointError`.
    public func writePart(epoch: Int, node: Int, sections: [CheckpointSection]) throws(CheckpointError) -> Manifest.Part {
        do {
            return try writePart(epoch: epoch, node: node) { writer in for section in sections { try writer.add(section) } }
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw .invalid(path: epochDirectory(epoch), reason: "\(error)")
        }
    }

    /// Copies node `node`'s part of `epoch` from `local` (a node's own disk) into this
    /// store, durably.
    public func copyPart(epoch: Int, node: Int, from local: CheckpointStore) throws(CheckpointError) {
        try DurableFile.makeDirectory(epochDirectory(epoch))
        let file = Self.partFile(node: node)
        try DurableFile.copy("\(local.epochDirectory(epoch))/\(file)", to: "\(epochDirectory(epoch))/\(file)")
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
        guard bytes.count == part.size, PartFile.trailer(of: bytes) == part.checksum else {
            throw .invalid(path: path, reason: "size or checksum differs from the manifest's (\(bytes.count) bytes, \(part.size) expected)")
        }
        return try PartFile.decode(bytes, path: path, node: node, epoch: manifest.epoch)
    }

    /// The manifests a checkpoint is made of, oldest first: its full checkpoint, then
    /// each incremental one up to `manifest` (their parts not read).
    public func chain(of manifest: Manifest) throws(CheckpointError) -> [Manifest] {
        var chain = [manifest]
        while let base = chain[0].base {
            guard let older = try self.manifest(base) else {
                throw .invalid(path: epochDirectory(base), reason: "epoch \(chain[0].epoch) builds on epoch \(base), which has no manifest")
            }
            chain.insert(older, at: 0)
        }
        return chain
    }

    /// A complete checkpoint, read and checked: every epoch of its chain, oldest first,
    /// with every node's sections. After each part, `progress` gets the bytes read so far
    /// and the chain's total. A chain with a refused epoch (`refuse`) is refused too.
    public func read(_ epoch: Int, progress: (_ read: Int, _ total: Int) -> Void = { _, _ in })
        throws(CheckpointError) -> [(manifest: Manifest, parts: [[CheckpointSection]])] {
        guard let newest = try manifest(epoch) else { throw .invalid(path: epochDirectory(epoch), reason: "no manifest (not complete)") }
        let manifests = try chain(of: newest)
        for manifest in manifests {
            let refusal = refusalPath(manifest.epoch)
            if access(refusal, F_OK) == 0 {
                let reason = String(decoding: try DurableFile.read(refusal).prefix(1000), as: UTF8.self)
                throw .invalid(path: refusal, reason: "refused at a restart: \(reason)")
            }
        }
        let total = manifests.reduce(0) { $0 + $1.totalSize }
        var read = 0
        var checkpoint: [(manifest: Manifest, parts: [[CheckpointSection]])] = []
        for manifest in manifests {
            var parts: [[CheckpointSection]] = []
            for part in manifest.parts {
                parts.append(try readPart(manifest, node: part.node))
                read += part.size
                progress(read, total)
            }
            checkpoint.append((manifest, parts))
        }
        return checkpoint
    }

    /// Marks `epoch` unusable: its checksums match, but a node restarting from it could
    /// not decode what it holds (`reason`). `read`, and so `verify` and `newestComplete`,
    /// refuse it and every epoch that builds on it from then on.
    public func refuse(_ epoch: Int, reason: String) throws(CheckpointError) {
        try DurableFile.write(Array(reason.utf8), to: refusalPath(epoch))
    }

    private func refusalPath(_ epoch: Int) -> String { "\(epochDirectory(epoch))/REFUSED" }

    /// Where no launcher collects the part reports (a job under mpirun or srun), each node
    /// writes its report beside its part, durably, after the part; the node that
    /// coordinates reads them (`reports(of:nodes:)`).
    public func writeReport(_ report: PartReport) throws(CheckpointError) {
        try DurableFile.write(Array(report.text.utf8), to: reportPath(report.epoch, node: report.node))
    }

    /// The reports of `epoch` written so far by nodes `0..<nodes`: a report that is
    /// absent, unreadable or not a report of that node and epoch is left out (its node
    /// has not reported), never trusted.
    public func reports(of epoch: Int, nodes: Int) -> [PartReport] {
        (0..<nodes).compactMap { node in
            guard let bytes = try? DurableFile.read(reportPath(epoch, node: node)),
                  let report = try? PartReport(text: String(decoding: bytes, as: UTF8.self)),
                  report.epoch == epoch, report.node == node else { return nil }
            return report
        }
    }

    private func reportPath(_ epoch: Int, node: Int) -> String { "\(epochDirectory(epoch))/part-\(node).report" }

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
    /// and section checksums, and the same of every epoch it builds on.
    public func verify(_ epoch: Int) -> Verdict {
        do {
            guard let manifest = try manifest(epoch) else { return .incomplete("\(epochDirectory(epoch)): no manifest") }
            _ = try read(epoch)
            return .complete(manifest)
        } catch {
            return .corrupt(error.description)
        }
    }

    /// The epoch's manifest, checked on its own (not its parts); nil if it has none yet.
    public func manifest(_ epoch: Int) throws(CheckpointError) -> Manifest? {
        let path = "\(epochDirectory(epoch))/MANIFEST"
        guard access(path, F_OK) == 0 else { return nil }
        let manifest = try Manifest.decode(try DurableFile.read(path), path: path)
        guard manifest.epoch == epoch else { throw .invalid(path: path, reason: "names epoch \(manifest.epoch)") }
        return manifest
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

    /// Keeps the newest `keep` epochs that have a manifest, the epochs they build on, and
    /// anything newer (perhaps still in the making); removes the rest.
    public func prune(keeping keep: Int) throws(CheckpointError) {
        let all = epochs()
        let complete = all.compactMap { try? manifest($0) }
        guard let newest = complete.last?.epoch else { return }
        var kept = Set<Int>()
        for manifest in complete.suffix(max(keep, 1)) {
            var next: Manifest? = manifest
            while let current = next, kept.insert(current.epoch).inserted {
                next = current.base.flatMap { base in complete.first { $0.epoch == base } }
            }
        }
        for epoch in all where !kept.contains(epoch) && epoch < newest {
            try removeDirectory(epochDirectory(epoch))
        }
    }

    /// Removes every epoch older than `epoch` (a node's local copies, which have no
    /// manifests of their own).
    public func removeEpochs(before epoch: Int) {
        for old in epochs() where old < epoch { try? removeDirectory(epochDirectory(old)) }
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
