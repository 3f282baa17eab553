import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

/// brazosrun's command line, mpirun-shaped.
struct Options {
    var nodes = 1
    var threadsPerNode = 1
    var hosts: [String] = []
    var launcher = "ssh {host}"
    var controlAddress = "127.0.0.1"
    var exported: [String] = []
    var tagOutput = false
    var bindToCore = false
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
      --tag-output              prefix every output line with [rank R], or with [node K]
                                when nodes host several threads
      --bind-to core|none       bind each node and thread to its own core (hwloc)
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

    Other commands:
      brazosrun restart --checkpoint-dir DIR -n N PROGRAM ARGS
                                continue a job from the newest complete checkpoint in DIR
                                (same program, arguments and thread count; any N)
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
      brazosrun -n 2 --threads-per-node 2 --tag-output .build/release/ring
      brazosrun -n 2 --host hostA,hostB --control-address 10.1.0.1 PROGRAM

    The exit status is the program's; if a node fails, brazosrun says which, stops the
    others, and exits non-zero.
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
            case "-n", "-np", "--np": options.nodes = try positive(argument)
            case "-T", "--threads-per-node": options.threadsPerNode = try positive(argument)
            case "--host", "-H": options.hosts += try parseHosts(try value(argument))
            case "--hostfile": options.hosts += try readHostfile(try value(argument))
            case "--launcher": options.launcher = try value(argument)
            case "--control-address": options.controlAddress = try value(argument)
            case "-x": options.exported.append(try value(argument))
            case "--tag-output": options.tagOutput = true
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
                guard !argument.hasPrefix("-") else { throw .configuration("unknown option '\(argument)' (see brazosrun --help)") }
                options.program = Array(arguments[index...])
                index = arguments.count
                continue
            }
            index += 1
        }
        guard !options.program.isEmpty else { throw .configuration("no program to run (see brazosrun --help)") }
        _ = try SocketAddress(host: options.controlAddress, port: 0)
        return options
    }

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

    /// The host of each node: the host list in order, repeated as needed.
    var placement: [String] {
        (0..<nodes).map { hosts.isEmpty ? "localhost" : hosts[$0 % hosts.count] }
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
