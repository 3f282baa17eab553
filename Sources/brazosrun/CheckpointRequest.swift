#if canImport(Glibc)
import Glibc
#endif
import BrazosCore

/// `brazosrun checkpoint JOB`: asks the job whose brazosrun has process id JOB for a
/// checkpoint at its next eligible barrier, by SIGUSR1, which brazosrun forwards to every
/// node.
enum CheckpointRequest {
    static func send(to pid: pid_t) -> Int32 {
        // Only a brazosrun: a stray number must not signal some other process.
        var name = [UInt8](repeating: 0, count: 64)
        let file = open("/proc/\(pid)/comm", O_RDONLY)
        let count = file >= 0 ? read(file, &name, name.count) : -1
        if file >= 0 { close(file) }
        guard count > 0, String(decoding: name.prefix(count), as: UTF8.self).hasPrefix("brazosrun") else {
            diagnose("brazosrun checkpoint: process \(pid) is not a running brazosrun")
            return 1
        }
        guard kill(pid, SIGUSR1) == 0 else {
            diagnose("brazosrun checkpoint: cannot signal \(pid): errno \(errno)")
            return 1
        }
        print("asked job \(pid) for a checkpoint at its next eligible barrier")
        return 0
    }
}
