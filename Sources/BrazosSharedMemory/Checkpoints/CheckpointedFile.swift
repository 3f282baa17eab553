import Checkpointing
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A file a rank opened through the runtime (`SharedMemory.openFile`): each checkpoint
/// records its path, mode, offset and size (after an fsync, unless told not to), and a
/// restarted rank that opens the same path again gets it back as it was then: cut to
/// that size and positioned at that offset, so what it writes after the checkpoint
/// replaces what the lost run wrote, and nothing appears twice.
public final class CheckpointedFile: Sendable {
    /// How the file is opened; a restart must open it the same way.
    public typealias Mode = FileMode
    /// What a checkpoint keeps of an open file.
    typealias Record = FileRecord

    /// The path as the rank gave it.
    public let path: String
    /// How the file was opened.
    public let mode: Mode
    /// Whether each checkpoint makes the file's contents durable first (fsync).
    public let flushesAtCheckpoint: Bool
    /// -1 once closed. Atomic because a program may hand the file to another thread, and
    /// a close must take the descriptor only once.
    private let openDescriptor: Atomic<Int32>
    private var descriptor: Int32 { openDescriptor.load(ordering: .relaxed) }

    /// Opens `path` afresh, or, given the record a checkpoint kept, as it was then.
    init(path: String, mode: Mode, flushesAtCheckpoint: Bool, restoring record: Record?) throws(SharedMemoryError) {
        self.path = path
        self.mode = mode
        self.flushesAtCheckpoint = flushesAtCheckpoint
        let access: Int32 = switch mode {
        case .read: O_RDONLY
        case .write: O_WRONLY | O_CREAT | (record == nil ? O_TRUNC : 0)
        case .append: O_WRONLY | O_CREAT | O_APPEND
        case .readWrite: O_RDWR | O_CREAT
        }
        let opened = open(path, access | O_CLOEXEC, 0o644)
        guard opened >= 0 else { throw .system(call: "open \(path)", errno: errno) }
        // Held from here, so that deinit closes it whatever the restoring below throws.
        openDescriptor = Atomic(opened)
        guard let record else { return }
        guard record.mode == mode else {
            throw .checkpoint("\(path) was open for \(record.mode) at the checkpoint, not \(mode)")
        }
        var info = stat()
        fstat(opened, &info)
        guard Int(info.st_size) >= record.size else {
            throw .checkpoint("\(path) is \(info.st_size) bytes, shorter than the \(record.size) it had at the checkpoint: cannot continue it")
        }
        if mode != .read && ftruncate(opened, off_t(record.size)) != 0 {
            throw .system(call: "ftruncate \(path)", errno: errno)
        }
        lseek(opened, off_t(record.offset), SEEK_SET)
    }

    deinit { close() }

    /// Closes the file; later checkpoints no longer record it.
    public func close() {
        let closing = openDescriptor.exchange(-1, ordering: .relaxed)
        if closing >= 0 { Glibc.close(closing) }
    }

    var isOpen: Bool { descriptor >= 0 }

    /// Writes all of `bytes` at the current offset (at the end in `append` mode).
    public func write(_ bytes: some Collection<UInt8>) throws(SharedMemoryError) {
        let contiguous = Array(bytes)
        var done = 0
        while done < contiguous.count {
            let written = contiguous.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, contiguous.count - done) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .system(call: "write \(path)", errno: errno)
            }
            done += written
        }
    }

    /// Writes `text` as UTF-8.
    public func write(_ text: String) throws(SharedMemoryError) { try write(Array(text.utf8)) }

    /// Up to `count` bytes from the current offset; fewer at the end of the file.
    public func read(count: Int) throws(SharedMemoryError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + done, count - done) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .system(call: "read \(path)", errno: errno)
            }
            if got == 0 { break }
            done += got
        }
        return Array(bytes.prefix(done))
    }

    /// The offset the next read or write starts at.
    public var offset: Int { Int(lseek(descriptor, 0, SEEK_CUR)) }

    /// Moves the offset the next read or write starts at, in bytes from the start.
    public func seek(to offset: Int) throws(SharedMemoryError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else { throw .system(call: "lseek \(path)", errno: errno) }
    }

    /// Makes what was written durable.
    public func flush() throws(SharedMemoryError) {
        guard fsync(descriptor) == 0 else { throw .system(call: "fsync \(path)", errno: errno) }
    }

    /// The record a checkpoint keeps, after an fsync when the file asks for one.
    func checkpointRecord() throws(SharedMemoryError) -> Record {
        if flushesAtCheckpoint && mode != .read { try flush() }
        var info = stat()
        fstat(descriptor, &info)
        return Record(path: path, mode: mode, offset: offset, size: Int(info.st_size))
    }
}
