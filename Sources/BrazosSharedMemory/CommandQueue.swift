import BrazosCore
import CBrazos
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What compute threads ask of their node's coherence service, and how they wait for the
/// answer: each command has a ticket the service completes (at once, or later: a lock is
/// granted when its turn comes).
final class CommandQueue: Sendable {
    enum Command {
        /// Connect to the other nodes' services at these ports (index = node).
        case connect(ports: [Int])
        /// The barrier's release: every dirty page's diff home, write-protected again;
        /// answers the notices.
        case release
        /// The barrier's acquire: invalidate pages written elsewhere (not homed here).
        case invalidate([Int])
        /// Acquire lock `id`; answers when granted (its notices applied).
        case acquireLock(Int)
        /// Release lock `id`; with `scope`, its notices are only this node's own writes since
        /// the last barrier (scope consistency), else also what it learned from grants.
        case releaseLock(Int, scope: Bool)
        /// A new allocation's pages: those homed here become accessible at once (no fault
        /// on their first touch).
        case claimHomes(Range<Int>)
        /// A release for a message: flush, and answer the notices a receiver must apply.
        case releaseForMessage
        /// The acquire of a received message: invalidate its notices, and learn them.
        case acquireFromMessage([Int])
        /// This node is drained: each page goes to its new home (`homes`, as many).
        case handOver(pages: [Int], homes: [Int])
        /// This node joined a running job: connect to the services of the nodes in it,
        /// through each node's listening socket (as its card gives it).
        case connectLate([(node: Int, host: String, port: Int)])
        /// A node that joined connected (through the node's listening socket).
        case adopt(node: Int, socket: Socket)
        /// A page whose home just moved here, and whose copy here was dropped: its
        /// contents from `node`, the old home, whose copy is the master until the next barrier.
        case fetchMaster(page: Int, from: Int)
    }

    /// The answer to one command: the thread that asked blocks on it until the service
    /// completes it.
    ///
    /// Unchecked: `result` is guarded by `mutex`, which `condition` waits with (a
    /// Synchronization `Mutex` has no condition variable).
    final class Ticket: @unchecked Sendable {
        private let mutex = PthreadMutex()
        private let condition = PthreadCondition()
        private var result: Result<[Int], SharedMemoryError>?

        func complete(_ result: Result<[Int], SharedMemoryError>) {
            mutex.lock()
            self.result = result
            condition.broadcast()
            mutex.unlock()
        }

        func wait() throws(SharedMemoryError) -> [Int] {
            mutex.lock()
            defer { mutex.unlock() }
            while result == nil { condition.wait(mutex, seconds: 1) }
            return try result!.get()
        }
    }

    private let items = Guarded<[(Command, Ticket)]>([])
    /// Readable when commands wait (an eventfd).
    let bell: Int32

    init() { bell = brazos_blocking_eventfd() }

    /// Hands `command` to the service and waits for its answer.
    func perform(_ command: Command) throws(SharedMemoryError) -> [Int] {
        let ticket = Ticket()
        items.withLock { $0.append((command, ticket)) }
        var one: UInt64 = 1
        _ = write(bell, &one, 8)
        return try ticket.wait()
    }

    /// The commands waiting now (the service drains the bell first).
    func take() -> [(Command, Ticket)] {
        var count: UInt64 = 0
        _ = read(bell, &count, 8)
        return items.withLock { items in
            defer { items.removeAll() }
            return items
        }
    }
}
