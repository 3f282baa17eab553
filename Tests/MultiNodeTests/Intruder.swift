import BrazosCore

/// A process that does not know the job's secret and tries to join it anyway.
struct Intruder {
    let wasRefused: Bool

    static func connect(to address: String) throws -> Intruder {
        let socket = try Socket.connect(to: try SocketAddress(parsing: address))
        do {
            _ = try Handshake.connect(on: socket, secret: Handshake.randomBytes(32), myNode: 1, purpose: .data)
            return Intruder(wasRefused: false)
        } catch {
            return Intruder(wasRefused: true)
        }
    }
}
