/// A message that reached its destination rank and was not received yet: the state of
/// the channels that a checkpoint saves. Links between nodes are FIFO, so once every
/// node has heard from every other after the checkpoint's barrier (a flush), each message
/// sent before it is either received or queued, and the queues are the whole story:
/// nothing is in flight, and no sequence numbers are needed to deliver each once.
public struct QueuedMessage: Equatable, Sendable {
    /// The communicator context it was sent on.
    public var context: UInt32
    /// The sender's world rank.
    public var source: Int32
    /// The message's tag.
    public var tag: Int32
    /// The message's packed bytes.
    public var bytes: [UInt8]

    /// A saved message with every field given.
    public init(context: UInt32, source: Int32, tag: Int32, bytes: [UInt8]) {
        self.context = context
        self.source = source
        self.tag = tag
        self.bytes = bytes
    }
}

extension Brazos {
    /// The messages waiting for world rank `rank` (hosted here), in arrival order, except
    /// those on `communicator`'s own contexts (the checkpoint's own traffic). A large
    /// message announced but not taken cannot be saved: its sender is still inside a send.
    public func queuedMessages(for rank: Int, except communicator: Communicator?) throws(MPIError) -> [QueuedMessage] {
        let excluded = communicator.map { [$0.context, $0.collectiveContext] } ?? []
        var messages: [QueuedMessage] = []
        for (envelope, arrival) in engine.unexpectedMessages(rank: rank) where !excluded.contains(envelope.context) {
            guard case let .eager(bytes) = arrival else {
                throw MPIError(.pending, "rank \(envelope.source) is still sending a large message (tag \(envelope.tag)) to rank \(rank) at a checkpoint")
            }
            messages.append(QueuedMessage(context: envelope.context, source: envelope.source, tag: envelope.tag, bytes: bytes.withUnsafeBytes { Array($0) }))
        }
        return messages
    }

    /// Puts saved messages back in front of rank `rank`'s queue, as if they had just
    /// arrived; call before the rank or its peers send anything (at a restart).
    public func requeue(_ messages: [QueuedMessage], for rank: Int) throws(MPIError) {
        for message in messages {
            let envelope = Envelope(context: message.context, source: message.source, tag: message.tag)
            // `withUnsafeBytes` rethrows untyped errors; the typed one crosses in a Result.
            try message.bytes.withUnsafeBytes { bytes in
                Result { () throws(MPIError) in try engine.requeue(bytes, envelope: envelope, for: rank) }
            }.get()
        }
    }
}

extension Communicator {
    /// Sends an empty message to every other member and waits for one from each: with
    /// FIFO links, everything a member sent before its flush has then reached this node.
    public func flushChannels(tag: Int) throws(MPIError) {
        let empty: [UInt8] = []
        for offset in 1..<max(size, 1) { try send(empty, to: (rank + offset) % size, tag: tag) }
        var nothing: [UInt8] = []
        for offset in 1..<max(size, 1) { try recv(into: &nothing, from: (rank - offset + size) % size, tag: tag) }
    }
}
