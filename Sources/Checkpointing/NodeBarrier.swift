import BrazosCore

/// A barrier among the threads of one node (generation-counting): the leader may run work
/// after every thread arrived and before any leaves, which a checkpoint uses to save the
/// node's pages once. The leader's error reaches every thread. The number of threads is
/// given at each wait (threads come and go where they move); all of a generation must
/// give the same.
///
/// Unchecked: `arrived`, `generation` and `failure` are guarded by `mutex`, which
/// `condition` waits with.
public final class NodeBarrier: @unchecked Sendable {
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    private var arrived = 0
    private var generation = 0
    private var failure: Error?

    /// A barrier with no thread waiting.
    public init() {}

    /// Waits until `threads` threads arrived, runs `leaderWork` on the one caller that passes
    /// `isLeader`, waits for all again, then throws the leader's error on every thread.
    public func wait(threads: Int, isLeader: Bool, leaderWork: () throws -> Void = {}) throws {
        arriveAndWait(threads)
        if isLeader {
            do {
                try leaderWork()
            } catch {
                mutex.lock()
                failure = error
                mutex.unlock()
            }
        }
        arriveAndWait(threads)
        mutex.lock()
        let failed = failure
        mutex.unlock()
        if let failed { throw failed }
    }

    private func arriveAndWait(_ threads: Int) {
        mutex.lock()
        defer { mutex.unlock() }
        let mine = generation
        arrived += 1
        if arrived >= threads {
            arrived = 0
            generation += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait(mutex, seconds: 1) }
        }
    }
}
