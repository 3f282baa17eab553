#if canImport(Glibc)
import Glibc
#endif

/// A node's view of its job, read from the environment its launcher set. Every variable
/// is documented in docs/ARCHITECTURE.md ("Environment").
public struct JobConfig: Sendable {
    /// Who started this node, which decides how it wires up with the others.
    public enum Launcher: Equatable, Sendable {
        /// Started by `brazosrun`, whose control socket is at this address.
        case brazosrun(control: SocketAddress)
        /// Started by mpirun or srun: wire up through PMIx, or through the file rendezvous
        /// in `rendezvousDirectory` if PMIx fails and the launcher gave ranks.
        case pmix(fallback: RankAssignment?)
        /// Started by a launcher that gives ranks but no PMIx (or `BRAZOS_WIREUP=file`).
        case fileRendezvous(RankAssignment)
        /// Started by hand: a job of one node.
        case singleton
    }

    /// How this node was started and so how it wires up.
    public var launcher: Launcher
    /// The job id (`BRAZOS_JOB`); names shared-memory segments and doorbells. Filled in by
    /// wire-up under PMIx or the file rendezvous.
    public var jobID: String
    /// The job's secret, keying every connection's `Handshake` (`BRAZOS_SECRET`).
    public var secret: [UInt8]
    /// This node's number (`BRAZOS_NODE`).
    public var node: Int
    /// Nodes the job started with (`BRAZOS_NODES`); later joiners are numbered past it.
    public var nodeCount: Int
    /// Ranks each starting node hosts where they all host as many
    /// (`BRAZOS_THREADS_PER_NODE`, at least 1); `placement` says where they do not.
    public var threadsPerNode: Int
    /// Ranks of each starting node where they differ (`BRAZOS_RANKS_PER_NODE`, set by
    /// brazosrun for a restart on a node count that does not divide the job's threads).
    public var unevenPlacement: RankPlacement?
    /// Use TCP even between nodes of one host (benchmarks, tests of the TCP path).
    public var forceTCP = false
    /// Bind nodes and their threads to cores with hwloc (`BRAZOS_BIND=core`).
    public var bindToCore = false
    /// Eager limit in bytes on loopback and shared-memory links (`BRAZOS_EAGER_LIMIT`).
    public var sharedMemoryEagerLimit = 32 * 1024
    /// Eager limit in bytes on TCP links (`BRAZOS_EAGER_LIMIT`).
    public var tcpEagerLimit = 64 * 1024
    /// Bytes in each shared-memory ring, a power of two of at least 4096 (`BRAZOS_RING_BYTES`).
    public var ringCapacity = 1 << 20
    /// Address to listen on when no launcher says (PMIx); loopback by default.
    public var interfaceAddress = "127.0.0.1"
    /// Where the file rendezvous meets (`BRAZOS_RENDEZVOUS_DIR`).
    public var rendezvousDirectory = "/tmp"
    /// Threads may move between nodes (`brazosrun --migratable`, `BRAZOS_MIGRATABLE=1`):
    /// messages carry sequence numbers and collectives stay flat (docs/ARCHITECTURE.md).
    public var migratable = false
    /// This node joins a job that runs already (`brazosrun join`, `BRAZOS_JOINING=1`): its
    /// number is past the job's first nodes, it hosts no rank until threads move to it,
    /// and it reaches every node by TCP (the rings are laid out when the job starts).
    public var joining = false
    /// Several threads of one rank may call at once (`MPI_THREAD_MULTIPLE`): the node's
    /// locks and wake-ups are then real even where it hosts a single rank.
    public var threadsCallConcurrently = false
    /// How many nodes may join a job whose threads move, over its life: node numbers
    /// go up to `nodeCount + joinLimit` and are never reused.
    public static let joinLimit = 32

    /// Seconds between the progress lines of a long operation (reading a large checkpoint,
    /// waiting to drain): `BRAZOS_PROGRESS_SECONDS`, 2 by default; 0 reports every step.
    public static var progressInterval: Double {
        environment("BRAZOS_PROGRESS_SECONDS").flatMap { Double($0) }.map { max(0, $0) } ?? 2
    }

    /// A configuration with the given identity and every option at its default.
    public init(launcher: Launcher, jobID: String, secret: [UInt8], node: Int, nodeCount: Int, threadsPerNode: Int) {
        self.launcher = launcher
        self.jobID = jobID
        self.secret = secret
        self.node = node
        self.nodeCount = nodeCount
        self.threadsPerNode = threadsPerNode
    }

    /// How many threads may use the node's engine at once: any number where threads move
    /// or call concurrently, else one per rank it hosts.
    public var concurrentThreads: Int { migratable || threadsCallConcurrently ? Int.max : placement.ranks(of: node).count }

    /// The ranks are laid out over the nodes the job started with (`nodeCount`), and so
    /// are the homes of shared pages; nodes that join later get neither. Blocks of
    /// `threadsPerNode`, unless brazosrun gave an uneven placement.
    public var placement: RankPlacement { unevenPlacement ?? RankPlacement(nodes: nodeCount, threadsPerNode: threadsPerNode) }

    /// Read on every `worldSize`: no placement is built for it.
    public var rankCount: Int { unevenPlacement?.rankCount ?? nodeCount * threadsPerNode }

