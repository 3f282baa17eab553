#if canImport(Glibc)
import Glibc
#endif

/// How a node of a job in a Slurm allocation is started: one `srun` per node process, a
/// one-task step on the node's host (`-w`), sharing the allocation's resources with the
/// other steps (`--overlap`), as Open MPI's mpirun starts its daemons there. One step per
/// node keeps each node's end visible to brazosrun as its own srun's end, and lets a
/// recovery start a replacement on any host of the allocation, a spare included.
enum SrunLaunch {
    /// The `--launcher` template: `{host}` is the node's host. No MPI plugin (the node
    /// wires up through brazosrun, not PMIx), and one Ctrl-C ends the step, as it ends a
    /// node started directly. Without `--exact`, the step may use every CPU the job has on
    /// its node (Slurm 21.08 on): a node's threads are not confined to one task's CPU.
    static func template(job: String) -> String {
        "srun --jobid=\(job) --nodes=1 --ntasks=1 --overlap --mpi=none --quit-on-interrupt --job-name=brazos-node -w {host}"
    }

    /// The node's end as a wait status, from its srun's: srun exits with 128 + the
    /// signal that killed the task (137 for SIGKILL), which is then taken for that death
    /// (recovered from), not for an exit status the program chose. A program that exits
    /// with 129 to 192 itself is taken the same way: srun does not tell them apart.
    static func nodeWaitStatus(fromSrun status: Int32) -> Int32 {
        guard status & 0x7f == 0 else { return status }
        let code = (status >> 8) & 0xff
        guard code > 128, code - 128 <= 64 else { return status }
        return code - 128
    }
}
