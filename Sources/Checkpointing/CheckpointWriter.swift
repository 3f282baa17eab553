import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// Writes this node's checkpoint parts on a thread of its own while the compute threads
/// go on, one part at a time: to the node's local directory first when it has one (then
/// copied into the shared directory), durably, and then tells the launcher, which writes
/// the epoch's manifest once every node's part is in.
///
/// Unchecked: `pending` and `busy` are guarded by `mutex`, which `condition` waits with.
/// A part's sealed pieces are the writer's alone until released; the node's saver waits
/// for `waitUntilIdle` before its layers capture again. `store`, `local` and `node` never change.
final class CheckpointWriter: @unchecked Sendable {
    /// One node's part of one epoch: small sections, and the layers' sealed pieces.
    struct Part {
        let epoch: Int
        let base: Int?
        let sections: [CheckpointSection]
        let pieces: [any SealedPieces]
        /// For the launcher's report: how long the barrier was held (microseconds), and
        /// how many ranks' threads it saved (the launcher knows an epoch is whole when its
        /// parts hold every rank).
        let stall: Int
        let ranks: Int
    }

    private let store: CheckpointStore
    private let local: CheckpointStore?
    private let node: Int
    private let coordinator: PartCoordinator
    private let mutex = PthreadMutex()
    private let condition = PthreadCondition()
    private var pending: Part?
    private var busy = false

    init(store: CheckpointStore, local: CheckpointStore?, node: Int, coordinator: PartCoordinator) {
        self.store = store
        self.local = local
        self.node = node
        self.coordinator = coordinator
        NativeThread.spawn { [self] in run() }
    }

    /// Hands a part to the writer (after `waitUntilIdle`).
    func submit(_ part: Part) {
        mutex.withLock {
            pending = part
            busy = true
            condition.broadcast()
        }
    }

    /// Returns once the last part handed over is written (or failed, which was reported).
    func waitUntilIdle() {
        mutex.withLock { while busy { condition.wait(mutex, seconds: 1) } }
    }

    /// Whether the last part handed over is written (or failed), without waiting.
    var isIdle: Bool {
        mutex.withLock { !busy }
    }

    private func run() {
        while true {
            let part: Part = mutex.withLock {
                while pending == nil { condition.wait(mutex, seconds: 3600) }
                defer { pending = nil }
                return pending!
            }
            write(part)
            mutex.withLock {
                busy = false
                condition.broadcast()
            }
        }
    }

    private func write(_ part: Part) {
        let me = node
        let start = monotonicSeconds(), startCPU = threadCPUSeconds()
        // Whatever happens, the layers' copies and protections go once the part is done.
        defer { for pieces in part.pieces { pieces.release() } }
        do {
            let target = local ?? store
            var changed = 0, total = 0
            let entry = try target.writePart(epoch: part.epoch, node: me) { writer in
                for section in part.sections { try writer.add(section) }
                InjectedFault.writing(epoch: part.epoch, node: me)
                for pieces in part.pieces {
                    let counts = try pieces.write(to: writer)
                    changed += counts.changed
                    total += counts.total
                }
            }
            if let local {
                try store.copyPart(epoch: part.epoch, node: me, from: local)
                local.removeEpochs(before: part.epoch)
            }
            try coordinator.partWritten(PartReport(
                epoch: part.epoch, node: me, bytes: entry.size, checksum: entry.checksum, base: part.base, changedPages: changed,
                homePages: total, stallMicroseconds: part.stall, ranks: part.ranks,
                writeMicroseconds: Int((monotonicSeconds() - start) * 1e6),
                cpuMicroseconds: Int((threadCPUSeconds() - startCPU + part.pieces.reduce(0) { $0 + $1.costs.handlerCPUSeconds }) * 1e6),
                faultWaitMicroseconds: Int(part.pieces.reduce(0) { $0 + $1.costs.faultWaitSeconds } * 1e6)))
        } catch {
            coordinator.partFailed(epoch: part.epoch, node: me, reason: "\(error)")
        }
    }
}
