import BrazosCore

/// The tags of non-blocking and persistent collectives: each operation made on a
/// communicator takes the next number of that communicator's sequence. Every rank makes
/// the collectives of a communicator in the same order (MPI requires it), so they agree
/// on each operation's tag without a message.
///
/// Kept in a table of its own, keyed by communicator, so that `Communicator` need not
/// change; an entry whose communicator is gone is dropped, and a new communicator at the
/// same address starts again from zero.
enum CollectiveSequence {
    /// Above every `CollectiveTag` of the blocking collectives.
    static let firstTag = 0x100
    private static let span = 1 << 30

    private struct Entry {
        weak var communicator: Communicator?
        var next: Int
    }

    private static let entries = Guarded<[ObjectIdentifier: Entry]>([:])

    /// The tag of the next collective operation made on `communicator`.
    static func nextTag(on communicator: Communicator) -> Int {
        let key = ObjectIdentifier(communicator)
        let number = entries.withLock { (entries: inout [ObjectIdentifier: Entry]) -> Int in
            if let entry = entries[key], entry.communicator === communicator {
                entries[key]!.next = (entry.next + 1) % span
                return entry.next
            }
            entries = entries.filter { $0.value.communicator != nil }
            entries[key] = Entry(communicator: communicator, next: 1)
            return 0
        }
        return firstTag + number
    }
}
