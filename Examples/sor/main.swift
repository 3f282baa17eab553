// Red-black successive over-relaxation on an n x n grid of Double in shared memory: the
// rows are split among the job's threads, each step updates the interior points with
// i + j even, then those with i + j odd, with a shared barrier after each colour.
// Row 0 is 1.0; the other edges and the interior start at 0.0. Prints a checksum of the
// final grid (RowHashes.swift), the same for every node and thread count (and the same
// as mpi-tests/examples/sor.c under OpenMPI).
//
// With --residual it mixes both models on its hot path: after each step the threads
// combine the largest change of the step by a message-passing allreduce (MAX, exact in
// any order) and print the last one.
//
// With --checkpoint-every K it saves a checkpoint every K steps (brazosrun
// --checkpoint-dir); restarted from one (brazosrun restart), its threads continue at the
// step they saved, and the checksum is the failure-free run's.
//
// With --migrate-every K (brazosrun --migratable), every K steps one thread (each in
// turn) moves to the next node between two steps and continues there; with
// --balance-every K, every K steps the threads' measured work decides whether one moves
// (Migration's LoadBalancer); without checkpoints and --residual, the barrier that ends
// each step is where `brazosrun drain` moves a drained node's threads away. The
// checksum is the same.
//
//   sor [--size N] [--steps S] [--residual] [--checkpoint-every K] [--migrate-every K]
//       [--balance-every K]      (defaults 4000, 100)
import ArgumentParser
import BrazosCore
import BrazosMPI
import ExampleOptions
import Migration
import BrazosSharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// sor's command line.
struct SorOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sor",
        abstract: "Red-black successive over-relaxation on a grid in shared memory.",
        discussion: """
            Prints the grid's checksum, the same on any number of nodes and threads, with moves and \
            recoveries, and the same as mpi-tests/examples/sor.c under mpirun.
            """)

    @Option(help: ArgumentHelp("the grid is N x N doubles in shared memory (default 4000: 122 MiB)", valueName: "N"), transform: positiveInteger)
    var size = 4000
    @Option(help: ArgumentHelp("red-black steps (default 100)", valueName: "S"), transform: positiveInteger)
    var steps = 100
    @Flag(help: "also an allreduce of each step's largest change, printed at the end")
    var residual = false
    @Option(help: ArgumentHelp("a checkpoint every K steps (with brazosrun --checkpoint-dir)", valueName: "K"), transform: positiveInteger)
    var checkpointEvery: Int?
    @Option(help: ArgumentHelp("every K steps a thread moves to the next node (brazosrun --migratable)", valueName: "K"), transform: positiveInteger)
    var migrateEvery: Int?
    @Option(help: ArgumentHelp("every K steps the load balancer may move a thread (brazosrun --migratable)", valueName: "K"), transform: positiveInteger)
    var balanceEvery: Int?
}

let options = SorOptions.parseCommandLine()
let n = max(options.size, 3)
let steps = options.steps
let omega = 1.5
let withResidual = options.residual
let checkpointEvery = options.checkpointEvery ?? 0
let migrateEvery = options.migrateEvery ?? 0
let balanceEvery = options.balanceEvery ?? 0
let balancer = balanceEvery > 0 ? LoadBalancer() : nil

let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)
try job.run { thread in
    let ranks = thread.world.size, rank = thread.rank
    let grid = try shared.allocate("sor grid", count: n * n, of: Double.self, pageAligned: true, by: thread)
    let u = grid.buffer.baseAddress!
    let rowHashes = try shared.allocate("sor row hashes", count: n, of: UInt64.self, by: thread)
    // Interior rows 1...n-2, split evenly.
    let first = 1 + rank * (n - 2) / ranks, last = 1 + (rank + 1) * (n - 2) / ranks
    // A restarted job continues at the step its checkpoint saved (the grid came back with
    // the allocation); a thread that moved here, at the step it left before.
    let resumed = try shared.resumeState(Int.self, by: thread)
    let arrived = thread.arrival != nil
    if rank == 0 && resumed == nil { for j in 0..<n { u[j] = 1.0 } }
    if rank == 0, !arrived, let resumed { diagnose("sor: resumed at step \(resumed) from checkpoint epoch \(shared.restartedEpoch ?? -1)") }
    if !arrived { try shared.barrier(by: thread) }
    let start = Brazos.wtime()
    var residual = 0.0
    for step in (resumed ?? 0)..<steps {
        if checkpointEvery > 0 && step > (resumed ?? 0) && step % checkpointEvery == 0 {
            try shared.checkpoint(by: thread, state: step)
        } else if step > (resumed ?? 0) && shared.takesCheckpoints {
            // Where brazosrun's interval or an operator's request may take a checkpoint.
            try shared.barrier(by: thread, saving: step)
        }
        if migrateEvery > 0 && step > 0 && step % migrateEvery == 0 && !(arrived && step == resumed)
            && rank == (step / migrateEvery) % ranks && (job.hostedRanks.count > 1 || !shared.takesCheckpoints) {
            let nodes = job.remainingNodes
            try thread.migrate(to: nodes.first { $0 > job.node.id } ?? nodes[0], saving: step)
        }
        if let balancer, step > 0, step % balanceEvery == 0, !(arrived && step == resumed) {
            try balancer.balance(thread, saving: step)
        }
        /// One colour's half-step over this thread's rows; returns the largest change.
        func sweep(_ colour: Int) -> Double {
            var change = 0.0
            for i in first..<last {
                // Wrapping index arithmetic: the bounds are the loop's, and overflow
                // checks would cost the kernel a fifth of its speed.
                let row = u + i &* n, above = row - n, below = row + n
                var j = 1 &+ (i &+ 1 &+ colour) & 1
                while j < n &- 1 {
                    let updated = (1 - omega) * row[j] + omega * 0.25 * (((above[j] + below[j]) + row[j &- 1]) + row[j &+ 1])
                    if withResidual { change = max(change, abs(updated - row[j])) }
                    row[j] = updated
                    j &+= 2
                }
            }
            return change
        }
        var change = 0.0
        for colour in 0..<2 {
            change = max(change, balancer?.timed(thread) { sweep(colour) } ?? sweep(colour))
            if colour == 1 && !shared.takesCheckpoints && !withResidual {
                // Where a drain may move this thread on: it would continue at the next step.
                try shared.barrier(by: thread, saving: step + 1)
            } else {
                try shared.barrier(by: thread)
            }
        }
        if withResidual { residual = try thread.world.allreduce([change], op: .max)[0] }
    }
    let elapsed = Brazos.wtime() - start
    // Each thread hashes its rows, the first and the last thread the edge rows too.
    hashRows((rank == 0 ? 0 : first)..<(rank == ranks - 1 ? n : last), of: u, width: n, into: rowHashes.buffer.baseAddress!)
    try shared.barrier(by: thread)
    if rank == 0 {
        let hash = checksum(ofRowHashes: rowHashes.buffer.baseAddress!, rows: n)
        print("checksum: \(String(hash, radix: 16).leftPadded(to: 16))")
        if withResidual { print("residual: \(String(residual.bitPattern, radix: 16).leftPadded(to: 16))") }
        diagnose("sor: \(n)x\(n), \(steps) steps, \(ranks) threads on \(job.node.nodeCount) nodes: \(String(format3(elapsed))) s\(arrived ? " (since rank 0 last moved)" : "")")
    }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

func format3(_ value: Double) -> String {
    let scaled = Int((value * 1000).rounded())
    return "\(scaled / 1000).\(String(scaled % 1000).leftPadded(to: 3))"
}
