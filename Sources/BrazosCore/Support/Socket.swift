import Synchronization
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// A thin owner of one socket descriptor with the few operations the runtime needs.
/// IPv4 only: the runtime speaks to loopback and to its own hosts' addresses.
public final class Socket: Sendable {
    /// The file descriptor, for poll() and system calls the class does not wrap.
    public let descriptor: Int32
    /// Atomic: `close` may be called from any thread, and from `deinit`.
    private let closed = Atomic<Bool>(false)

    /// Takes ownership of `descriptor`: it is closed with the object.
    public init(descriptor: Int32) { self.descriptor = descriptor }
    deinit { close() }

    /// Closes the descriptor; later calls do nothing.
    public func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { _ = Glibc.close(descriptor) }
    }

    /// Ends every wait on the socket (an `accept` in another thread returns EINVAL) and
    /// every later use, but keeps the descriptor, which that thread may still name: whoever
    /// owns the socket closes it.
    public func shutDown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// A listening TCP socket on `host` (dotted IPv4) and `port` (0: any free port).
    public static func listen(host: String, port: UInt16 = 0, backlog: Int32 = 128) throws(BrazosError) -> Socket {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .lastSystemError("socket") }
        let socket = Socket(descriptor: fd)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = try SocketAddress(host: host, port: port).storage
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw .lastSystemError("bind(\(host):\(port))") }
        guard Glibc.listen(fd, backlog) == 0 else { throw .lastSystemError("listen") }
        return socket
    }

    /// Connects to `address`, retrying refused connections until `deadline` (a peer may
    /// not be listening yet during wire-up).
    public static func connect(to address: SocketAddress, deadline: Double = monotonicSeconds() + 30) throws(BrazosError) -> Socket {
        while true {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .lastSystemError("socket") }
            let socket = Socket(descriptor: fd)
            var storage = address.storage
            let rc = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if rc == 0 { socket.setNoDelay(); return socket }
            let code = errno
            guard code == ECONNREFUSED || code == EINTR || code == ETIMEDOUT, monotonicSeconds() < deadline else {
                throw .system(call: "connect(\(address))", errno: code)
            }
            usleep(10_000)
        }
    }

    /// Waits for the next connection on a listening socket, with TCP_NODELAY set; retries
    /// after EINTR and aborted connections, throws `system` otherwise.
    public func accept() throws(BrazosError) -> Socket {
        while true {
            let fd = brazos_accept(descriptor)
            if fd >= 0 { let s = Socket(descriptor: fd); s.setNoDelay(); return s }
            if errno == EINTR || errno == ECONNABORTED { continue }
            throw .lastSystemError("accept")
        }
    }

    /// Turns off Nagle's algorithm, so small frames leave at once.
    public func setNoDelay() {
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Makes reads and writes return EAGAIN instead of waiting.
    public func setNonBlocking() {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    }

    /// This end's address and port, or nil if the socket has none.
    public var localAddress: SocketAddress? { address(using: getsockname) }
    /// The peer's address and port, or nil if not connected.
    public var remoteAddress: SocketAddress? { address(using: getpeername) }

    private func address(using call: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> SocketAddress? {
        var storage = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { call(descriptor, $0, &length) }
        }
        return rc == 0 ? SocketAddress(storage: storage) : nil
    }

    /// Writes all of `bytes` (blocking socket).
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(BrazosError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                throw .lastSystemError("send")
            }
            offset += n
        }
    }

    /// Writes all of `bytes` (blocking socket); throws `system` if the connection fails.
    public func writeAll(_ bytes: [UInt8]) throws(BrazosError) {
        var failure: BrazosError?
        bytes.withUnsafeBytes { raw in
            do throws(BrazosError) { try writeAll(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Reads exactly `count` bytes (blocking socket); a closed connection is an error, and
    /// so is `deadline` (on the monotonic clock) passing first: a peer that sends a byte
    /// now and then cannot hold the reader longer.
    public func readExactly(_ count: Int, before deadline: Double = .infinity) throws(BrazosError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            if deadline.isFinite {
                let left = deadline - monotonicSeconds()
                var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let rc = left > 0 ? Glibc.poll(&ready, 1, Int32(min(left, 3600) * 1000) + 1) : 0
                if rc < 0 && errno == EINTR { continue }
                if rc < 0 { throw .lastSystemError("poll") }
                if rc == 0 { throw .timedOut("no answer from \(remoteAddress?.description ?? "peer") in time") }
            }
            let n = bytes.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress! + offset, count - offset, 0) }
            if n == 0 { throw .peerLost(node: -1, reason: "connection closed") }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { throw .timedOut("no answer from \(remoteAddress?.description ?? "peer")") }
                throw .lastSystemError("recv")
            }
            offset += n
        }
        return bytes
    }
}

/// An IPv4 address and port.
public struct SocketAddress: CustomStringConvertible, Equatable, Sendable {
    /// Dotted IPv4 address.
    public let host: String
    /// TCP port.
    public let port: UInt16

    /// Checks that `host` is dotted IPv4; throws `configuration` if not.
    public init(host: String, port: UInt16) throws(BrazosError) {
        var probe = in_addr()
        guard inet_pton(AF_INET, host, &probe) == 1 else {
            throw .configuration("'\(host)' is not an IPv4 address")
        }
        self.host = host
        self.port = port
    }

    /// Parses `host:port`.
    public init(parsing text: String) throws(BrazosError) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw .configuration("'\(text)' is not host:port")
        }
        try self.init(host: String(text[..<colon]), port: port)
    }

    init(storage: sockaddr_in) {
        var addr = storage.sin_addr
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &addr, &text, socklen_t(INET_ADDRSTRLEN))
        host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        port = UInt16(bigEndian: storage.sin_port)
    }

    var storage: sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }

    /// `host:port`, as `init(parsing:)` reads it.
    public var description: String { "\(host):\(port)" }
}
