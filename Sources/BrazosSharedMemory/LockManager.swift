/// The locks a node manages (lock `id` is managed by node `id % nodes`): who holds each,
/// who waits (first come, first served), and the write notices of each lock's releases,
/// so that a grant carries the notices its acquirer has not yet had from this lock.
struct LockManager {
    /// A waiting or holding acquirer: its node and the token its request carried.
    struct Acquirer: Equatable {
        let node: Int
        let token: UInt64
    }

    /// A lock given to `acquirer`, with the pages it must invalidate.
    struct Grant: Equatable {
        let lock: Int
        let acquirer: Acquirer
        let notices: [Int]
    }

    private var holders: [Int: Acquirer] = [:]
    private var waiting: [Int: [Acquirer]] = [:]
    /// Per lock: the notices of each release, numbered from 1.
    private var releases: [Int: [[Int]]] = [:]
    /// Per lock and node: how many releases' notices that node has had.
    private var delivered: [Int: [Int: Int]] = [:]

    /// The grant, if the lock is free; else the acquirer waits its turn.
    mutating func acquire(_ lock: Int, by acquirer: Acquirer) -> Grant? {
        guard holders[lock] == nil else {
            waiting[lock, default: []].append(acquirer)
            return nil
        }
        return grant(lock, to: acquirer)
    }

    /// Records the release's notices; returns the next waiter's grant, if any.
    mutating func release(_ lock: Int, by node: Int, notices: [Int]) throws(SharedMemoryError) -> Grant? {
        guard let holder = holders[lock], holder.node == node else {
            throw .malformed("node \(node) released lock \(lock), which it does not hold")
        }
        holders[lock] = nil
        releases[lock, default: []].append(notices)
        // The releaser knows what it released.
        delivered[lock, default: [:]][node] = releases[lock]!.count
        guard var queue = waiting[lock], !queue.isEmpty else { return nil }
        let next = queue.removeFirst()
        waiting[lock] = queue
        return grant(lock, to: next)
    }

    private mutating func grant(_ lock: Int, to acquirer: Acquirer) -> Grant {
        holders[lock] = acquirer
        let log = releases[lock] ?? []
        let seen = delivered[lock]?[acquirer.node] ?? 0
        delivered[lock, default: [:]][acquirer.node] = log.count
        return Grant(lock: lock, acquirer: acquirer, notices: Array(Set(log[seen...].joined())).sorted())
    }
}
