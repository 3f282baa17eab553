import BrazosCore
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

/// Write protection of this process's own pages (a userfaultfd), for checkpoints that
/// copy a page only when the program writes it before the writer has saved it. A write to
/// a protected page, by a thread of the program or by the kernel on its behalf (a read(2)
/// into the buffer), waits while the thread `serve` started hands the address to the
/// handler, which saves the page and lifts the protection.
///
/// One per process, opened at the first checkpoint that protects a whole page; nil where
/// the kernel does not allow it (vm.unprivileged_userfaultfd = 0 for a user without
/// CAP_SYS_PTRACE, a kernel older than 5.7): protected buffers are then copied while the
/// threads wait at the checkpoint.
///
/// Unchecked: `descriptor` and `protectsUnpopulated` never change; `handler` is guarded.
package final class WriteProtection: @unchecked Sendable {
    private let descriptor: Int32
    /// Whether pages never touched are protected too (Linux 6.4); if not, `protect`
    /// makes them present first (a missing page would be filled by the write unseen).
    private let protectsUnpopulated: Bool
    private let handler = Guarded<(@Sendable (UnsafeMutableRawPointer) -> Void)?>(nil)

    private static let shared = Guarded<Result<WriteProtection, BrazosError>?>(nil)

    /// The process's write protection, opened on first use; the error says why there is
    /// none (also with BRAZOS_COPY_ON_WRITE=0, which asks for copies at the checkpoint).
    package static func open() -> Result<WriteProtection, BrazosError> {
        shared.withLock { shared in
            if let shared { return shared }
            let made: Result<WriteProtection, BrazosError>
            if JobConfig.environment("BRAZOS_COPY_ON_WRITE") == "0" {
                made = .failure(.configuration("BRAZOS_COPY_ON_WRITE=0"))
            } else {
                var unpopulated: Int32 = 0
                let fd = brazos_wp_open(&unpopulated)
                if fd < 0 {
                    made = .failure(.system(call: "userfaultfd", errno: -fd))
                } else {
                    made = .success(WriteProtection(descriptor: fd, protectsUnpopulated: unpopulated != 0))
                }
            }
            shared = made
            return made
        }
    }

    private init(descriptor: Int32, protectsUnpopulated: Bool) {
        self.descriptor = descriptor
        self.protectsUnpopulated = protectsUnpopulated
        NativeThread.spawn { [self] in serve() }
    }

    /// Where faults go from now on (nil: none expected; a stray one is let through).
    package func handleFaults(with handler: (@Sendable (UnsafeMutableRawPointer) -> Void)?) {
        self.handler.withLock { $0 = handler }
    }

    /// Write-protects whole pages [start, start + length): registers them (the memory
    /// must be private anonymous or shared memory) and sets the protection.
    package func protect(_ start: UnsafeMutableRawPointer, length: Int) throws(BrazosError) {
        var rc = brazos_wp_register(descriptor, start, length)
        guard rc == 0 else { throw .system(call: "UFFDIO_REGISTER", errno: -rc) }
        if !protectsUnpopulated {
            rc = brazos_populate_for_writing(start, length)
            guard rc == 0 else { throw .system(call: "madvise(MADV_POPULATE_WRITE)", errno: -rc) }
        }
        rc = brazos_wp_set(descriptor, start, length, 1)
        guard rc == 0 else { throw .system(call: "UFFDIO_WRITEPROTECT", errno: -rc) }
    }

    /// Lifts the protection of whole pages, and so lets the threads waiting to write them
    /// go on. A range no longer mapped (the program let the memory go) has nothing to lift.
    package func unprotect(_ start: UnsafeMutableRawPointer, length: Int) {
        if brazos_wp_set(descriptor, start, length, 0) != 0 { _ = brazos_wp_wake(descriptor, start, length) }
    }

    private func serve() {
        var address: UInt = 0
        while true {
            let rc = brazos_wp_next_fault(descriptor, &address)
            if rc == -EINTR || rc == 0 { continue }
            guard rc > 0 else {
                diagnose("brazos: write protection stopped: \(BrazosError.system(call: "read(userfaultfd)", errno: -rc))")
                return
            }
            let page = UnsafeMutableRawPointer(bitPattern: address & ~UInt(SavedSection.pageSize - 1))!
            if let handler = handler.withLock({ $0 }) {
                handler(page)
            } else {
                unprotect(page, length: SavedSection.pageSize)
            }
        }
    }
}
