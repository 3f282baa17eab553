import BrazosCore
import BrazosMPI
import Checkpointing
import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// This process's VeloC (`veloc.h`): the regions it protects, the phase it is in, and its
/// configuration, over the job's `Checkpoints` (docs/C-ABI.md, "VeloC"). Each
/// `VELOC_Checkpoint` is one Brazos checkpoint; the rank's saved state is VeloC's name
/// and version (`SavedVersion`), so a restart knows which checkpoint it has.
final class VelocClient: Sendable {
    /// What a checkpoint's saved state holds for VeloC.
    struct SavedVersion: Codable, Equatable {
        let name: String
        let version: Int
    }

    /// Which protected regions a checkpoint saves or a restart restores.
    enum Selection: Equatable {
        case all
        case only(Set<Int>)
        case allBut(Set<Int>)

        /// VeloC's `mode` (`VELOC_CKPT_*`, `VELOC_RECOVER_*`: the same values) and ids.
        init(mode: Int32, ids: UnsafeMutablePointer<Int32>?, count: Int32) throws(VelocFailure) {
            guard count >= 0 else { throw VelocFailure("\(count) ids: a count is 0 or more") }
            guard mode == 0 || count == 0 || ids != nil else { throw VelocFailure("\(count) ids at a null pointer") }
            let listed = Set((0..<Int(mode == 0 ? 0 : count)).map { Int(ids![$0]) })
            switch mode {
            case 0: self = .all
            case 1: self = .only(listed)
            case 2: self = .allBut(listed)
            default: throw VelocFailure("\(mode) is not a mode (0 all, 1 some, 2 rest)")
            }
        }

        func includes(_ id: Int) -> Bool {
            switch self {
            case .all: true
            case let .only(ids): ids.contains(id)
            case let .allBut(ids): !ids.contains(id)
            }
        }
    }

    /// Between `_begin` and `_end`.
    enum Phase: Equatable {
        case idle
        /// `regions`: nil until `VELOC_Checkpoint_mem` or `_selective` (a checkpoint of routed files only).
        case checkpointing(SavedVersion, regions: Selection?)
        case restarting(SavedVersion)
    }

    private struct State {
        var phase = Phase.idle
        var regions: [Int: UnsafeMutableRawBufferPointer] = [:]
        /// The regions handed to `Checkpoints.protect` (the last checkpoint's or restart's
        /// selection): kept, so that only pages that changed since are written.
        var handedOver: Set<Int> = []
        var finalized = false
    }

    let rank: Runtime.RankState
    let checkpoints: Checkpoints
    let configuration: VelocConfiguration
    /// Where routed files are written.
    let routedDirectory: String
    private let state = Guarded(State())

    private init(rank: Runtime.RankState, checkpoints: Checkpoints, configuration: VelocConfiguration, routedDirectory: String) {
        self.rank = rank
        self.checkpoints = checkpoints
        self.configuration = configuration
        self.routedDirectory = routedDirectory
    }

    private static let current = Guarded<VelocClient?>(nil)

    /// The client `VELOC_Init` started.
    static func started() throws(VelocFailure) -> VelocClient {
        guard let client = current.withLock({ $0 }), !client.state.withLock({ $0.finalized }) else {
            throw VelocFailure("VELOC_Init has not been called (or VELOC_Finalize has)")
        }
        return client
    }

    /// `VELOC_Init`: checks that `communicator` is the whole job, reads the configuration
    /// and says (rank 0) what of it Brazos does not follow.
    static func start(on communicator: Communicator, rank: Runtime.RankState, configurationFile: String?) throws(VelocFailure) -> VelocClient {
        guard !communicator.isIntercommunicator, communicator.size == rank.world.size else {
            throw VelocFailure("the communicator has \(communicator.size) of the job's \(rank.world.size) ranks: Brazos checkpoints are job-wide; give MPI_COMM_WORLD or a duplicate")
        }
        let configuration: VelocConfiguration
        if let configurationFile {
            configuration = try VelocConfiguration(file: configurationFile)
        } else {
            configuration = try VelocConfiguration(parsing: "", path: "")
        }
        var checkpoints: Checkpoints
        switch rank.checkpoints {
        case let .success(attached): checkpoints = attached
        case let .failure(error): throw VelocFailure("this job cannot take checkpoints: \(error)")
        }
        let environment = JobConfig.environment
        var directory = environment("BRAZOS_CHECKPOINT_DIR")
        // A job mpirun or srun started has no brazosrun to name the directory: VeloC's
        // `persistent` does, and the job's own coordinator writes the manifests there (a
        // restart's saved messages are queued now, not at MPI_Init: send nothing before).
        if directory == nil, let persistent = configuration.persistent, !rank.job.node.hasLauncher {
            setenv("BRAZOS_CHECKPOINT_DIR", persistent, 1)
            if let versions = configuration.maxVersions, environment("BRAZOS_KEEP_CHECKPOINTS") == nil {
                setenv("BRAZOS_KEEP_CHECKPOINTS", "\(max(versions, 1))", 1)
            }
            do {
                checkpoints = try Checkpoints.attach(to: rank.job)
            } catch {
                throw VelocFailure("this job cannot take checkpoints in \(persistent): \(error)")
            }
            directory = persistent
        }
        if rank.thread.rank == 0 {
            for note in configuration.notes { diagnose("brazos: VELOC_Init: \(note)") }
            switch (configuration.persistent, directory) {
            case let (persistent?, nil):
                diagnose("brazos: VELOC_Init: persistent = \(persistent), but this job has no checkpoint directory: checkpoints are taken by brazosrun, whose coordinator writes their manifests; run it with brazosrun --checkpoint-dir \(persistent). This run takes no checkpoints.")
            case let (persistent?, directory?) where persistent != directory:
                diagnose("brazos: VELOC_Init: checkpoints go to brazosrun's --checkpoint-dir \(directory), not to persistent = \(persistent)")
            default: break
            }
            if let versions = configuration.maxVersions, directory != nil, rank.job.node.hasLauncher {
                diagnose("brazos: VELOC_Init: max_versions = \(versions): brazosrun keeps the newest --keep-checkpoints checkpoints (2 unless given); pass --keep-checkpoints \(max(versions, 1)) to keep \(max(versions, 1))")
            }
        }
        let base = configuration.scratch ?? environment("BRAZOS_LOCAL_CHECKPOINT_DIR") ?? directory ?? (environment("TMPDIR") ?? "/tmp") + "/brazos-veloc-\(getpid())"
        let client = VelocClient(rank: rank, checkpoints: checkpoints, configuration: configuration,
                                 routedDirectory: "\(base)/veloc-routed/rank-\(rank.thread.rank)")
        try current.withLock { (current: inout VelocClient?) throws(VelocFailure) in
            if let current, !current.state.withLock({ $0.finalized }) { throw VelocFailure("VELOC_Init called twice") }
            current = client
        }
        return client
    }

