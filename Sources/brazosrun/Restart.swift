import BrazosCore
import Checkpoint
#if canImport(Glibc)
import Glibc
#endif

/// `brazosrun restart --checkpoint-dir DIR -n N PROGRAM ARGS`: the newest complete
/// checkpoint in DIR, checked against what is to be started (same program, arguments and
/// thread count; the node count may differ), then the job is started from it.
enum Restart {
    static func prepare(_ options: inout Options) throws {
        guard let directory = options.checkpointDirectory else {
            throw BrazosError.configuration("restart needs --checkpoint-dir DIR")
        }
        let store = try CheckpointStore(existing: directory)
        guard let (manifest, skipped) = store.newestComplete() else {
            throw BrazosError.configuration("no complete checkpoint in \(directory) (brazosrun checkpoints verify \(directory) says why)")
        }
        for (epoch, reason) in skipped { diagnose("brazosrun: passing over checkpoint epoch \(epoch): \(reason)") }
        var differences: [String] = []
        if realPath(manifest.program) != realPath(options.program[0]) {
            differences.append("the program is \(options.program[0]), the checkpoint's \(manifest.program)")
        }
        if manifest.arguments != Array(options.program.dropFirst()) {
            differences.append("the arguments are '\(options.program.dropFirst().joined(separator: " "))', the checkpoint's '\(manifest.arguments.joined(separator: " "))'")
        }
        let threads = options.nodes * options.threadsPerNode
        if manifest.threads != threads {
            differences.append("-n \(options.nodes) -T \(options.threadsPerNode) makes \(threads) thread\(threads == 1 ? "" : "s"), the checkpoint has \(manifest.threads)")
        }
        guard differences.isEmpty else {
            throw BrazosError.configuration("refusing to restart from epoch \(manifest.epoch) in \(directory): " + differences.joined(separator: "; "))
        }
        options.restartEpoch = manifest.epoch
        diagnose("brazosrun: restarting from checkpoint epoch \(manifest.epoch) in \(directory) on \(options.nodes) node\(options.nodes == 1 ? "" : "s")")
    }

    private static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
