import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// One attempt of a job as `brazosrun status` shows it, taken at once.
struct JobSnapshot {
    struct Checkpoint {
        let epoch: Int
        /// Monotonic seconds.
        let time: Double
        let bytes: Int
    }

    let options: Options
    let recoveries: Int
    let jobStarted: Double
    /// Every node has wired up and the program runs.
    let running: Bool
    let nodes: [NodeRecord]
    /// The nodes taken for failed.
    let failed: Set<Int>
    /// The newest checkpoint this attempt completed.
    let checkpoint: Checkpoint?
    let now: Double

    /// The job in full: a heading, then a line per node.
    func report(job: pid_t) -> String {
        var lines = ["job \(job): \(options.program.joined(separator: " "))"]
        let flags = [options.migratable ? "--migratable" : nil, options.checkpointDirectory.map { "checkpoints in \($0)" }].compactMap { $0 }
        let placement = options.rankPlacement, perNode = placement.ranksPerNode.first ?? 0
        let shape = placement.isUniform ? "x \(perNode) thread\(perNode == 1 ? "" : "s")" : "with \(placement.environmentValue) threads"
        lines.append("  \(options.nodes) node\(options.nodes == 1 ? "" : "s") \(shape)"
                     + (flags.isEmpty ? "" : ", " + flags.joined(separator: ", "))
                     + "; \(running ? "running" : "starting") for \(seconds(now - jobStarted)); recoveries: \(recoveries)")
        let barriers = nodes.compactMap { $0.reported["barriers"] }.max()
        lines.append("  shared barriers passed: \(barriers.map(String.init) ?? "none reported")")
        if options.checkpointDirectory != nil {
            if let checkpoint {
                lines.append("  last complete checkpoint: epoch \(checkpoint.epoch), \(seconds(now - checkpoint.time)) ago, \(checkpoint.bytes) bytes")
            } else if let epoch = options.restartEpoch {
                lines.append("  last complete checkpoint: epoch \(epoch) (this attempt started from it)")
            } else {
                lines.append("  last complete checkpoint: none yet")
            }
        }
        if options.migratable {
            let moves = nodes.reduce(0) { $0 + ($1.reported["arrivals"] ?? 0) }
            let joined = nodes.filter { $0.joined && $0.wasAdmitted }.count, drained = nodes.filter { $0.phase == .drained }.count
            lines.append("  migrations this attempt: \(moves) thread move\(moves == 1 ? "" : "s"); nodes joined: \(joined), drained: \(drained)")
        }
        lines.append("  node  host              pid      state     threads  barriers  heartbeat")
        // The pid is the node's own, as it said in its hello: its launcher's (ssh, srun)
        // says nothing on the node's host.
        for (index, node) in nodes.enumerated() {
            // A node that left says nothing more: its last heartbeat's threads have moved away.
            let gone = node.phase == .drained || node.hasExited
            let heartbeat = gone ? "-" : node.heard.map { "\(seconds(now - $0)) ago" } ?? "-"
            let threads = gone ? "0" : node.reported["threads"].map(String.init) ?? "-"
            lines.append("  " + [pad(index, 4), pad(node.host, 16), pad(node.card.map { $0.pid } ?? node.pid, 7), pad(state(of: node, index), 8),
                                 pad(threads, 7), pad(node.reported["barriers"].map(String.init) ?? "-", 8), heartbeat]
                .joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    private func state(of node: NodeRecord, _ index: Int) -> String {
        if failed.contains(index) { return "failed" }
        if node.phase == .drained { return "drained" }
        if node.hasExited { return "exited" }
        if !node.wasAdmitted { return "joining" }
        if node.phase.hasFinished { return "done" }
        return node.phase == .starting || node.phase == .connected ? "starting" : "running"
    }

    private func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private func seconds(_ value: Double) -> String { "\(format1(max(0, value))) s" }
}

/// `brazosrun status [JOB]`: the running jobs of this machine (in this network
/// namespace), or job JOB in full; with one job running, that job in full.
enum StatusCommand {
    static func run(job: pid_t?) -> Int32 {
        if let job { return show(job) }
        let jobs = runningJobs()
        switch jobs.count {
        case 0:
            print("no brazosrun job is running here (in this network namespace)")
            return 1
        case 1:
            return show(jobs[0])
        default:
            for job in jobs {
                let heading = (try? JobControl.ask(job, .status))?.text.split(separator: "\n").prefix(2).joined(separator: "\n") ?? "job \(job): not answering"
                print(heading)
            }
            print("(brazosrun status JOB shows one in full)")
            return 0
        }
    }

    private static func show(_ job: pid_t) -> Int32 {
        do {
            print(try JobControl.ask(job, .status).text)
            return 0
        } catch {
            diagnose("brazosrun status: \(error)")
            return 1
        }
    }

    /// The process ids of brazosruns listening on their job-control sockets: abstract
    /// Unix sockets, listed in /proc/net/unix as `@brazosrun-job-PID`.
    static func runningJobs() -> [pid_t] {
        guard let file = fopen("/proc/net/unix", "r") else { return [] }
        defer { fclose(file) }
        let prefix = "@" + JobControl.namePrefix
        var jobs = Set<pid_t>()
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard let path = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).last, path.hasPrefix(prefix),
                  let pid = pid_t(path.dropFirst(prefix.count)) else { continue }
            jobs.insert(pid)
        }
        return jobs.sorted()
    }
}
