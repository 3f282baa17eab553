import Synchronization
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// How long a waiting thread spins before it blocks. More nodes than cores is the normal
/// case, so spinning is short: the first part only pauses (a syscall there would delay
/// noticing a message that arrives meanwhile), the rest yields the core now and then to a
/// node that may be waiting for it. When this host runs more compute threads than it has
/// CPUs, every spin yields: the thread that will answer may be waiting for this core.
public struct Backoff {
    /// Spin budget in seconds; `BRAZOS_SPIN_US` sets it for a job. Set once at start and
    /// read by every waiting thread, so it lives in an atomic (relaxed: a late reader only
    /// spins a little longer or shorter).
    public static var spinSeconds: Double {
        get { Double(bitPattern: spinSecondsBits.load(ordering: .relaxed)) }
        set { spinSecondsBits.store(newValue.bitPattern, ordering: .relaxed) }
    }
    private static let spinSecondsBits = Atomic<UInt64>((100e-6).bitPattern)
    /// Set by the node once it knows how many threads share its host.
    public static var yieldsAtOnce: Bool {
        get { yieldsAtOnceFlag.load(ordering: .relaxed) }
        set { yieldsAtOnceFlag.store(newValue, ordering: .relaxed) }
    }
    private static let yieldsAtOnceFlag = Atomic<Bool>(false)
    private var start = 0.0
    private var iterations = 0

    /// A backoff at the start of its budget.
    public init() {}

    /// Starts the spin count over, for the next wait.
    public mutating func reset() { iterations = 0 }

    /// Spins once; returns true when the budget is spent and the caller should block.
    public mutating func spinOrExpire() -> Bool {
        iterations += 1
        // The clock is first read after some turns: most waits end before, and a read
        // costs as much as a turn.
        if iterations == 16 { start = monotonicSeconds() }
        if Self.yieldsAtOnce {
            if iterations & 15 == 0 && iterations > 16 && monotonicSeconds() - start > Self.spinSeconds { return true }
            sched_yield()
            return false
        }
        if iterations & 63 == 0 {
            let spun = monotonicSeconds() - start
            if spun > Self.spinSeconds { return true }
            if spun > Self.spinSeconds / 4 { sched_yield(); return false }
        }
        brazos_cpu_relax()
        return false
    }
}

/// Drives the inbound sources of one node. Any thread that waits takes the poller role
/// when it is free and polls every source; the others wait on a condition variable that
/// the poller (or a thread completing something in memory) signals. After a short spin
/// the poller sleeps in poll() on every source's descriptors and an eventfd that
/// `notify()` writes when the poller must look again.
///
/// Unchecked: `sources`, `pollSetReference` and `reportFrameError` are set at wire-up
/// (`attach(sources:)`, `attach(sink:)`, then the frame-error reporter) before any thread
/// of the node waits or sends, and `detachSink` clears the poll set when the node
/// finishes, after its threads have stopped; in between they are only read, and the poll
/// set they lead to never changes. Its sources are polled only by the thread holding
/// `pollerRole`; its sink (the message engine) locks itself, since `deliverInMemory`
/// calls it from any thread. `failure` is guarded by `waitMutex`; `words` are only
/// touched through C atomics, `pollerRole` and `deferredWorkPending` are atomics, and
/// `interrupt` and `threads` are set in init and never change.
public final class ProgressEngine: @unchecked Sendable {
    /// Set once at wire-up; immutable so that polling reads it without retains or checks.
    private final class PollSet {
        /// The shared-memory source, polled on every spin of every wait, is called
        /// directly and borrowed (each protocol-typed element of `sources` is retained
        /// and released per call); `sources` below keeps it alive.
        let sharedMemory: Unmanaged<SharedMemoryInbound>?
        let sources: ContiguousArray<InboundSource>
        private let allSources: [InboundSource]
        /// Held strongly: a field of a borrowed object is read without retain and release
        /// (an unowned one would be retained at every read). The cycle it makes with the
        /// layer above is broken by `detachSink` when the node finishes.
        let sink: FrameSink

        init(sources: [InboundSource], sink: FrameSink) {
            sharedMemory = sources.lazy.compactMap { $0 as? SharedMemoryInbound }.first.map { .passUnretained($0) }
            self.sources = ContiguousArray(sources.filter { !($0 is SharedMemoryInbound) })
            allSources = sources
            self.sink = sink
        }
    }

