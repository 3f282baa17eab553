#if canImport(Glibc)
import Glibc
#endif

/// Rank, size and job key as the launcher's environment gives them.
public struct RankAssignment: Equatable, Sendable {
    /// Names this job's rendezvous directory; the same for every rank of one launch.
    public var key: String
    /// This process's rank, which becomes its node number.
    public var rank: Int
    /// How many ranks the launcher started.
    public var size: Int

    /// OpenMPI's mpirun and Slurm's srun both set these, with or without PMIx.
    public static func fromEnvironment() -> RankAssignment? {
        func integer(_ name: String) -> Int? { JobConfig.environment(name).flatMap { Int($0) } }
        if let rank = integer("OMPI_COMM_WORLD_RANK"), let size = integer("OMPI_COMM_WORLD_SIZE"),
           let job = JobConfig.environment("OMPI_MCA_ess_base_jobid") {
            return RankAssignment(key: "ompi-\(job)", rank: rank, size: size)
        }
        if let rank = integer("SLURM_PROCID"), let size = integer("SLURM_NTASKS"),
           let job = JobConfig.environment("SLURM_JOB_ID") {
            return RankAssignment(key: "slurm-\(job).\(JobConfig.environment("SLURM_STEP_ID") ?? "0")", rank: rank, size: size)
        }
        return nil
    }
}

/// The wire-up used when a launcher gives ranks but no PMIx (or `BRAZOS_WIREUP=file`):
/// the nodes meet in a directory they all see (one host, or a shared file system).
///
/// In `DIR/brazos-rendezvous-KEY` (mode 0700; KEY from the launcher's job id):
///   `secret`        written by rank 0 (mode 0600) before its card
///   `card.R`        rank R's node card
///   `ready.N.R`     rank R has reached barrier number N
///   `left.R`        rank R has finished; rank 0 removes the directory once all have
/// Every file is written to a temporary name and renamed, so a reader never sees half
/// of one. Waiting polls the directory every few milliseconds, up to 60 seconds.
final class FileRendezvousWireUp: WireUp {
    let launch: RankAssignment
    let directory: String
    private(set) var secret: [UInt8] = []
    private var barriers = 0

    init(launch: RankAssignment, parent: String) throws(BrazosError) {
        guard launch.size > 0, (0..<launch.size).contains(launch.rank) else {
            throw .configuration("the launcher gave rank \(launch.rank) of \(launch.size)")
        }
        self.launch = launch
        directory = "\(parent)/brazos-rendezvous-\(launch.key.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." })"
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw .lastSystemError("mkdir \(directory)") }
    }

    var learnedSecret: [UInt8]? { secret }

    func exchange(_ card: NodeCard) throws(BrazosError) -> [NodeCard] {
        if launch.rank == 0 { try write("secret", Handshake.randomBytes(32).hexString, mode: 0o600) }
        try write("card.\(launch.rank)", card.encoded, mode: 0o600)
        let cards = try (0..<launch.size).map { (rank) throws(BrazosError) in
            try NodeCard(parsing: Substring(try waitAndRead("card.\(rank)")))
        }
        guard let secret = [UInt8](hexString: try waitAndRead("secret")), secret.count >= 16 else {
            throw .malformed("the rendezvous secret in \(directory) is not a hex secret")
        }
        self.secret = secret
        return cards
    }

    func barrier() throws(BrazosError) {
        barriers += 1
        try write("ready.\(barriers).\(launch.rank)", "", mode: 0o600)
        for rank in 0..<launch.size { _ = try waitAndRead("ready.\(barriers).\(rank)") }
    }

    func leave() throws(BrazosError) {
        try barrier()
        try write("left.\(launch.rank)", "", mode: 0o600)
        guard launch.rank == 0 else { return }
        for rank in 0..<launch.size { _ = try waitAndRead("left.\(rank)") }
        removeDirectory()
    }

    private func removeDirectory() {
        guard let listing = opendir(directory) else { return }
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink("\(directory)/\(name)") }
        }
        closedir(listing)
        rmdir(directory)
    }

    private func write(_ name: String, _ text: String, mode: mode_t) throws(BrazosError) {
        let temporary = "\(directory)/.\(name).\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .lastSystemError("open \(temporary)") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw .lastSystemError("write \(temporary)") }
        guard rename(temporary, "\(directory)/\(name)") == 0 else { throw .lastSystemError("rename \(temporary)") }
    }

    private func waitAndRead(_ name: String) throws(BrazosError) -> String {
        let path = "\(directory)/\(name)"
        let deadline = monotonicSeconds() + 60
        while true {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                var bytes: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(fd, &chunk, chunk.count)
                    if n <= 0 { break }
                    bytes += chunk[0..<n]
                }
                close(fd)
                return String(decoding: bytes, as: UTF8.self)
            }
            guard errno == ENOENT, monotonicSeconds() < deadline else {
                throw .timedOut("rank \(launch.rank) waited 60 s for \(path)")
            }
            usleep(2000)
        }
    }
}
