#if canImport(Glibc)
import Glibc
#endif

/// Reads only some sections of a part file, seeking past the others: a restarting node
/// reads the sections of the ranks it hosts and the shared pages, not every node's
/// buffers. The format is walked as `PartFile.decode` walks it (`PartFile.sections`), so
/// every length is checked against the file and every section read against its own
/// checksum; of the whole file, only its size and last 4 bytes are checked, against the
/// manifest: the file's own checksum, which would need every byte, is left to `verify`.
enum SelectivePartReader {
    static func read(path: String, size: Int, checksum: UInt32, node: Int, epoch: Int,
                     wanting wanted: (String) -> Bool) throws(CheckpointError) -> [CheckpointSection] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(call: "open", path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .system(call: "fstat", path: path, errno: errno) }
        guard Int(info.st_size) == size else {
            throw .invalid(path: path, reason: "size differs from the manifest's (\(info.st_size) bytes, \(size) expected)")
        }
        let source = PartOnDisk(path: path, descriptor: descriptor, size: size, checksum: checksum)
        return try PartFile.sections(in: source, node: node, epoch: epoch, wanting: wanted)
    }
}

/// An open part file read with `pread` where the walker asks, checked as a whole only
/// against its manifest entry (size, checked at open, and last checksum).
private struct PartOnDisk: PartSource {
    let path: String
    let descriptor: Int32
    let size: Int
    /// The file checksum its manifest records.
    let checksum: UInt32

    func bytes(at position: Int, count: Int) throws(CheckpointError) -> ArraySlice<UInt8> {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(position + done)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw got < 0 ? .system(call: "pread", path: path, errno: errno) : .invalid(path: path, reason: "ends early") }
            done += got
        }
        return bytes[...]
    }

    func checkWhole() throws(CheckpointError) {
        guard PartFile.trailer(of: try bytes(at: size - 4, count: 4)) == checksum else {
            throw .invalid(path: path, reason: "file checksum differs from the manifest's")
        }
    }
}
