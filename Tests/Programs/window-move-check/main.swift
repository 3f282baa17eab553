// Checks a window used across its rank's moves (`brazosrun --migratable`). Rank 0 moves
// to the next node every other step, at two kinds of points: right after the fence that
// opens a step's epoch (the others' accesses of that epoch follow it, or wait for it on
// the node it goes to), and after the step's closing barrier (no epoch open). Each step:
//
// - fence epoch: every rank adds (step + 1) * (rank + 1) to its own slot of every other
//   rank's window, and reads every other rank's counter slot (the value the lock phase
//   of the steps before left there); in the first step a put of 1 MiB to the right
//   neighbour, which rank 0 carries with every move after;
// - lock phase: each rank adds step + 1 to its right neighbour's counter by fetch-and-op
//   under an exclusive lock and checks the old value.
//
// First, what must be refused, changing nothing: a window over the program's own memory
// where threads move; a move inside a lock epoch; a move while another rank holds the
// mover's lock. At the end every rank checks its window against the failure-free values
// and rank 0 prints "window-move-check ok: R ranks, S steps, M moves".
//
//   brazosrun -n N [-T T] --migratable window-move-check [--steps S]
import BrazosMPI
import Migration

struct CheckFailed: Error, CustomStringConvertible { let description: String }

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailed(description: message()) }
}

/// Where rank 0 stood when it moved: the step, whether the fence that opens it was
/// passed (it moved right after), and how many moves it made.
struct Progress: Codable {
    var step = 0
    var fenceDone = false
    var moves = 0
}

let arguments = CommandLine.arguments
let steps = arguments.firstIndex(of: "--steps").flatMap { Int(arguments[$0 + 1]) } ?? 8
/// Elements past the slots: a window larger than any frame, so a move carries it in pieces.
let large = 140_000

func triangle(_ k: Int) -> Int64 { Int64(k * (k + 1) / 2) }

let job = try Brazos.join()
try job.run { thread in
    let world = thread.world
    let ranks = world.size, rank = thread.rank
    let right = (rank + 1) % ranks, left = (rank + ranks - 1) % ranks
    let slots = ranks + 1, counter = ranks
    var progress = try thread.resumeState(Progress.self) ?? Progress()
    let resumed = thread.arrival != nil

    if !resumed {
        var own = [Int64](repeating: 0, count: 4)
        do {
            _ = try own.withUnsafeMutableBytes { try Window.create(base: $0.baseAddress, size: 32, displacementUnit: 8, communicator: world) }
            throw CheckFailed(description: "a window over the program's memory was made where threads move")
        } catch let error as MPIError {
            try expect("\(error)".contains("made by MPI_Win_allocate"), "refused with '\(error)'")
        }
    }
    // Made collectively at the start; on the node rank 0 moved to, its own again, as it was.
    let window = try Window.allocate(size: (slots + large) * 8, displacementUnit: 8, communicator: world)
    let memory = window.base!
    func element(_ index: Int) -> Int64 { memory.load(fromByteOffset: index * 8, as: Int64.self) }

    if !resumed {
        // A move inside its own lock epoch, and while another rank holds its lock.
        if rank == 0 && ranks > 1 {
            try window.lock(.exclusive, rank: 1)
            do {
                try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: progress)
            } catch let error as MPIError {
                try expect("\(error)".contains("inside an epoch of its window"), "refused with '\(error)'")
            }
            try window.unlock(rank: 1)
        }
        try world.barrier()
        if rank == 1 { try window.lock(.shared, rank: 0) }
        try world.barrier()
        if rank == 0 && ranks > 1 {
            do {
                try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: progress)
            } catch let error as MPIError {
                try expect("\(error)".contains("holds or waits for the lock"), "refused with '\(error)'")
            }
            print("window-move-check: refusals ok")
        }
        try world.barrier()
        if rank == 1 { try window.unlock(rank: 0) }
        try world.barrier()
    }

    func moveOn() throws {
        progress.moves += 1
        try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: progress)
    }

    while progress.step < steps {
        let k = progress.step
        if !progress.fenceDone {
            try window.fence()
            progress.fenceDone = true
            if rank == 0 && k % 2 == 1 && job.node.nodeCount > 1 { try moveOn() }
        }
        var mine = Int64((k + 1) * (rank + 1))
        var seen = [Int64](repeating: -1, count: ranks)
        for target in 0..<ranks where target != rank {
            try withUnsafeBytes(of: &mine) { try window.accumulate(.init($0.baseAddress, count: 1, datatype: .int64), to: .init(rank: target, displacement: rank, count: 1, datatype: .int64), op: .sum) }
            try seen.withUnsafeMutableBytes { try window.get(into: .init($0.baseAddress! + 8 * target, count: 1, datatype: .int64), from: .init(rank: target, displacement: counter, count: 1, datatype: .int64)) }
        }
        if k == 0 {
            let row = (0..<large).map { Int64($0 ^ (rank << 20)) }
            try row.withUnsafeBytes { try window.put(.init($0.baseAddress, count: large, datatype: .int64), to: .init(rank: right, displacement: slots, count: large, datatype: .int64)) }
        }
        try window.fence(.noSucceed)
        for target in 0..<ranks where target != rank {
            try expect(seen[target] == triangle(k), "rank \(rank), step \(k): rank \(target)'s counter read \(seen[target]), not \(triangle(k))")
        }
        var add = Int64(k + 1), old: Int64 = -1
        try window.lock(.exclusive, rank: right)
        try window.fetchAndOp(&add, result: &old, datatype: .int64, rank: right, displacement: counter, op: .sum)
        try window.unlock(rank: right)
        try expect(old == triangle(k), "rank \(rank), step \(k): fetch-and-op on rank \(right) saw \(old), not \(triangle(k))")
        try world.barrier()
        progress.step += 1
        progress.fenceDone = false
        if rank == 0 && k % 2 == 0 && k + 1 < steps && job.node.nodeCount > 1 { try moveOn() }
    }

    for source in 0..<ranks {
        let expected = source == rank ? 0 : Int64(source + 1) * triangle(steps)
        try expect(element(source) == expected, "rank \(rank): slot of rank \(source) holds \(element(source)), not \(expected)")
    }
    try expect(element(counter) == triangle(steps), "rank \(rank): counter \(element(counter)), not \(triangle(steps))")
    try expect((0..<large).allSatisfy { element(slots + $0) == Int64($0 ^ (left << 20)) }, "rank \(rank): the large put from rank \(left)")
    try window.free()
    if rank == 0 { print("window-move-check ok: \(ranks) ranks, \(steps) steps, \(progress.moves) moves") }
}
