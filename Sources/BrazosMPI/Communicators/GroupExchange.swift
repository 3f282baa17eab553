/// Messages of the library's own between ranks named by world rank, for making
/// communicators where no collective can carry them: between two groups' leaders, or
/// among a group that has no communicator yet (`MPI_Comm_create_group`,
/// `MPI_Comm_create_from_group`). A context and a tag keep one operation's messages
/// apart from everything else; `phase` keeps its steps apart.
struct GroupExchange {
    /// The library's own tags on a communicator's collective context start here: far
    /// below any tag a program may use (those are not negative), the collectives' own
    /// (small and positive) and the wildcard (`MPI_ANY_TAG` is -2).
    static let tagBase = Int32.min
    /// Tags of the operations on an existing communicator (above `tagBase`, in steps of 8 phases).
    static let nonblockingDuplicate: Int32 = tagBase + 8
    static let intercommunicator: Int32 = tagBase + 16
    /// `MPI_Intercomm_create`'s leaders exchange with the program's tag added to this.
    static let peerTagBase: Int32 = tagBase + 64

    private let sender: Communicator
    private let context: UInt32
    private let tag: Int32

    /// Exchanges of the calling rank of `communicator` on `context` with `tag`.
    init(on communicator: Communicator, context: UInt32, tag: Int32) {
        // A world-sized view that names ranks by world rank, keeping the caller's.
        sender = Communicator(engine: communicator.engine, context: context, translation: nil, rank: communicator.callerWorldRank,
                              size: communicator.engine.directory.rankCount, contexts: communicator.contexts,
                              callerWorldRank: communicator.callerWorldRank)
        self.context = context
        self.tag = tag
    }

    /// A tag for a string (`MPI_Comm_create_from_group`'s), by FNV-1a: ranks that pass
    /// the same string agree on it; distinct strings rarely share one, and then only
    /// operations running at once over the same ranks could mix.
    static func tag(for text: String, salt: UInt32 = 0) -> Int32 {
        var hash: UInt32 = 2_166_136_261 ^ salt
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int32(hash & 0x0fff_ffff) << 3
    }

    /// Sends `values` to world rank `destination` (their count first, so the receiver
    /// needs no size); returns once they are on their way or delivered.
    func send(_ values: [Int], to destination: Int, phase: Int32) throws(MPIError) {
        try send([values.count], to: destination, tag: tag + phase)
        try send(values, to: destination, tag: tag + phase)
    }

    /// Receives what `send` sent from world rank `source`.
    func receive(from source: Int, phase: Int32) throws(MPIError) -> [Int] {
        var count = [0]
        try receive(into: &count, from: source, tag: tag + phase)
        guard (0...(1 << 24)).contains(count[0]) else { throw MPIError(.intern, "a malformed exchange from world rank \(source)") }
        var values = [Int](repeating: 0, count: count[0])
        try receive(into: &values, from: source, tag: tag + phase)
        return values
    }

    /// Sends to `other` and receives from it at once (two leaders, neither waiting for the other).
    func exchange(_ values: [Int], with other: Int, phase: Int32) throws(MPIError) -> [Int] {
        var failure: MPIError?
        var received: [Int] = []
        let counts = [values.count]
        counts.withUnsafeBytes { countBytes in
            values.withUnsafeBytes { valueBytes in
                do throws(MPIError) {
                    let first = Request(engine: sender.engine, translation: nil)
                    try sender.startSend(first, bytes: countBytes, to: other, tag: Int(tag + phase), context: context)
                    let second = Request(engine: sender.engine, translation: nil)
                    try sender.startSend(second, bytes: valueBytes, to: other, tag: Int(tag + phase), context: context)
                    received = try receive(from: other, phase: phase)
                    try first.wait()
                    try second.wait()
                } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return received
    }

    /// The largest of every member's `value` (`members` are world ranks, led by the
    /// first), known to all of them.
    func maximum(_ value: Int, among members: [Int]) throws(MPIError) -> Int {
        let leader = members[0]
        guard sender.rank == leader else {
            try send([value], to: leader, phase: 0)
            return try receive(from: leader, phase: 1)[0]
        }
        var largest = value
        for member in members.dropFirst() { largest = max(largest, try receive(from: member, phase: 0)[0]) }
        for member in members.dropFirst() { try send([largest], to: member, phase: 1) }
        return largest
    }

    private func send(_ values: [Int], to destination: Int, tag: Int32) throws(MPIError) {
        var failure: MPIError?
        values.withUnsafeBytes { bytes in
            do throws(MPIError) {
                let request = Request(engine: sender.engine, translation: nil)
                try sender.startSend(request, bytes: bytes, to: destination, tag: Int(tag), context: context)
                try request.wait()
            } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func receive(into values: inout [Int], from source: Int, tag: Int32) throws(MPIError) {
        var failure: MPIError?
        values.withUnsafeMutableBytes { bytes in
            do throws(MPIError) {
                let request = Request(engine: sender.engine, translation: nil)
                try sender.startReceive(request, into: bytes, from: source, tag: Int(tag), context: context)
                try request.wait()
            } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
