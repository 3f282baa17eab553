import Synchronization

/// What an origin waits for from a target on another node: the data of a get (in as many
/// replies as the access had pieces), or the answer to a lock, unlock or flush. The
/// replies arrive on whichever thread of the node delivers them; `finish` runs on the one
/// that completes it (it unpacks into the origin's buffer, completes a request), then
/// `isDone` turns true with a release store.
///
/// Unchecked: `received` and `failure` are written under the owning endpoint's lock, and
/// read by the origin only after `isDone` (an acquire load); the rest is set in init.
final class PendingReply: @unchecked Sendable {
    /// Where reply data goes (the origin's buffer, or a packed copy of it).
    let destination: UnsafeMutableRawPointer?
    let expected: Int
    /// The communicator rank of the target, for flushes of one target.
    let target: Int
    private let finish: ((MPIError?) -> Void)?
    var received = 0
    /// Set when the target could not apply the access (a dynamic window's address that
    /// nothing attached covers).
    private(set) var failure: MPIError?
    private let done = Atomic<Bool>(false)

    init(expecting expected: Int, into destination: UnsafeMutableRawPointer?, target: Int, finish: ((MPIError?) -> Void)? = nil) {
        self.expected = expected
        self.destination = destination
        self.target = target
        self.finish = finish
    }

    var isDone: Bool { done.load(ordering: .acquiring) }

    /// Ends the wait: the replies are all in, or `failure` came instead.
    func complete(failure: MPIError? = nil) {
        self.failure = failure
        finish?(failure)
        done.store(true, ordering: .releasing)
    }
}