    /// For `MPIX_Checkpoint_point` in a program that did not call `VELOC_Init`: no
    /// regions, the job's checkpoints; not kept, so `VELOC_Init` may still come.
    static func implicit(rank: Runtime.RankState) throws(MPIError) -> VelocClient {
        switch rank.checkpoints {
        case let .success(checkpoints):
            return VelocClient(rank: rank, checkpoints: checkpoints, configuration: try! VelocConfiguration(parsing: "", path: ""), routedDirectory: "")
        case let .failure(error):
            throw MPIError(.other, "this job cannot take checkpoints: \(error)")
        }
    }

    /// `VELOC_Finalize`.
    func finalize(drain: Bool) {
        if drain { checkpoints.waitUntilWritten() }
        state.withLock { $0.finalized = true }
    }

    // MARK: Regions

    func protect(_ id: Int, _ region: UnsafeMutableRawBufferPointer) {
        let handedOver = state.withLock { state in
            state.regions[id] = region
            return state.handedOver.contains(id)
        }
        if handedOver { checkpoints.protect(id, region, by: rank.thread) }
    }

    func unprotect(_ id: Int) throws(VelocFailure) {
        let (known, handedOver) = state.withLock { state in
            (state.regions.removeValue(forKey: id) != nil, state.handedOver.remove(id) != nil)
        }
        if handedOver { checkpoints.unprotect(id, by: rank.thread) }
        guard known else { throw VelocFailure("no region \(id) is protected") }
    }

    func clear() {
        for id in state.withLock({ $0.regions.keys.sorted() }) { try? unprotect(id) }
    }

    /// Hands the regions `selection` picks to `Checkpoints.protect`, and takes back the others.
    private func handOver(_ selection: Selection?) {
        let (regions, before) = state.withLock { state in (state.regions, state.handedOver) }
        let chosen = Set(regions.keys.filter { selection?.includes($0) ?? false })
        for id in before.subtracting(chosen) { checkpoints.unprotect(id, by: rank.thread) }
        for id in chosen.sorted() { checkpoints.protect(id, regions[id]!, by: rank.thread) }
        state.withLock { $0.handedOver = chosen }
    }

    // MARK: Checkpoints

    func beginCheckpoint(_ name: String, version: Int) throws(VelocFailure) {
        try Self.check(name: name, version: version)
        try state.withLock { (state: inout State) throws(VelocFailure) in
            guard state.phase == .idle else { throw VelocFailure("a checkpoint or restart phase is open already") }
            state.phase = .checkpointing(SavedVersion(name: name, version: version), regions: nil)
        }
    }

    func selectRegions(_ selection: Selection) throws(VelocFailure) {
        try state.withLock { (state: inout State) throws(VelocFailure) in
            guard case let .checkpointing(version, _) = state.phase else { throw VelocFailure("no checkpoint phase is open (VELOC_Checkpoint_begin)") }
            state.phase = .checkpointing(version, regions: selection)
        }
    }

