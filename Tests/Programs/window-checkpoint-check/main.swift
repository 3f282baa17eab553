// Windows in checkpoints, checked across a real failure: the program keeps its whole
// state in a window's memory and protects nothing itself.
//
//   window-checkpoint-check --cells C --steps S --checkpoint-every K
//
// Each rank holds C cells of a 1-D heat bar in its part of an `MPI_Win_allocate` window
// and relaxes them for S steps; the edge cells travel as puts into the neighbours' halo
// cells, and every rank adds 1 to a counter that rank 0 attached to a dynamic window, by
// an accumulate, all between fences. Every K steps, after a fence, a checkpoint saves the
// step; a restarted job makes its windows again (and attaches the counter again, at
// another address) and finds them as saved. Rank 0 prints the bar's checksum and the
// counter, which a failure and recovery must not change.
import BrazosCore
import BrazosMPI
import Checkpointing
#if canImport(Glibc)
import Glibc
#endif

struct Progress: Codable {
    var step: Int
}

func option(_ name: String) -> Int? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return Int(arguments[index + 1])
}

let cells = option("--cells") ?? 1000
let steps = option("--steps") ?? 100
let every = option("--checkpoint-every") ?? .max

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let job: Brazos, checkpoints: Checkpoints
do {
    job = try Brazos.join()
    checkpoints = try Checkpoints.attach(to: job)
} catch {
    diagnose("window-checkpoint-check: \(error)")
    exit(1)
}
do {
    try job.run { thread in
        let world = thread.world, rank = thread.rank, size = world.size
        let next = (rank + 1) % size, previous = (rank + size - 1) % size
        // Cells 1...C and halo cells 0 and C+1.
        let window = try Window.allocate(size: (cells + 2) * 8, displacementUnit: 8, communicator: world)
        let cell = window.base!.bindMemory(to: Double.self, capacity: cells + 2)
        // The counter, in memory of rank 0's own attached to a dynamic window.
        let counters = try Window.createDynamic(communicator: world)
        let counter = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        defer { counter.deallocate() }
        counter.pointee = 0
        if rank == 0 { try counters.attach(counter, size: 8) }
        var counterAddress = [Int(bitPattern: counter)]
        try world.bcast(&counterAddress, root: 0)
        let resumed = try checkpoints.resumeState(Progress.self, by: thread)
        if let resumed {
            if rank == 0 {
                guard counter.pointee == Double(resumed.step * size) else {
                    throw CheckFailed("resumed at step \(resumed.step) with a counter of \(counter.pointee): the dynamic window was not restored")
                }
                diagnose("window-checkpoint-check: resumed at step \(resumed.step) from checkpoint epoch \(checkpoints.restartedEpoch ?? -1)")
            }
        } else if rank == 0 {
            cell[1] = 1e6
        }
        let one = 1.0
        try window.fence()
        try counters.fence()
        for step in (resumed?.step ?? 0)..<steps {
            var edges = (left: cell[1], right: cell[cells])
            if size > 1 {
                try withUnsafeBytes(of: &edges.left) { try window.put(.init($0.baseAddress, count: 1, datatype: .double), to: .init(rank: previous, displacement: cells + 1, count: 1, datatype: .double)) }
                try withUnsafeBytes(of: &edges.right) { try window.put(.init($0.baseAddress, count: 1, datatype: .double), to: .init(rank: next, displacement: 0, count: 1, datatype: .double)) }
            }
            try withUnsafeBytes(of: one) { try counters.accumulate(.init($0.baseAddress, count: 1, datatype: .double), to: .init(rank: 0, displacement: counterAddress[0], count: 1, datatype: .double), op: .sum) }
            try window.fence()
            try counters.fence()
            if rank == 0 { cell[0] = cell[1] }
            if rank == size - 1 { cell[cells + 1] = cell[cells] }
            var previousCell = cell[0]
            for index in 1...cells {
                let current = cell[index]
                cell[index] = current + 0.25 * (previousCell - 2 * current + cell[index + 1])
                previousCell = current
            }
            // The neighbours have read their halos before the next step's puts replace them.
            try window.fence()
            if (step + 1) % every == 0 { try checkpoints.checkpoint(by: thread, state: Progress(step: step + 1)) }
        }
        let sums = try world.allreduce([(1...cells).reduce(0.0) { $0 + cell[$1] * Double($1) }], op: .sum)
        if rank == 0 { print("checksum: \(sums[0]) after \(steps) steps, counter \(counter.pointee)") }
        try window.free()
        if rank == 0 { try counters.detach(counter) }
        try counters.free()
    }
} catch {
    diagnose("window-checkpoint-check: \(error)")
    exit(1)
}