    /// Node numbers of this job are below this: the first nodes, then those that may join.
    public var nodeLimit: Int { migratable ? nodeCount + Self.joinLimit : nodeCount }

    /// Ranks a node hosts at start: its consecutive block of `placement`; none for a
    /// node that joined later.
    public func initialRanks(of node: Int) -> [Int] { Array(placement.ranks(of: node)) }

    /// The value of environment variable `name`, or nil if unset.
    public static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }

    static func integer(_ name: String, default fallback: Int, minimum: Int = 0) throws(BrazosError) -> Int {
        guard let text = environment(name) else { return fallback }
        guard let value = Int(text), value >= minimum else {
            throw .configuration("\(name)=\(text) is not an integer of at least \(minimum)")
        }
        return value
    }

    /// Reads the configuration; PMIx details (rank, size, secret) are filled in by wire-up.
    public static func fromEnvironment() throws(BrazosError) -> JobConfig {
        let threads = try integer("BRAZOS_THREADS_PER_NODE", default: 1, minimum: 1)
        var config: JobConfig
        if let control = environment("BRAZOS_CONTROL") {
            guard let job = environment("BRAZOS_JOB"), let secretText = environment("BRAZOS_SECRET"),
                  let secret = [UInt8](hexString: secretText), secret.count >= 16 else {
                throw .configuration("BRAZOS_CONTROL is set but BRAZOS_JOB or BRAZOS_SECRET is missing or invalid")
            }
            let nodes = try integer("BRAZOS_NODES", default: 0, minimum: 1)
            let node = try integer("BRAZOS_NODE", default: -1, minimum: 0)
            let joining = environment("BRAZOS_JOINING") == "1"
            guard node < (joining ? nodes + joinLimit : nodes), joining == (node >= nodes) else {
                throw .configuration("BRAZOS_NODE=\(node) does not fit BRAZOS_NODES=\(nodes)\(joining ? " for a joining node" : "")")
            }
            config = JobConfig(launcher: .brazosrun(control: try SocketAddress(parsing: control)), jobID: job,
                               secret: secret, node: node, nodeCount: nodes, threadsPerNode: threads)
            config.joining = joining
            if let text = environment("BRAZOS_RANKS_PER_NODE") {
                let placement = try RankPlacement(parsing: text)
                guard placement.nodeCount == nodes else {
                    throw .configuration("BRAZOS_RANKS_PER_NODE=\(text) gives \(placement.nodeCount) node\(placement.nodeCount == 1 ? "" : "s"), BRAZOS_NODES=\(nodes)")
                }
                config.unevenPlacement = placement
            }
        } else if let launch = RankAssignment.fromEnvironment(), environment("BRAZOS_WIREUP") == "file" {
            config = JobConfig(launcher: .fileRendezvous(launch), jobID: "", secret: [], node: 0, nodeCount: 1, threadsPerNode: threads)
        } else if environment("PMIX_NAMESPACE") != nil || environment("PMIX_RANK") != nil {
            config = JobConfig(launcher: .pmix(fallback: RankAssignment.fromEnvironment()), jobID: "", secret: [],
                               node: 0, nodeCount: 1, threadsPerNode: threads)
        } else if let launch = RankAssignment.fromEnvironment() {
            config = JobConfig(launcher: .fileRendezvous(launch), jobID: "", secret: [], node: 0, nodeCount: 1, threadsPerNode: threads)
        } else {
            config = JobConfig(launcher: .singleton, jobID: "single\(getpid())", secret: Handshake.randomBytes(32),
                               node: 0, nodeCount: 1, threadsPerNode: threads)
        }
        // Under mpirun or srun every process is a node of the same number of ranks: the
        // launcher, not an uneven placement, says how many processes there are.
        guard config.unevenPlacement != nil || environment("BRAZOS_RANKS_PER_NODE") == nil else {
            throw .configuration("BRAZOS_RANKS_PER_NODE is brazosrun's (with BRAZOS_CONTROL); under mpirun or srun set BRAZOS_THREADS_PER_NODE")
        }
        config.forceTCP = environment("BRAZOS_TRANSPORT") == "tcp"
        config.bindToCore = environment("BRAZOS_BIND") == "core"
        config.migratable = environment("BRAZOS_MIGRATABLE") == "1"
        guard !config.joining || config.migratable else { throw .configuration("BRAZOS_JOINING=1 needs BRAZOS_MIGRATABLE=1: only a job whose threads move takes new nodes") }
        config.sharedMemoryEagerLimit = try integer("BRAZOS_EAGER_LIMIT", default: config.sharedMemoryEagerLimit)
        config.tcpEagerLimit = try integer("BRAZOS_EAGER_LIMIT", default: config.tcpEagerLimit)
        let ring = try integer("BRAZOS_RING_BYTES", default: config.ringCapacity, minimum: 4096)
        guard ring & (ring - 1) == 0 else { throw .configuration("BRAZOS_RING_BYTES=\(ring) is not a power of two") }
        config.ringCapacity = ring
        if let address = environment("BRAZOS_IF_ADDRESS") { config.interfaceAddress = address }
        if let directory = environment("BRAZOS_RENDEZVOUS_DIR") { config.rendezvousDirectory = directory }
        if let spin = environment("BRAZOS_SPIN_US"), let micros = Double(spin), micros >= 0 {
            Backoff.spinSeconds = micros * 1e-6
        }
        return config
    }
}
