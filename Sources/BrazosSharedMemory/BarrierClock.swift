import BrazosCore

/// How many shared barriers this node's copies of pages have followed: after barrier k,
/// the first of the node's threads out of it invalidates what other nodes wrote, and
/// the others (and a thread arriving from another node past barrier k) wait for that.
///
/// Unchecked: `passed` is guarded by `mutex`, which `condition` waits with (and which is
/// held while the catching-up work runs, so that the others wait for it).
final class BarrierClock: @unchecked Sendable {
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    private var passed = 0

    /// The shared barriers this node's copies have followed.
    var barriersPassed: Int {
        mutex.lock()
        defer { mutex.unlock() }
        return passed
    }

    /// Does `work` for barrier `number` unless a thread of this node did it already.
    func catchUp(to number: Int, _ work: () throws -> Void) throws {
        mutex.lock()
        defer { mutex.unlock() }
        guard passed < number else { return }
        try work()
        passed = number
        condition.broadcast()
    }

    /// A thread arrives having passed `number` barriers: if threads here are still in
    /// that barrier (`behind`), it waits for them to catch the node up; if none is (the
    /// node hosted no thread for a while), `catchUpAlone` brings the node up to date.
    func arrive(having number: Int, behind: () -> Bool, catchUpAlone: () throws -> Void) throws {
        mutex.lock()
        defer { mutex.unlock() }
        if passed >= number { return }
        if behind() {
            while passed < number { condition.wait(mutex, seconds: 1) }
            return
        }
        try catchUpAlone()
        passed = number
        condition.broadcast()
    }
}
