// Checkpoints of a program that only sends messages (no shared memory), checked across
// a real failure: a protected buffer, a Codable resume state, and a message in flight
// across every checkpoint.
//
//   message-checkpoint-check --cells C --steps S [--checkpoint-every K]
//
// Each rank holds C cells of a 1-D heat bar (a protected buffer) and relaxes them for S
// steps, trading edge cells with its neighbours. At every step it also sends (step, rank)
// to the next rank, which receives it only at the next step: across a checkpoint the
// message is in flight, and a restarted job must deliver it once from the saved
// channels (nobody sends it again). With --checkpoint-every K it checkpoints every K
// steps; without, at `Checkpoints.barrier` points (brazosrun --checkpoint-every). Rank 0
// prints the bar's checksum, which a failure and recovery must not change.
import BrazosCore
import BrazosMPI
import Checkpointing
#if canImport(Glibc)
import Glibc
#endif

struct Progress: Codable {
    /// Steps done; the message of step `step - 1` was sent and not yet received.
    var step: Int
}

func option(_ name: String) -> Int? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return Int(arguments[index + 1])
}

let cells = option("--cells") ?? 1000
let steps = option("--steps") ?? 100
let every = option("--checkpoint-every")

// An error ends the node with a message and status 1, not a trap: a trap's backtracer can
// outlive a node that its launcher kills, and the tests leave no process behind.
let job: Brazos, checkpoints: Checkpoints
do {
    job = try Brazos.join()
    checkpoints = try Checkpoints.attach(to: job)
} catch {
    diagnose("message-checkpoint-check: \(error)")
    exit(1)
}
do {
    try job.run { thread in
        let world = thread.world, rank = thread.rank, size = world.size
        let next = (rank + 1) % size, previous = (rank + size - 1) % size
        var bar = [Double](repeating: 0, count: cells + 2)
        if rank == 0 { bar[1] = 1e6 }
        let resumed = try checkpoints.resumeState(Progress.self, by: thread)
        try bar.withUnsafeMutableBytes { bytes in
            checkpoints.protect(0, bytes, by: thread)
            defer { checkpoints.unprotect(0, by: thread) }
            let restored = try checkpoints.restoreProtected(by: thread)
            if let resumed {
                guard restored == [0] else { throw CheckFailed("rank \(rank) resumed at step \(resumed.step) without its bar") }
                if rank == 0 { diagnose("message-checkpoint-check: resumed at step \(resumed.step) from checkpoint epoch \(checkpoints.restartedEpoch ?? -1)") }
            }
            let cell = bytes.bindMemory(to: Double.self)
            for step in (resumed?.step ?? 0)..<steps {
                if step > 0 {
                    var message = [Int64](repeating: -1, count: 2)
                    try world.recv(into: &message, from: previous, tag: 10)
                    guard message == [Int64(step - 1), Int64(previous)] else {
                        throw CheckFailed("rank \(rank) at step \(step) received \(message) from rank \(previous)")
                    }
                }
                // The edges: the left one from the previous rank, the right one from the next.
                var left = [cell[1]], right = [cell[cells]]
                if size > 1 {
                    var fromLeft = [0.0], fromRight = [0.0]
                    _ = try world.sendrecv(left, to: previous, sendTag: 11, into: &fromRight, from: next, receiveTag: 11)
                    _ = try world.sendrecv(right, to: next, sendTag: 12, into: &fromLeft, from: previous, receiveTag: 12)
                    left = fromLeft
                    right = fromRight
                }
                cell[0] = rank == 0 ? cell[1] : left[0]
                cell[cells + 1] = rank == size - 1 ? cell[cells] : right[0]
                var previousCell = cell[0]
                for index in 1...cells {
                    let current = cell[index]
                    cell[index] = current + 0.25 * (previousCell - 2 * current + cell[index + 1])
                    previousCell = current
                }
                try world.send([Int64(step), Int64(rank)], to: next, tag: 10)
                if let every, (step + 1) % every == 0 {
                    try checkpoints.checkpoint(by: thread, state: Progress(step: step + 1))
                } else {
                    try checkpoints.barrier(by: thread, saving: Progress(step: step + 1))
                }
            }
            var last = [Int64](repeating: -1, count: 2)
            try world.recv(into: &last, from: previous, tag: 10)
            guard last == [Int64(steps - 1), Int64(previous)] else { throw CheckFailed("rank \(rank)'s last message is \(last)") }
            if let extra = try world.iprobe(from: MPI.anySource, tag: MPI.anyTag) {
                throw CheckFailed("rank \(rank) has a message left over from rank \(extra.source), tag \(extra.tag): delivered twice?")
            }
            let sums = try world.allreduce([(1...cells).reduce(0.0) { $0 + cell[$1] * Double($1) }], op: .sum)
            if rank == 0 { print("checksum: \(sums[0]) after \(steps) steps, every message once") }
        }
    }
} catch {
    diagnose("message-checkpoint-check: \(error)")
    exit(1)
}

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
