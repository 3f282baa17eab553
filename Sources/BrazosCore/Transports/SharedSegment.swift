#if canImport(Glibc)
import Glibc
#endif

/// A named POSIX shared-memory mapping (`/dev/shm/NAME`), created with mode 0600 by its
/// owner and opened by peers on the same host. The owner unlinks the name once every
/// peer has mapped it, so a crashed job leaves nothing behind past wire-up.
public final class SharedSegment {
    /// The shared-memory name, starting with `/`.
    public let name: String
    /// Where the segment is mapped in this process.
    public let base: UnsafeMutableRawPointer
    /// Bytes mapped.
    public let size: Int

    private init(name: String, base: UnsafeMutableRawPointer, size: Int) {
        self.name = name
        self.base = base
        self.size = size
    }

    deinit { munmap(base, size) }

    /// Creates and maps a new zeroed segment of `size` bytes, mode 0600; throws `system` if
    /// the name exists or the memory cannot be had.
    public static func create(name: String, size: Int) throws(BrazosError) -> SharedSegment {
        let fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .lastSystemError("shm_open(\(name), create)") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else {
            let error = BrazosError.lastSystemError("ftruncate(\(name))")
            shm_unlink(name)
            throw error
        }
        return try map(name: name, fd: fd, size: size)
    }

    /// Maps an existing segment, at its full size; throws `system` if it is gone.
    public static func open(name: String) throws(BrazosError) -> SharedSegment {
        let fd = shm_open(name, O_RDWR | O_CLOEXEC, 0)
        guard fd >= 0 else { throw .lastSystemError("shm_open(\(name))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .lastSystemError("fstat(\(name))") }
        return try map(name: name, fd: fd, size: Int(info.st_size))
    }

    private static func map(name: String, fd: Int32, size: Int) throws(BrazosError) -> SharedSegment {
        guard let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            throw .lastSystemError("mmap(\(name))")
        }
        return SharedSegment(name: name, base: base, size: size)
    }

    /// Removes the name; mappings stay valid. The owner calls it once every peer has mapped it.
    public func unlink() { shm_unlink(name) }
}

/// Wakes a node that sleeps in poll(): a datagram socket in the abstract namespace
/// (per network namespace, so exactly the nodes that share rings can ring it).
public final class Doorbell {
    /// The datagram socket, for polling (receiving side) or sending rings.
    public let descriptor: Int32
    private let bound: Bool

    /// The bell of this node, which it listens on.
    public init(listeningAs name: String) throws(BrazosError) {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .lastSystemError("socket(AF_UNIX)") }
        bound = true
        var (address, length) = Doorbell.address(name)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard rc == 0 else { let e = BrazosError.lastSystemError("bind(doorbell \(name))"); close(descriptor); throw e }
    }

    /// A socket for ringing other nodes' bells.
    public init() throws(BrazosError) {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .lastSystemError("socket(AF_UNIX)") }
        bound = false
    }

    deinit { close(descriptor) }

    /// Rings `name`. A full bell queue already means a pending wake-up, so it is ignored.
    public func ring(_ name: String) {
        var (address, length) = Doorbell.address(name)
        var byte: UInt8 = 1
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(descriptor, &byte, 1, 0, $0, length) }
        }
    }

    /// Empties the queue of rings received.
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while recv(descriptor, &buffer, buffer.count, 0) > 0 {}
    }

    private static func address(_ name: String) -> (sockaddr_un, socklen_t) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(name.utf8.prefix(100))
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0  // abstract namespace: no file is created
            for (i, b) in bytes.enumerated() { path[i + 1] = b }
        }
        let length = MemoryLayout<sa_family_t>.size + 1 + bytes.count
        return (address, socklen_t(length))
    }
}
