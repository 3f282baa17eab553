import BrazosCore

/// The Slurm allocation brazosrun runs in (inside `sbatch` or `salloc`), from the
/// variables Slurm sets there: its job id, its nodes (`SLURM_JOB_NODELIST`) and the tasks
/// Slurm gave each (`SLURM_TASKS_PER_NODE`). In one, brazosrun behaves as mpirun does:
/// its hosts are the allocation's, its nodes are started through `srun` (SrunLaunch), and
/// the allocation's nodes the job does not use are its spare hosts.
struct SlurmAllocation: Equatable {
    let jobID: String
    /// The allocation's nodes, in Slurm's order.
    let hosts: [String]
    /// The tasks Slurm gave each of `hosts`: the node processes each takes (its slots).
    let tasks: [Int]

    /// The allocation around this process, if any. Incoherent variables are an error:
    /// running the job on hosts guessed wrongly would be worse than not starting.
    static func fromEnvironment() throws(BrazosError) -> SlurmAllocation? {
        guard let jobID = JobConfig.environment("SLURM_JOB_ID") ?? JobConfig.environment("SLURM_JOBID"), !jobID.isEmpty,
              let list = JobConfig.environment("SLURM_JOB_NODELIST") ?? JobConfig.environment("SLURM_NODELIST") else { return nil }
        let hosts = try SlurmHostList.expand(list)
        guard let counts = JobConfig.environment("SLURM_TASKS_PER_NODE") else {
            return SlurmAllocation(jobID: jobID, hosts: hosts, tasks: Array(repeating: 1, count: hosts.count))
        }
        let tasks = try SlurmTaskCounts.expand(counts)
        guard tasks.count == hosts.count else {
            throw .configuration("Slurm job \(jobID): SLURM_TASKS_PER_NODE=\(counts) counts \(tasks.count) nodes, SLURM_JOB_NODELIST=\(list) names \(hosts.count)")
        }
        return SlurmAllocation(jobID: jobID, hosts: hosts, tasks: tasks)
    }

    /// The allocation's node this process runs on, if it is one (an sbatch script's is;
    /// salloc's shell, on the submitting host, is not): where `join` starts a node by default.
    static var thisNode: String? { JobConfig.environment("SLURMD_NODENAME") }

    /// Every slot of the allocation, host by host: what `--host` would say.
    var slots: [String] { zip(hosts, tasks).flatMap { host, count in Array(repeating: host, count: count) } }

    /// The options' hosts, node count, launcher and spare hosts, where the command line
    /// (`given`: its options, without the program) and the configuration file left them
    /// open: hosts are the allocation's slots; `-n` is the allocation's task count; the
    /// nodes start through srun unless `--launcher` says otherwise; the allocation's hosts
    /// the placement leaves out are spares.
    func adopt(into options: inout Options, given: ArraySlice<String>) {
        if options.hosts.isEmpty { options.hosts = slots }
        if !given.contains(where: { ["-n", "-np", "--np", "-c"].contains($0) }) { options.nodes = slots.count }
        if !given.contains("--launcher") { options.srunJob = jobID }
        if options.spareHosts.isEmpty {
            let used = Set(options.placement)
            options.spareHosts = hosts.filter { !used.contains($0) }
        }
    }

    /// What brazosrun says of it when it starts.
    func summary(_ options: Options) -> String {
        var used: [String] = []
        for host in options.placement where !used.contains(host) { used.append(host) }
        let spares = options.spareHosts.isEmpty ? "no spare hosts" : "spare host\(options.spareHosts.count == 1 ? "" : "s") \(options.spareHosts.joined(separator: ","))"
        return "brazosrun: in Slurm job \(jobID): \(options.nodes) node\(options.nodes == 1 ? "" : "s") on \(used.joined(separator: ",")); \(spares)"
    }
}
