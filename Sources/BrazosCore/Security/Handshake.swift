/// The authenticated opening of every TCP connection of a job (control and data alike).
///
/// The acceptor sends a fresh nonce; the connector answers with its node number, the
/// connection's purpose, its own nonce and an HMAC-SHA-256 over all of them keyed by
/// the job's secret; the acceptor checks it and proves itself the same way. A process
/// without the secret learns nothing and gets the connection closed; replaying an old
/// answer fails because the nonce is new.
public enum Handshake {
    static let greeting = Array("BRZ1".utf8)
    /// Bytes in each side's nonce.
    public static let nonceSize = 32
    /// The node number the launcher answers with: no node of a job has it.
    public static let launcherNode = Int(Int32.max)

    /// What a connection will carry, stated by the connector and covered by its HMAC.
    public enum Purpose: UInt8, Sendable {
        case control = 1
        case data = 2
        /// The shared-memory protocol between the nodes' service threads.
        case sharedMemory = 3
    }

    /// `count` cryptographically secure random bytes, for nonces and job secrets.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()  // getrandom(2): cryptographically secure
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Acceptor side. Returns the connector's node number and purpose, or throws
    /// `authenticationFailed` (the caller closes the socket and carries on).
    /// The whole handshake must end within `timeout` seconds, however the peer paces its bytes.
    public static func accept(on socket: Socket, secret: [UInt8], myNode: Int, timeout: Double = 5) throws(BrazosError) -> (node: Int, purpose: Purpose) {
        let deadline = monotonicSeconds() + timeout
        let nonceA = randomBytes(nonceSize)
        try socket.writeAll(greeting + nonceA)
        let answer = try socket.readExactly(4 + 1 + nonceSize + 32, before: deadline)
        let node = Int(decodeU32(answer[0..<4]))
        guard let purpose = Purpose(rawValue: answer[4]) else {
            throw .authenticationFailed("unknown connection purpose \(answer[4]) from \(socket.remoteAddress?.description ?? "?")")
        }
        let nonceC = Array(answer[5..<(5 + nonceSize)])
        let proof = Array(answer[(5 + nonceSize)...])
        let expected = HMAC.sha256(key: secret, message: Array("connect".utf8) + nonceA + nonceC + Array(answer[0..<5]))
        guard constantTimeEquals(proof, expected) else {
            throw .authenticationFailed("peer \(socket.remoteAddress?.description ?? "?") claiming node \(node) does not know the job's secret")
        }
        let reply = encodeU32(UInt32(myNode))
        try socket.writeAll(reply + HMAC.sha256(key: secret, message: Array("accept".utf8) + nonceC + nonceA + reply))
        return (node, purpose)
    }

    /// Connector side. Returns the acceptor's node number.
    public static func connect(on socket: Socket, secret: [UInt8], myNode: Int, purpose: Purpose, timeout: Double = 10) throws(BrazosError) -> Int {
        let deadline = monotonicSeconds() + timeout
        let opening = try socket.readExactly(greeting.count + nonceSize, before: deadline)
        guard Array(opening[0..<greeting.count]) == greeting else {
            throw .authenticationFailed("\(socket.remoteAddress?.description ?? "peer") is not a Brazos node")
        }
        let nonceA = Array(opening[greeting.count...])
        let nonceC = randomBytes(nonceSize)
        let identity = encodeU32(UInt32(myNode)) + [purpose.rawValue]
        try socket.writeAll(identity + nonceC + HMAC.sha256(key: secret, message: Array("connect".utf8) + nonceA + nonceC + identity))
        let reply = try socket.readExactly(4 + 32, before: deadline)
        let expected = HMAC.sha256(key: secret, message: Array("accept".utf8) + nonceC + nonceA + Array(reply[0..<4]))
        guard constantTimeEquals(Array(reply[4...]), expected) else {
            throw .authenticationFailed("\(socket.remoteAddress?.description ?? "peer") does not know the job's secret")
        }
        return Int(decodeU32(reply[0..<4]))
    }

    static func encodeU32(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func decodeU32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * $1.offset) }
    }
}

extension [UInt8] {
    /// Lowercase hexadecimal, as secrets travel in the environment.
    public var hexString: String {
        map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// Parses hexadecimal as `hexString` writes it (either case); nil if odd in length or not hex.
    public init?(hexString text: String) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self = bytes
    }
}
