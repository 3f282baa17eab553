import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// brazosrun's end of the control connections: it accepts them, takes only a node of
/// the job that proves the secret and has no connection yet, and reads each node's
/// messages on a thread of its own. A line that is not a node's message, or a message
/// brazosrun cannot act on, closes that node's connection with a line saying why; a
/// connection that closes is reported (and may be a failure: `closed` decides).
struct ControlServer: Sendable {
    let listener: Socket
    let secret: [UInt8]
    /// Takes node `node`'s connection; false if it is not one of the job's nodes or has one.
    let claim: @Sendable (_ node: Int, _ channel: NodeConnection) -> Bool
    /// Acts on a message from `node`; throws when it cannot.
    let handle: @Sendable (_ message: NodeMessage, _ node: Int) throws -> Void
    /// `node`'s connection closed, or was closed for what it said.
    let closed: @Sendable (_ node: Int, _ error: any Error) -> Void

    /// Accepts connections for the life of the attempt.
    func start() {
        NativeThread.spawn { [self] in
            while let socket = try? listener.accept() {
                NativeThread.spawn { [self] in serve(socket) }
            }
        }
    }

    private func serve(_ socket: Socket) {
        let channel = NodeConnection(socket: socket)
        let node: Int
        do {
            let (claimed, purpose) = try Handshake.accept(on: socket, secret: secret, myNode: Handshake.launcherNode)
            guard purpose == .control, claim(claimed, channel) else {
                diagnose("brazosrun: refused a control connection claiming node \(claimed)", level: .warning)
                return socket.close()
            }
            node = claimed
        } catch {
            diagnose("brazosrun: refused a connection from \(socket.remoteAddress?.description ?? "?"): \(error)", level: .warning)
            return socket.close()
        }
        while true {
            let message: NodeMessage
            do {
                message = try channel.receive()
            } catch {
                if case .malformed = error { refuse(channel, of: node, error) }
                return closed(node, error)
            }
            do {
                try handle(message, node)
            } catch {
                refuse(channel, of: node, error)
                return closed(node, error)
            }
        }
    }

    private func refuse(_ channel: NodeConnection, of node: Int, _ error: any Error) {
        diagnose("brazosrun: node \(node): \(error); closing its control connection", level: .warning)
        channel.shutDown()
    }
}
