/// The matching rule of MPI: a receive with (source, tag) accepts a message from that
/// source (or any, for `anySource`) with that tag (or any non-negative, for `anyTag`) on
/// the same communicator context.
struct Envelope: Equatable {
    var context: UInt32
    var source: Int32
    var tag: Int32
}

struct MatchPattern: Equatable {
    var context: UInt32
    var source: Int32
    var tag: Int32

    func matches(_ envelope: Envelope) -> Bool {
        envelope.context == context
            && (source == Int32(MPI.anySource) || source == envelope.source)
            && (tag == Int32(MPI.anyTag) ? envelope.tag >= 0 : tag == envelope.tag)
    }
}

/// One rank's posted receives and unexpected messages, both in arrival order. Because
/// each queue is searched from its front, messages from one sender that match the same
/// receive are taken in the order they were sent (non-overtaking).
struct MatchQueues<Posted, Arrived> {
    private(set) var posted: [(pattern: MatchPattern, item: Posted)] = []
    private(set) var unexpected: [(envelope: Envelope, item: Arrived)] = []

    /// A message arrived: returns the first posted receive it matches (removed), or
    /// keeps the message as unexpected and returns nil.
    mutating func arrive(_ envelope: Envelope, _ item: @autoclosure () -> Arrived) -> Posted? {
        if let index = posted.firstIndex(where: { $0.pattern.matches(envelope) }) {
            return posted.remove(at: index).item
        }
        unexpected.append((envelope, item()))
        return nil
    }

    /// A receive is posted: returns the first unexpected message it matches (removed),
    /// or keeps the receive as posted and returns nil.
    mutating func post(_ pattern: MatchPattern, _ item: Posted) -> (envelope: Envelope, item: Arrived)? {
        if let index = unexpected.firstIndex(where: { pattern.matches($0.envelope) }) {
            return unexpected.remove(at: index)
        }
        posted.append((pattern, item))
        return nil
    }

    /// The first unexpected message `pattern` matches, taken out so that no receive can
    /// match it any more (a matched probe).
    mutating func take(_ pattern: MatchPattern) -> (envelope: Envelope, item: Arrived)? {
        guard let index = unexpected.firstIndex(where: { pattern.matches($0.envelope) }) else { return nil }
        return unexpected.remove(at: index)
    }

    /// Takes back the first posted receive `isIt` picks (a cancel); false if none is
    /// posted any more (it matched already).
    mutating func withdraw(where isIt: (Posted) -> Bool) -> Bool {
        guard let index = posted.firstIndex(where: { isIt($0.item) }) else { return false }
        posted.remove(at: index)
        return true
    }

    /// The first unexpected message `pattern` would match, left in place (probe).
    func peek(_ pattern: MatchPattern) -> (envelope: Envelope, item: Arrived)? {
        unexpected.first { pattern.matches($0.envelope) }
    }
}
