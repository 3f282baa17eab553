import BrazosCore

/// What a rank carries from one node to another when its thread moves: where it stands in
/// every pair's message order, the messages that reached it and were not received yet,
/// the next context id of its communicators, its windows (`CarriedWindow`, encoded), and
/// two opaque byte strings: what the layers above take along (shared memory's write
/// notices, open files) and the thread's resume state.
struct MoveRecord: Equatable {
    var rank: Int
    /// The location version the rank has on arrival (one more per move).
    var version: UInt32
    var fromNode: Int
    var nextContext: UInt32
    var receiveSequences: [UInt32]
    var sendSequences: [UInt32]
    var messages: [Message]
    /// `CarriedWindow.encode` of its windows (empty when it has none).
    var windows: [UInt8]
    var carried: [UInt8]
    var state: [UInt8]

    /// An unreceived message: its bytes, or where a large one waits at its sender.
    struct Message: Equatable {
        var context: UInt32
        var source: Int32
        var tag: Int32
        var bytes: [UInt8]
        /// For a rendezvous message: its length, and the sender's node, cookie and address.
        var rendezvous: Rendezvous?
    }

    struct Rendezvous: Equatable {
        var length: UInt64
        var node: UInt32
        var cookie: UInt64
        var address: UInt64
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.put(UInt32(rank))
        writer.put(version)
        writer.put(UInt32(fromNode))
        writer.put(nextContext)
        writer.put(list: receiveSequences)
        writer.put(list: sendSequences)
        writer.put(UInt32(messages.count))
        for message in messages {
            writer.put(message.context)
            writer.put(message.source)
            writer.put(message.tag)
            writer.put(bytes: message.bytes)
            writer.put(UInt8(message.rendezvous == nil ? 0 : 1))
            if let rendezvous = message.rendezvous {
                writer.put(rendezvous.length)
                writer.put(rendezvous.node)
                writer.put(rendezvous.cookie)
                writer.put(rendezvous.address)
            }
        }
        writer.put(bytes: windows)
        writer.put(bytes: carried)
        writer.put(bytes: state)
        return writer.bytes
    }

    init(rank: Int, version: UInt32, fromNode: Int, nextContext: UInt32, receiveSequences: [UInt32], sendSequences: [UInt32],
         messages: [Message], windows: [UInt8] = [], carried: [UInt8], state: [UInt8]) {
        self.rank = rank
        self.version = version
        self.fromNode = fromNode
        self.nextContext = nextContext
        self.receiveSequences = receiveSequences
        self.sendSequences = sendSequences
        self.messages = messages
        self.windows = windows
        self.carried = carried
        self.state = state
    }

    /// Decodes a record for a job of `ranks` ranks and `nodes` nodes: throws `malformed`,
    /// naming the field, for a truncated record, bytes past its end, or a rank, node or
    /// length the job cannot have (the receiver indexes its tables with them).
    init(decoding bytes: [UInt8], ranks: Int, nodes: Int) throws(BrazosError) {
        var reader = ByteReader(bytes, what: "a moving rank's record")
        rank = Int(try reader.take(UInt32.self))
        guard rank < ranks else { throw .malformed("a moving rank's record names rank \(rank) of \(ranks)") }
        version = try reader.take()
        fromNode = Int(try reader.take(UInt32.self))
        guard fromNode < nodes else { throw .malformed("rank \(rank)'s record comes from node \(fromNode) of \(nodes)") }
        nextContext = try reader.take()
        receiveSequences = try reader.takeList()
        sendSequences = try reader.takeList()
        guard receiveSequences.count == ranks, sendSequences.count == ranks else {
            throw .malformed("rank \(rank)'s record orders \(receiveSequences.count) and \(sendSequences.count) peers, not \(ranks)")
        }
        let count = try reader.take(UInt32.self)
        messages = []
        for _ in 0..<count {
            var message = Message(context: try reader.take(), source: try reader.take(), tag: try reader.take(), bytes: try reader.takeBytes())
            guard message.source >= 0, Int(message.source) < ranks else {
                throw .malformed("rank \(rank)'s record holds a message from rank \(message.source) of \(ranks)")
            }
            switch try reader.take(UInt8.self) {
            case 0: break
            case 1:
                let rendezvous = Rendezvous(length: try reader.take(), node: try reader.take(), cookie: try reader.take(), address: try reader.take())
                guard rendezvous.length <= FrameHeader.maximumMessage, Int(rendezvous.node) < nodes else {
                    throw .malformed("rank \(rank)'s record holds a message of \(rendezvous.length) bytes waiting on node \(rendezvous.node) of \(nodes)")
                }
                message.rendezvous = rendezvous
            case let other: throw .malformed("a moving rank's record has message kind \(other)")
            }
            messages.append(message)
        }
        windows = try reader.takeBytes()
        carried = try reader.takeBytes()
        state = try reader.takeBytes()
        guard reader.isAtEnd else { throw .malformed("a moving rank's record has bytes past its end") }
    }
}
