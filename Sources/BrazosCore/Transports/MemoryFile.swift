import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// Memory that the other processes of a host can map: an anonymous memory file (memfd),
/// mapped shared by the process that made it, and by another process of the same user
/// through `/proc/PID/fd/N` while the maker keeps it open. Nothing is left behind when
/// the processes end, however they end: the file has no name in any directory.
///
/// Unchecked: every stored property is a `let`; the mapped bytes are ordered by whoever
/// uses them (the words below are atomic, the rest is the users' protocol).
public final class MemoryFile: @unchecked Sendable {
    /// Where the file is mapped in this process.
    public let base: UnsafeMutableRawPointer
    /// Bytes mapped: the whole file.
    public let size: Int
    /// The open file, in the process that made it (which others open it through); nil in
    /// a process that mapped another's.
    public let descriptor: Int32?

    private init(base: UnsafeMutableRawPointer, size: Int, descriptor: Int32?) {
        self.base = base
        self.size = size
        self.descriptor = descriptor
    }

    deinit {
        munmap(base, size)
        if let descriptor { close(descriptor) }
    }

    /// A new zeroed file of `size` bytes (at least one), mapped. `name` is what
    /// `/proc/PID/fd` shows (`/memfd:NAME`), which `open` checks.
    public static func create(name: String, size: Int) throws(BrazosError) -> MemoryFile {
        let length = Swift.max(size, 1)
        let file = brazos_memory_file(name, length)
        guard file >= 0 else { throw .lastSystemError("memfd_create(\(name), \(length) bytes)") }
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0), base != MAP_FAILED else {
            let error = BrazosError.lastSystemError("mmap(\(name), \(length) bytes)")
            close(file)
            throw error
        }
        return MemoryFile(base: base, size: length, descriptor: file)
    }

    /// Maps the file that process `pid` made as `name` and holds open as `descriptor`;
    /// throws if that descriptor is not such a file (closed, another file, another user's).
    public static func open(name: String, process pid: Int32, descriptor: Int32) throws(BrazosError) -> MemoryFile {
        let path = "/proc/\(pid)/fd/\(descriptor)"
        var target = [CChar](repeating: 0, count: 256)
        let length = readlink(path, &target, target.count - 1)
        guard length > 0 else { throw .lastSystemError("readlink(\(path))") }
        let found = String(decoding: target[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard found == "/memfd:\(name) (deleted)" else { throw .malformed("\(path) is \(found), not the memory file \(name)") }
        let file = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard file >= 0 else { throw .lastSystemError("open(\(path))") }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else { throw .lastSystemError("fstat(\(path))") }
        let size = Int(status.st_size)
        guard size > 0, let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0), base != MAP_FAILED else {
            throw .lastSystemError("mmap(\(path), \(size) bytes)")
        }
        return MemoryFile(base: base, size: size, descriptor: nil)
    }

    /// The 64-bit word at `offset` (a multiple of 8), read with acquire ordering.
    public func loadAcquire(wordAt offset: Int) -> UInt64 { brazos_load_acquire_u64(base + offset) }

    /// Stores `value` in the 64-bit word at `offset` with release ordering.
    public func storeRelease(_ value: UInt64, wordAt offset: Int) { brazos_store_release_u64(base + offset, value) }
}