    private var sources: [InboundSource] = []
    /// Retained once in `attach(sink:)` and released in deinit, so that the polling
    /// loop borrows it without retain and release on every spin.
    private var pollSetReference: Unmanaged<PollSet>?
    /// Held by the thread that polls; a flag, not a lock: nobody waits for it.
    private let pollerRole = Atomic<Bool>(false)
    private let waitMutex = PthreadMutex()
    private let waitCondition = PthreadCondition()
    private let interrupt: Int32
    /// Atomic words: completions seen, threads waiting on the condition, poller asleep, failed.
    private let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 4)
    private var failure: BrazosError?
    /// Called with errors that concern one frame, not the job (a malformed frame).
    public var reportFrameError: (Error) -> Void = { _ in }

    /// Threads of the node that wait on this engine. With one, nobody else ever waits, so
    /// completions need no announcing (`notify` does nothing).
    private let threads: Int

    /// An engine for a node where `threads` threads may wait; with one, completions are not
    /// announced. Sources and sink are attached later.
    public init(threads: Int) {
        self.threads = threads
        interrupt = brazos_eventfd()
        words.initialize(repeating: 0, count: 4)
    }

    deinit {
        pollSetReference?.release()
        close(interrupt)
        words.deallocate()
    }

    private var completions: UnsafeMutableRawPointer { UnsafeMutableRawPointer(words) }
    private var waiters: UnsafeMutableRawPointer { UnsafeMutableRawPointer(words + 1) }
    private var pollerAsleep: UnsafeMutableRawPointer { UnsafeMutableRawPointer(words + 2) }
    private var failed: UnsafeMutableRawPointer { UnsafeMutableRawPointer(words + 3) }

    /// Sets what is polled: called once by the node during wire-up.
    public func attach(sources: [InboundSource]) {
        self.sources = sources
    }

    /// Sets where frames go: called once by the layer above, before any thread waits.
    public func attach(sink: FrameSink) {
        pollSetReference?.release()
        pollSetReference = .passRetained(PollSet(sources: sources, sink: sink))
    }

    /// Drops the poll set (and its hold on the sink): nothing is polled after this.
    public func detachSink() {
        pollSetReference?.release()
        pollSetReference = nil
    }

    /// Hands a frame to the sink in memory (threads of one node), then wakes waiters.
    public func deliverInMemory(_ header: FrameHeader, payload: UnsafeRawBufferPointer, fromNode node: Int) throws {
        guard let reference = pollSetReference else {
            throw BrazosError.configuration("a frame was sent before the message layer attached")
        }
        try reference._withUnsafeGuaranteedRef { try $0.sink.deliver(header, payload: payload, fromNode: node) }
        notify()
    }

    /// Marks the job as failed: every wait from now on throws `error`.
    public func fail(_ error: BrazosError) {
        waitMutex.withLock { if failure == nil { failure = error } }
        brazos_store_release_u64(failed, 1)
        notify()
    }

    /// Read on every step of every wait: an atomic word first, the lock only after a failure.
    public var currentFailure: BrazosError? {
        guard brazos_load_acquire_u64(failed) != 0 else { return nil }
        return waitMutex.withLock { failure }
    }

    /// Wakes every waiting thread to look at its condition again: called when something
    /// completed outside a poll (a hand-off in memory).
    public func notify() {
        guard threads > 1 else { return }
        // Sequentially consistent read-modify-write and loads pair with the sleepers'
        // (Dekker): either they see the new count or this sees them asleep.
        brazos_increment_u64(completions)
        if brazos_load_seq_cst_u64(pollerAsleep) != 0 {
            var one: UInt64 = 1
            _ = write(interrupt, &one, 8)
        }
        if brazos_load_seq_cst_u64(waiters) != 0 {
            waitMutex.withLock { waitCondition.broadcast() }
        }
    }

    /// With one thread there is nobody to share the role with, and an atomic exchange on
    /// every turn of a wait would lengthen the time to notice a message.
    @inline(__always)
    private func takePollerRole() -> Bool {
        threads == 1 || !pollerRole.load(ordering: .relaxed) && !pollerRole.exchange(true, ordering: .acquiring)
    }

    @inline(__always)
    private func givePollerRoleBack() {
        if threads > 1 { pollerRole.store(false, ordering: .releasing) }
    }

    /// Polls once if no other thread is polling; returns the frames delivered.
    @discardableResult
    public func poll() throws -> Int {
        guard takePollerRole() else { return 0 }
        let delivered: Int
        do {
            delivered = try pollSources()
        } catch {
            givePollerRoleBack()
            throw error
        }
        givePollerRoleBack()
        try performDeferredWork()
        return delivered
    }

    /// Polls once if no other thread is polling, and leaves deferred work to the next
    /// `poll`: for a transport's send waiting for room while it holds its link's send
    /// lock, which deferred work (replies, forwards, pushes) may need for the same link.
    @discardableResult
    public func pollInbound() throws -> Int {
        guard takePollerRole() else { return 0 }
        defer { givePollerRoleBack() }
        return try pollSources()
    }

    /// Set by the sink when `deliver` put work off, so that the polling loop calls the
    /// sink only when there is some.
    private let deferredWorkPending = Atomic<Bool>(false)

    /// Called by the sink when `deliver` put work off, so the poller calls its
    /// `performDeferredWork` after this poll. Safe from any thread.
    public func noteDeferredWork() { deferredWorkPending.store(true, ordering: .releasing) }

    private func performDeferredWork() throws {
        guard deferredWorkPending.load(ordering: .acquiring) else { return }
        deferredWorkPending.store(false, ordering: .relaxed)
        try pollSetReference?._withUnsafeGuaranteedRef { try $0.sink.performDeferredWork() }
    }

    /// A malformed frame is reported and skipped; any other error fails the node.
    @inline(__always)
    private func polling(_ poll: () throws -> Int) throws -> Int {
        do {
            return try poll()
        } catch let error as BrazosError {
            if case .malformed = error {
                reportFrameError(error)
                return 0
            }
            fail(error)
            throw error
        }
    }

    private func pollSources() throws -> Int {
        guard let reference = pollSetReference else { return 0 }
        let delivered = try reference._withUnsafeGuaranteedRef { pollSet throws -> Int in
            var delivered = 0
            if let sharedMemory = pollSet.sharedMemory {
                delivered += try sharedMemory._withUnsafeGuaranteedRef { source in try polling { try source.poll(into: pollSet.sink) } }
            }
            for index in pollSet.sources.indices {
                delivered += try polling { try pollSet.sources[index].poll(into: pollSet.sink) }
            }
            return delivered
        }
        if delivered > 0 { notify() }
        return delivered
    }

    /// Waits until `done()` holds, driving progress meanwhile.
    public func wait(until done: () -> Bool) throws {
        var backoff = Backoff()
        while !done() {
            try progressWhileBlocked(&backoff)
        }
    }

    /// One step of a wait: poll, spin, or block until something may have changed.
    public func progressWhileBlocked(_ backoff: inout Backoff) throws {
        if let failure = currentFailure { throw failure }
        let seen = brazos_load_acquire_u64(completions)
        if takePollerRole() {
            let delivered: Int
            do {
                delivered = try pollSources()
                if delivered == 0 && backoff.spinOrExpire() {
                    blockInPoll(unlessCompletionsChangedFrom: seen)
                    backoff.reset()
                }
            } catch {
                givePollerRoleBack()
                throw error
            }
            givePollerRoleBack()
            if delivered > 0 { backoff.reset() }
            try performDeferredWork()
        } else if backoff.spinOrExpire() {
            waitForNotification(unlessCompletionsChangedFrom: seen)
            backoff.reset()
        }
    }

    private func blockInPoll(unlessCompletionsChangedFrom seen: UInt64) {
        var prepared: [InboundSource] = []
        defer {
            for source in prepared { source.finishedBlocking() }
            if brazos_load_acquire_u64(waiters) != 0 { waitMutex.withLock { waitCondition.broadcast() } }
        }
        for source in sources {
            guard source.prepareToBlock() else { return }
            prepared.append(source)
        }
        brazos_store_seq_cst_u64(pollerAsleep, 1)
        defer { brazos_store_release_u64(pollerAsleep, 0) }
        guard brazos_load_seq_cst_u64(completions) == seen else { return }
        var descriptors = [pollfd(fd: interrupt, events: Int16(POLLIN), revents: 0)]
        for source in sources {
            for fd in source.wakeDescriptors { descriptors.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        }
        // The timeout is a safety net for failure checks, not the wake-up path.
        _ = Glibc.poll(&descriptors, nfds_t(descriptors.count), 200)
        var value: UInt64 = 0
        _ = read(interrupt, &value, 8)
    }

    private func waitForNotification(unlessCompletionsChangedFrom seen: UInt64) {
        waitMutex.lock()
        brazos_increment_u64(waiters)
        if brazos_load_seq_cst_u64(completions) == seen && failure == nil {
            waitCondition.wait(waitMutex, seconds: 0.02)
        }
        brazos_decrement_u64(waiters)
        waitMutex.unlock()
    }
}
