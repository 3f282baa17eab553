import BrazosCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// brazosrun's command line, mpirun-shaped, read by hand rather than by ArgumentParser
/// (which reads the subcommands, Subcommands.swift): what `--config` sets depends on where
/// it stands among the options, and `--host`/`--hostfile` and `-v`/`--log-level` act in the
/// order given, while ArgumentParser hands over values without their order
/// (docs/ARCHITECTURE.md, *brazosrun*).
struct Options {
    var nodes = 1
    /// `-T`, where given: a job without it runs a thread a node, a restart without it
    /// spreads the checkpoint's threads over the nodes (`spreadThreads`).
    var threadsPerNode: Int?
    /// The checkpoint's threads, for a restart without `-T` (set by `Restart.prepare`).
    var spreadThreads: Int?
    var hosts: [String] = []
    var launcher = "ssh {host}"
    /// In a Slurm allocation, its job id: nodes start through srun in it (Slurm/).
    var srunJob: String?
    var controlAddress = "127.0.0.1"
    var exported: [String] = []
    var tagOutput = false
    var bindToCore = false
    /// How nodes go onto the hosts (`--map-by`): `slot` fills each host's slots in turn,
    /// `node` takes one slot of each host in turn.
    var mapByNode = false
    /// Print where each node runs before starting (`--display-map`).
    var displayMap = false
    /// Seconds after which the job is stopped (`--timeout`, else `MPIEXEC_TIMEOUT`).
    var timeout: Double?
    /// Where `timeout` came from, for the message when it expires.
    var timeoutSetting = "--timeout"
    /// What brazosrun and the nodes say, and how (`--verbose`, `--log-level`, `--log-format`).
    var logLevel: Logger.Level = JobConfig.environment("BRAZOS_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
    var logFormat: Log.Format = JobConfig.environment("BRAZOS_LOG_FORMAT").flatMap(Log.Format.init(rawValue:)) ?? .text
    var transport: String?
    /// Threads may move between nodes (`--migratable`).
    var migratable = false
    /// Where the program's checkpoints go (`--checkpoint-dir`), absolute.
    var checkpointDirectory: String?
    /// Where each node writes its part first, on its own disk (`--local-checkpoint-dir`).
    var localCheckpointDirectory: String?
    /// Complete checkpoints kept (with the ones they build on).
    var keepCheckpoints = 2
    /// Hosts to put a failed host's nodes on, in order (`--spare-hosts`).
    var spareHosts: [String] = []
    /// The job's configuration file (`--config`), read again when it changes, and the
    /// version of it last read (taken before reading, so a change after is noticed).
    var configFile: String?
    var configVersion: String?
    /// The epoch a restart continues from (set by `brazosrun restart`).
    var restartEpoch: Int?
    /// With a checkpoint directory: restart the job by itself when a node dies.
    var autoRecover = true
    /// Seconds between a node's heartbeats; a node silent for 5 periods (at least 2 s) is
    /// taken for hung or cut off.
    var heartbeat: Double = JobConfig.environment("BRAZOS_HEARTBEAT").flatMap { Double($0) } ?? 1
    /// Seconds between checkpoints at the program's eligible barriers, if any.
    var checkpointInterval: Double? = JobConfig.environment("BRAZOS_CHECKPOINT_INTERVAL").flatMap { Double($0) }
    var program: [String] = []

    static let usage = """
    usage: brazosrun -n N [options] PROGRAM [ARGS...]

    Starts N node processes of PROGRAM, wires them up and supervises them.

      -n, -np N                 number of node processes (default 1)
      -T, --threads-per-node T  compute threads (ranks) per node (default 1); rank r runs
                                on node r / T
      --host H1[:SLOTS],H2...   hosts, in order; each takes SLOTS nodes (default 1), and the
                                list repeats when N is larger. localhost runs directly.
      --hostfile FILE           hosts from FILE, OpenMPI style: "host [slots=N]" per line
      --launcher TEMPLATE       command that runs a node on another host; {host} is replaced
                                (default "ssh {host}"; tests use "ip netns exec {host}")
      --control-address IP      address nodes use to reach this launcher (default 127.0.0.1)
      -x VAR[=VALUE]            export VAR (its value here, or VALUE) to every node
      --map-by slot|node        slot (default): fill each host's slots before the next host;
                                node: one slot of each host in turn
      --display-map             print each node's host and ranks before starting
      --tag-output              prefix every output line with [rank R], or with [node K]
                                when nodes host several threads
      --bind-to core|none       bind each node and thread to its own core (hwloc)
      --timeout TIME            stop the job after TIME (30, 90s, 10m), exit status 124;
                                without it, MPIEXEC_TIMEOUT (seconds; 0: none) if set
      -v, --verbose             also a line per thread move (and every other debug line);
                                as --log-level debug
      --log-level LEVEL         trace, debug, info (default), notice, warning, error or
                                critical: lines below it are not written (nodes too)
      --log-format text|json    text (default): each line as it reads; json: one object per
                                line (time, level, process, pid, node, message, and fields
                                such as event, epoch, bytes, stall_ms, write_ms, rank)
      --oversubscribe           accepted, as mpirun's: brazosrun runs more nodes than cores
                                anyway (waiting threads back off instead of spinning)
      --allow-run-as-root       accepted, as mpirun's: brazosrun runs as root without it
      --transport auto|tcp      tcp: use TCP even between nodes of one host
      --migratable              threads may move between nodes while the job runs
                                (BrazosThread.migrate): messages carry sequence numbers
                                and collectives run flat
      --checkpoint-dir DIR      where the program's checkpoints go (SharedMemory.checkpoint);
                                when a node dies, the job restarts by itself from the newest
                                complete checkpoint (or from the beginning before the first)
      --no-auto-recover         with --checkpoint-dir: stop when a node dies instead
      --heartbeat TIME          nodes report every TIME (default 1s); one silent for 5 periods
                                (at least 2 s) is hung or cut off: it is killed and the job
                                stops or recovers
      --checkpoint-every TIME   also take a checkpoint at the program's first eligible barrier
                                (SharedMemory.barrier(by:saving:)) after TIME: 30s, 500ms,
                                2m (default: BRAZOS_CHECKPOINT_INTERVAL seconds, or never)
      --keep-checkpoints K      complete checkpoints to keep (default 2)
      --local-checkpoint-dir D  each node writes its part under D first (its own disk), then
                                copies it into --checkpoint-dir in the background
      --spare-hosts H1,H2...    when a host fails, its nodes restart on the next spare host
                                (without spares, on the surviving hosts)
      --config FILE             options from FILE, one "name value" line each (names as the
                                options above, without "--"); later options override it.
                                When FILE changes (or on SIGHUP), checkpoint-every is applied
                                to the running job

    In a Slurm allocation (an sbatch script, salloc):
                                without --host/--hostfile, the hosts are the allocation's
                                nodes with their task counts as slots; without -n, one node
                                per task; without --spare-hosts, the nodes left over are
                                spares; every node starts as a step of its own (srun -w
                                HOST; --launcher replaces srun)

    Signals to brazosrun:
      SIGUSR1                   a checkpoint at the next eligible barrier
      SIGTERM, SIGPWR           with --checkpoint-dir: a checkpoint at the next eligible
                                barrier, then a clean stop (restart continues); a second one,
                                or any without --checkpoint-dir, stops the nodes at once
      (to one node process)     SIGTERM, SIGPWR from outside: with --migratable and the
                                other nodes healthy, the node is drained; else a checkpoint
                                at the next eligible barrier, then the job continues from
                                it without that node's host
      -h, --help                this text

    Other commands (brazosrun COMMAND --help: its usage):
      brazosrun restart --checkpoint-dir DIR -n N [-T T] PROGRAM ARGS
                                continue a job from the newest complete checkpoint in DIR
                                (same program and arguments) on N nodes: without -T the
                                checkpoint's threads are spread over them (4 on 3: 2, 1,
                                1); with -T, N x T must be the checkpoint's threads; other
                                options as for a job
      brazosrun checkpoints list|verify DIR
                                what a checkpoint directory holds
      brazosrun status [JOB]    the jobs running here, or job JOB in full (one job running:
                                that one): its nodes (host, pid, state, threads, shared
                                barriers, heartbeat age), its last complete checkpoint,
                                recoveries, thread moves, nodes joined and drained
      brazosrun checkpoint JOB  take a checkpoint at the next eligible barrier of the job
                                whose brazosrun has process id JOB (as SIGUSR1 to it does)
      brazosrun drain JOB --node K
                                move node K's threads to the other nodes at the job's next
                                eligible barrier (SharedMemory.barrier(by:saving:)), give
                                its pages new homes, and let it exit; the job goes on
                                (jobs started --migratable; never the last node)
      brazosrun join JOB [--host H]
                                start a node on host H (this machine by default) that joins
                                the running job: it is admitted at the job's next eligible
                                barrier and threads move to it (jobs started --migratable;
                                --add-host H says the same)

    Examples:
      brazosrun -n 4 .build/release/ring --laps 100
      brazosrun -np 4 --oversubscribe --tag-output a.out          (an mpirun line works)
      brazosrun -n 2 --threads-per-node 2 --tag-output .build/release/ring
      brazosrun -n 4 --hostfile hosts --map-by node --display-map --control-address 10.1.0.1 PROGRAM
      brazosrun -n 3 -T 2 --checkpoint-dir /tmp/ck --checkpoint-every 30s .build/release/sor
      brazosrun status                                            (while it runs, elsewhere)
      brazosrun -n 3 -T 2 --migratable .build/release/sor --steps 5000 & job=$!
      brazosrun join $job                                         (a node joins it)
      brazosrun drain $job --node 1                               (once that one is in)

    mpirun options with no counterpart here (--mca, --npernode, --wdir, --rank-by, ...)
    are refused with what to use instead. The exit status is the program's; if a node
    fails, brazosrun says which, stops the others, and exits non-zero (124 after
    --timeout).
    """

    static func parse(_ arguments: [String], defaults: Options = Options()) throws(BrazosError) -> Options {
        var options = defaults
        var index = 0
        func value(_ flag: String) throws(BrazosError) -> String {
            index += 1
            guard index < arguments.count else { throw .configuration("\(flag) needs a value") }
            return arguments[index]
        }
        func positive(_ flag: String) throws(BrazosError) -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 else { throw .configuration("\(flag) needs a positive integer, not '\(text)'") }
            return number
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "-n", "-np", "--np", "-c": options.nodes = try positive(argument)
            case "-T", "--threads-per-node": options.threadsPerNode = try positive(argument)
            case "--host", "-H": options.hosts += try parseHosts(try value(argument))
            case "--hostfile": options.hosts += try readHostfile(try value(argument))
            case "--launcher": options.launcher = try value(argument)
            case "--control-address": options.controlAddress = try value(argument)
            case "-x": options.exported.append(try value(argument))
            case "--tag-output": options.tagOutput = true
            case "--map-by":
                let policy = try value(argument)
                guard policy == "slot" || policy == "node" else {
                    throw .configuration("--map-by takes slot or node, not '\(policy)' (mpirun's other policies, such as ppr, numa or socket, are not supported)")
                }
                options.mapByNode = policy == "node"
            case "--display-map": options.displayMap = true
            case "-v", "--verbose": options.logLevel = .debug
            case "--log-level":
                let text = try value(argument)
                guard let level = Logger.Level(rawValue: text) else {
                    throw .configuration("--log-level takes trace, debug, info, notice, warning, error or critical, not '\(text)'")
                }
                options.logLevel = level
            case "--log-format":
                let text = try value(argument)
                guard let format = Log.Format(rawValue: text) else { throw .configuration("--log-format takes text or json, not '\(text)'") }
                options.logFormat = format
            case "--timeout": options.timeout = try duration(try value(argument))
            case "--oversubscribe", "--allow-run-as-root": break
            case "--bind-to":
                let policy = try value(argument)
                guard policy == "core" || policy == "none" else { throw .configuration("--bind-to takes core or none, not '\(policy)'") }
                options.bindToCore = policy == "core"
            case "--checkpoint-dir":
                let directory = try value(argument)
                options.checkpointDirectory = directory.hasPrefix("/") ? directory : currentDirectory() + "/" + directory
            case "--local-checkpoint-dir":
                let directory = try value(argument)
                options.localCheckpointDirectory = directory.hasPrefix("/") ? directory : currentDirectory() + "/" + directory
            case "--keep-checkpoints": options.keepCheckpoints = try positive(argument)
            case "--spare-hosts": options.spareHosts = try parseHosts(try value(argument))
            case "--config":
                let path = try value(argument)
                options.configFile = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
                options.configVersion = ConfigFile.version(options.configFile!)
                try options.apply(try ConfigFile.read(options.configFile!))
            case "--no-auto-recover": options.autoRecover = false
            case "--migratable": options.migratable = true
            case "--heartbeat": options.heartbeat = try duration(try value(argument))
            case "--checkpoint-every": options.checkpointInterval = try duration(try value(argument))
            case "--transport":
                let transport = try value(argument)
                guard transport == "auto" || transport == "tcp" else { throw .configuration("--transport takes auto or tcp, not '\(transport)'") }
                options.transport = transport
            case "-h", "--help": throw .configuration("help")
            default:
                if let advice = Self.unsupportedMpirunFlags[argument] {
                    throw .configuration("mpirun's \(argument) is not supported by brazosrun: \(advice)")
                }
                guard !argument.hasPrefix("-") else { throw .configuration("unknown option '\(argument)' (see brazosrun --help)") }
                options.program = Array(arguments[index...])
                index = arguments.count
                continue
            }
            index += 1
        }
        guard !options.program.isEmpty else { throw .configuration("no program to run (see brazosrun --help)") }
        // MPICH's and Open MPI's launchers read it (0 or empty: no limit, as for them), and
        // test suites set it for each run.
        if options.timeout == nil, let text = JobConfig.environment("MPIEXEC_TIMEOUT"), !text.isEmpty {
            guard let seconds = Double(text), seconds >= 0 else {
                throw .configuration("MPIEXEC_TIMEOUT=\(text) is not a number of seconds")
            }
            if seconds > 0 {
                options.timeout = seconds
                options.timeoutSetting = "MPIEXEC_TIMEOUT"
            }
        }
        _ = try SocketAddress(host: options.controlAddress, port: 0)
        return options
    }

    /// Flags mpirun users type that have no counterpart here, and what to do instead.
    static let unsupportedMpirunFlags: [String: String] = {
        let advice: [([String], String)] = [
            (["--mca", "-mca"], "brazosrun has no MCA components; its settings are its own options and BRAZOS_* variables (docs/ARCHITECTURE.md)"),
            (["--npernode", "-N"], "give each host's slots with --host H:SLOTS or a hostfile's slots=N"),
            (["--wdir", "-wdir"], "nodes start in brazosrun's working directory; cd there first"),
            (["--prefix"], "nodes run the program by the path given; put it where every host has it"),
            (["--rank-by"], "ranks go to nodes in blocks of --threads-per-node; nodes go to hosts by --map-by"),
            (["--report-bindings"], "--bind-to core binds node k's threads to cores in order; --display-map shows the hosts"),
            (["--output-filename"], "use --tag-output and redirect brazosrun's output"),
            (["--merge-stderr-to-stdout"], "redirect brazosrun's standard error (2>&1)"),
        ]
        return Dictionary(uniqueKeysWithValues: advice.flatMap { flags, text in flags.map { ($0, text) } })
    }()

    static func parseHosts(_ text: String) throws(BrazosError) -> [String] {
        var hosts: [String] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: ":")
            guard let name = parts.first, parts.count <= 2 else { throw .configuration("bad host entry '\(entry)'") }
            let slots = parts.count == 2 ? Int(parts[1]) : 1
            guard let slots, slots > 0 else { throw .configuration("bad slot count in '\(entry)'") }
            hosts += Array(repeating: String(name), count: slots)
        }
        return hosts
    }

    static func readHostfile(_ path: String) throws(BrazosError) -> [String] {
        guard let file = fopen(path, "r") else { throw .lastSystemError("open hostfile \(path)") }
        defer { fclose(file) }
        var hosts: [String] = []
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(cString: line).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            guard let name = words.first else { continue }
            var slots = 1
            for word in words.dropFirst() where word.hasPrefix("slots=") {
                guard let count = Int(word.dropFirst(6)), count > 0 else { throw .configuration("bad '\(word)' in \(path)") }
                slots = count
            }
            hosts += Array(repeating: String(name), count: slots)
        }
        return hosts
    }

    /// Settings from a configuration file, as if given as options (`name value` is
    /// `--name value`; a name alone is a flag).
    mutating func apply(_ settings: [(name: String, value: String?)]) throws(BrazosError) {
        let settable: Set<String> = ["checkpoint-dir", "checkpoint-every", "keep-checkpoints", "local-checkpoint-dir", "heartbeat",
                                     "spare-hosts", "no-auto-recover", "threads-per-node", "transport", "bind-to", "tag-output", "migratable"]
        var arguments: [String] = []
        for (name, value) in settings {
            guard settable.contains(name) else { throw .configuration("'\(name)' cannot be set in a configuration file") }
            arguments += ["--\(name)"] + (value.map { [$0] } ?? [])
        }
        let parsed = try Options.parse(arguments + ["(program)"], defaults: self)
        self = parsed
        program = []
    }

    /// The ranks of each node: blocks of `-T` (1 by default), or a restart's threads
    /// spread over the nodes, the first ones taking one more.
    var rankPlacement: RankPlacement {
        if let threadsPerNode { return RankPlacement(nodes: nodes, threadsPerNode: threadsPerNode) }
        if let spreadThreads { return RankPlacement(spreading: spreadThreads, over: nodes) }
        return RankPlacement(nodes: nodes, threadsPerNode: 1)
    }

    /// The host of each node: the slots of the host list in order (`--map-by slot`), or
    /// one slot of each host in turn (`--map-by node`), repeated as needed.
    var placement: [String] {
        guard !hosts.isEmpty else { return Array(repeating: "localhost", count: nodes) }
        var slots = hosts
        if mapByNode {
            // Round-robin over the distinct hosts, each as many times as it has slots.
            var remaining: [(host: String, slots: Int)] = []
            for host in hosts {
                if let index = remaining.firstIndex(where: { $0.host == host }) { remaining[index].slots += 1 } else { remaining.append((host, 1)) }
            }
            slots = []
            while slots.count < hosts.count {
                for index in remaining.indices where remaining[index].slots > 0 {
                    slots.append(remaining[index].host)
                    remaining[index].slots -= 1
                }
            }
        }
        return (0..<nodes).map { slots[$0 % slots.count] }
    }
}

/// The working directory, for making paths absolute before nodes start elsewhere.
func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
}

/// A duration such as `30s`, `500ms`, `2m` or `45` (seconds), in seconds.
func duration(_ text: String) throws(BrazosError) -> Double {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
        if let value = Double(text.dropLast(suffix.count)), value > 0 { return value * scale }
    }
    if let value = Double(text), value > 0 { return value }
    throw .configuration("\(text): not a duration (try 30s, 500ms, 2m)")
}
