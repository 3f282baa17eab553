import BrazosCore

/// A barrier among the threads of one node (generation-counting): the leader may run work
/// after every thread arrived and before any leaves, which the node's shared-memory
/// barrier uses for its release and acquire. The leader's error reaches every thread.
public final class NodeBarrier: @unchecked Sendable {
    private let threads: Int
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    private var arrived = 0
    private var generation = 0
    private var failure: Error?

    public init(threads: Int) { self.threads = threads }

    public func wait(isLeader: Bool, leaderWork: () throws -> Void = {}) throws {
        arriveAndWait()
        if isLeader {
            do {
                try leaderWork()
            } catch {
                mutex.lock()
                failure = error
                mutex.unlock()
            }
        }
        arriveAndWait()
        mutex.lock()
        let failed = failure
        mutex.unlock()
        if let failed { throw failed }
    }

    private func arriveAndWait() {
        mutex.lock()
        defer { mutex.unlock() }
        let mine = generation
        arrived += 1
        if arrived == threads {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait(mutex, seconds: 1) }
        }
    }
}
