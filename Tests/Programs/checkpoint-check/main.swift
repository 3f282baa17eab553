// What a checkpoint keeps besides pages, checked across a real failure: messages in
// flight across the checkpoint's barrier, files written through the runtime's wrapper,
// and a Codable resume state.
//
//   checkpoint-check --steps S --output DIR [--work-ms M]
//
// At every step, each rank sends (step, rank) to the next rank, reaches a checkpointing
// barrier (a checkpoint at every step), then receives its predecessor's message and
// appends "step S from R" to DIR/rank-R.txt through `SharedMemory.openFile`. A job
// restarted from the checkpoint of step S must find that step's message in the saved
// channel state (the rank does not send it again), exactly once, and continue its file
// right after that step's checkpoint. At the end each rank checks that nothing is left
// to receive and prints "rank R: S steps, every message once".
import BrazosMPI
import BrazosSharedMemory
#if canImport(Glibc)
import Glibc
#endif

struct Progress: Codable {
    /// The step whose checkpoint this is: its message was sent before it, not received.
    var step: Int
    var received: Int
}

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let steps = option("--steps").flatMap { Int($0) } ?? 10
let output = option("--output") ?? "."
let work = UInt32(option("--work-ms").flatMap { Int($0) } ?? 0) * 1000

let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)
try job.run { thread in
    let world = thread.world, rank = thread.rank
    let next = (rank + 1) % world.size, previous = (rank + world.size - 1) % world.size
    _ = try shared.allocate("checkpoint-check", count: 1, of: Int.self, by: thread)
    let file = try shared.openFile("\(output)/rank-\(rank).txt", mode: .append, by: thread)
    let resumed = try shared.resumeState(Progress.self, by: thread)
    if rank == 0, let resumed { print("resumed at step \(resumed.step) from checkpoint epoch \(shared.restartedEpoch ?? -1)") }
    var received = resumed?.received ?? 0
    for step in (resumed?.step ?? 0)..<steps {
        if step != resumed?.step {
            try world.send([Int64(step), Int64(rank)], to: next, tag: 10)
            try shared.checkpoint(by: thread, state: Progress(step: step, received: received))
        }
        var message = [Int64](repeating: -1, count: 2)
        try world.recv(into: &message, from: previous, tag: 10)
        guard message == [Int64(step), Int64(previous)] else {
            throw CheckFailed("rank \(rank) at step \(step) received \(message) from rank \(previous)")
        }
        received += 1
        try file.write("step \(step) from \(previous)\n")
        if work > 0 { usleep(work) }
    }
    try shared.barrier(by: thread)
    if let extra = try world.iprobe(from: MPI.anySource, tag: MPI.anyTag) {
        throw CheckFailed("rank \(rank) has a message left over from rank \(extra.source), tag \(extra.tag): delivered twice?")
    }
    print("rank \(rank): \(received) steps, every message once")
}

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
