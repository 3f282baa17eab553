import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// How brazosrun starts a node of a job: the command (the program itself on this host,
/// through `--launcher` elsewhere), its environment (brazosrun's own, then the job's
/// variables), and, with `--tag-output`, a thread copying its output with a prefix.
/// Immutable: any thread may start nodes.
struct NodeSpawner: Sendable {
    let options: Options
    let jobID: String
    let secret: [UInt8]
    /// The control port nodes connect to.
    let port: UInt16

    /// Starts node `node` on `host`; `interval`: the checkpoint interval in force (a node
    /// that joins later takes the one the configuration file set meanwhile). Returns its
    /// pid, and the thread copying its output, to join once it has exited.
    func start(node: Int, on host: String, interval: Double?) throws(BrazosError) -> (pid: pid_t, forwarder: pthread_t?) {
        let (pid, output) = try spawn(command(for: host, node: node, interval: interval),
                                      environment: environment(node: node, interval: interval), captureOutput: options.tagOutput)
        let prefix = tag(node: node)
        return (pid, output.map { output in NativeThread.spawnJoinable { forwardTagged(output, prefix: prefix) } })
    }

    /// The prefix of a node's output lines: its rank when it hosts one, else the node
    /// (the threads of a node share its standard output).
    private func tag(node: Int) -> String {
        options.rankPlacement.ranksPerNode.allSatisfy({ $0 == 1 }) && node < options.nodes ? "[rank \(node)] " : "[node \(node)] "
    }

    /// Started directly; in a Slurm allocation never: every node is a step of its own.
    private func isLocal(_ host: String) -> Bool {
        options.srunJob == nil && (host == "localhost" || host == "127.0.0.1" || host == HostIdentity.name)
    }

    private func command(for host: String, node: Int, interval: Double?) -> [String] {
        if isLocal(host) { return options.program }
        let template = options.srunJob.map(SrunLaunch.template(job:)) ?? options.launcher
        let launcher = template.replacingAll("{host}", with: host).split(separator: " ").map(String.init)
        // `env` carries the job's variables through launchers (ssh) that do not.
        let job = jobVariables(node: node, interval: interval)
        return launcher + ["env"] + Self.settingsPassedOn(besides: job) + job + options.program
    }

    private func jobVariables(node: Int, interval: Double?) -> [String] {
        var variables = [
            "BRAZOS_JOB=\(jobID)", "BRAZOS_SECRET=\(secret.hexString)", "BRAZOS_NODES=\(options.nodes)",
        ]
        // The uniform case as under mpirun or srun; an uneven one by its list.
        let placement = options.rankPlacement
        if placement.isUniform {
            variables.append("BRAZOS_THREADS_PER_NODE=\(placement.ranksPerNode.first ?? 1)")
        } else {
            variables.append("BRAZOS_RANKS_PER_NODE=\(placement.environmentValue)")
        }
        variables.append("BRAZOS_NODE=\(node)")
        variables.append("BRAZOS_CONTROL=\(options.controlAddress):\(port)")
        // A node that joins gets its ranks by moves, never from a checkpoint.
        let joining = node >= options.nodes
        if joining { variables.append("BRAZOS_JOINING=1") }
        if options.bindToCore { variables.append("BRAZOS_BIND=core") }
        if let transport = options.transport { variables.append("BRAZOS_TRANSPORT=\(transport)") }
        if options.migratable { variables.append("BRAZOS_MIGRATABLE=1") }
        if let directory = options.checkpointDirectory { variables.append("BRAZOS_CHECKPOINT_DIR=\(directory)") }
        if let epoch = options.restartEpoch, !joining { variables.append("BRAZOS_RESTART_EPOCH=\(epoch)") }
        variables.append("BRAZOS_LOG_FORMAT=\(options.logFormat.rawValue)")
        variables.append("BRAZOS_LOG_LEVEL=\(options.logLevel.rawValue)")
        if let directory = options.localCheckpointDirectory { variables.append("BRAZOS_LOCAL_CHECKPOINT_DIR=\(directory)") }
        if let interval { variables.append("BRAZOS_CHECKPOINT_INTERVAL=\(interval)") }
        variables.append("BRAZOS_HEARTBEAT=\(options.heartbeat)")
        for item in options.exported {
            if item.contains("=") { variables.append(item) }
            else if let value = JobConfig.environment(item) { variables.append("\(item)=\(value)") }
        }
        return variables
    }

    /// Variables brazosrun sets for the job itself: an outer environment's values (another
    /// job's identity, a stale restart epoch) must never reach the nodes.
    private static let setByTheLauncher: Set<Substring> = [
        "BRAZOS_JOB", "BRAZOS_SECRET", "BRAZOS_NODES", "BRAZOS_THREADS_PER_NODE", "BRAZOS_RANKS_PER_NODE", "BRAZOS_NODE", "BRAZOS_CONTROL",
        "BRAZOS_JOINING", "BRAZOS_BIND", "BRAZOS_CHECKPOINT_DIR", "BRAZOS_RESTART_EPOCH", "BRAZOS_LOG_FORMAT", "BRAZOS_LOG_LEVEL",
        "BRAZOS_LOCAL_CHECKPOINT_DIR", "BRAZOS_CHECKPOINT_INTERVAL", "BRAZOS_HEARTBEAT",
    ]

    /// brazosrun's environment, then the job's variables.
    private func environment(node: Int, interval: Double?) -> [String] {
        let job = jobVariables(node: node, interval: interval)
        return Self.inherited { !$0.hasPrefix("BRAZOS_") } + Self.settingsPassedOn(besides: job) + job
    }

    /// brazosrun's `BRAZOS_` settings that are not the job's own (the shared region's size,
    /// the transport's tuning, traces): every node gets them as they are, on any host.
    private static func settingsPassedOn(besides job: [String]) -> [String] {
        let given = Set(job.map { $0.prefix { $0 != "=" } })
        return inherited { name in name.hasPrefix("BRAZOS_") && !given.contains(name) && !setByTheLauncher.contains(name) }
    }

    /// The entries of brazosrun's environment whose names `including` accepts.
    private static func inherited(_ including: (Substring) -> Bool) -> [String] {
        var entries: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if including(text.prefix { $0 != "=" }) { entries.append(text) }
            entry += 1
        }
        return entries
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
