import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// A node killed at an exact moment that random kills hit only by chance, for the tests
/// (`BRAZOS_FAULT`, unset in real jobs):
///
///     writing:EPOCH:NODE          node NODE dies half-way through writing its part of EPOCH
///     restoring:NODE:MARKER       node NODE dies while restoring a checkpoint, once: the
///                                 file MARKER records that it happened
///     arriving:NODE:MARKER        node NODE dies when a moving thread has arrived and
///                                 before it runs there, once (MARKER as above)
package enum InjectedFault {
    package static func writing(epoch: Int, node: Int) {
        guard let fields = fields(), fields.count == 3, fields[0] == "writing", Int(fields[1]) == epoch, Int(fields[2]) == node else { return }
        die("half-way through writing its part of checkpoint epoch \(epoch)")
    }

    package static func restoring(node: Int) {
        once("restoring", node: node, "while restoring a checkpoint")
    }

    package static func arriving(node: Int, rank: Int, from source: Int) {
        once("arriving", node: node, "as rank \(rank) arrives from node \(source), before it runs")
    }

    private static func once(_ moment: String, node: Int, _ description: String) {
        guard let fields = fields(), fields.count == 3, fields[0] == moment, Int(fields[1]) == node else { return }
        let marker = open(String(fields[2]), O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard marker >= 0 else { return }
        close(marker)
        die(description)
    }

    private static func fields() -> [Substring]? {
        JobConfig.environment("BRAZOS_FAULT").map { $0.split(separator: ":", maxSplits: 2) }
    }

    private static func die(_ moment: String) -> Never {
        diagnose("brazos: BRAZOS_FAULT: killing this node \(moment)")
        raise(SIGKILL)
        _exit(137)
    }
}