    /// `VELOC_Checkpoint_end`: the ranks agree whether each succeeded, and if all did, take
    /// the checkpoint together.
    func endCheckpoint(success: Bool) throws(VelocFailure) {
        let phase = state.withLock { state in defer { state.phase = .idle }; return state.phase }
        guard case let .checkpointing(version, selection) = phase else { throw VelocFailure("no checkpoint phase is open (VELOC_Checkpoint_begin)") }
        try agree(success, "checkpoint \(version.name) version \(version.version)")
        guard checkpoints.takesCheckpoints else { return }
        handOver(selection)
        do {
            try checkpoints.checkpoint(by: rank.thread, state: version)
        } catch {
            throw VelocFailure("\(error)")
        }
        if configuration.waitsForEachCheckpoint { checkpoints.waitUntilWritten() }
    }

    /// `MPIX_Checkpoint_point`: a checkpoint of every protected region when brazosrun asked
    /// for one. Whether one was taken.
    func checkpointIfAsked(_ name: String, version: Int) throws(VelocFailure) -> Bool {
        try Self.check(name: name, version: version)
        guard state.withLock({ $0.phase }) == .idle else { throw VelocFailure("a checkpoint or restart phase is open") }
        handOver(.all)
        do {
            return try checkpoints.barrier(by: rank.thread, saving: SavedVersion(name: name, version: version))
        } catch {
            throw VelocFailure("\(error)")
        }
    }

    /// Collective over the job: whether every rank succeeded; fails on all if one did not.
    private func agree(_ success: Bool, _ what: String) throws(VelocFailure) {
        let failures: [Int32]
        do {
            failures = try rank.world.allreduce([success ? 0 : 1], op: .sum)
        } catch {
            throw VelocFailure("\(error)")
        }
        guard failures[0] == 0 else { throw VelocFailure("\(what): \(failures[0]) rank\(failures[0] == 1 ? "" : "s") did not succeed") }
    }

    private static func check(name: String, version: Int) throws(VelocFailure) {
        guard !name.isEmpty, name.utf8.count < 1024 else { throw VelocFailure("a checkpoint's name has 1 to 1023 bytes") }
        guard version >= 0 else { throw VelocFailure("version \(version) is negative") }
    }

    // MARK: Restarts

    /// The name and version of the checkpoint the job restarted from, if it did.
    func restartedFrom() throws(VelocFailure) -> SavedVersion? {
        do {
            return try checkpoints.resumeState(SavedVersion.self, by: rank.thread)
        } catch {
            throw VelocFailure("\(error)")
        }
    }

    func beginRestart(_ name: String, version: Int) throws(VelocFailure) {
        guard let saved = try restartedFrom() else { throw VelocFailure("the job did not restart from a checkpoint") }
        guard saved == SavedVersion(name: name, version: version) else {
            throw VelocFailure("the job restarted from \(saved.name) version \(saved.version), not \(name) version \(version): only that one is there to restore")
        }
        try state.withLock { (state: inout State) throws(VelocFailure) in
            guard state.phase == .idle else { throw VelocFailure("a checkpoint or restart phase is open already") }
            state.phase = .restarting(saved)
        }
    }

    /// Restores the protected regions `selection` picks; each one listed by id must be in
    /// the checkpoint.
    func recover(_ selection: Selection) throws(VelocFailure) {
        guard case .restarting = state.withLock({ $0.phase }) else { throw VelocFailure("no restart phase is open (VELOC_Restart_begin)") }
        handOver(selection)
        let restored: [Int]
        do {
            restored = try checkpoints.restoreProtected(by: rank.thread)
        } catch {
            throw VelocFailure("\(error)")
        }
        if case let .only(ids) = selection, let missing = ids.subtracting(restored).min() {
            throw VelocFailure("region \(missing) is \(state.withLock { $0.regions[missing] == nil } ? "not protected" : "not in the checkpoint")")
        }
    }

    func endRestart(success: Bool) throws(VelocFailure) {
        let phase = state.withLock { state in defer { state.phase = .idle }; return state.phase }
        guard case let .restarting(version) = phase else { throw VelocFailure("no restart phase is open (VELOC_Restart_begin)") }
        try agree(success, "restart from \(version.name) version \(version.version)")
    }

    // MARK: Routed files

    /// Where the rank writes (checkpoint phase) or reads (restart phase) file `original`;
    /// in a restart phase the file is written there first from the checkpoint.
    func route(_ original: String) throws(VelocFailure) -> String {
        guard !original.isEmpty else { throw VelocFailure("a routed file needs a name") }
        let phase = state.withLock { $0.phase }
        let path = routedDirectory + "/" + String(original.map { $0 == "/" ? "_" : $0 })
        guard path.utf8.count < 1024 else { throw VelocFailure("the routed path \(path) is longer than VELOC_MAX_NAME") }
        do {
            try FileManager.default.createDirectory(atPath: routedDirectory, withIntermediateDirectories: true)
        } catch {
            throw VelocFailure("cannot make \(routedDirectory): \(error)")
        }
        switch phase {
        case .idle:
            throw VelocFailure("files are routed inside a checkpoint or restart phase")
        case .checkpointing:
            checkpoints.route(path, as: original, by: rank.thread)
        case .restarting:
            guard let bytes = checkpoints.routedFile(original, by: rank.thread) else {
                throw VelocFailure("the checkpoint has no file routed as \(original.debugDescription)")
            }
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            } catch {
                throw VelocFailure("cannot write \(path): \(error)")
            }
        }
        return path
    }
}
