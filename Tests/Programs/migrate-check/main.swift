// Checks a thread's moves under load. Rank 0 visits the nodes in turn (--hops, default
// 2 per node), moving at any point of its work, not at barriers:
//
// - every other rank sends it --messages numbered messages (default 60), every 7th one
//   too large to travel eagerly; rank 0 receives a few between moves, so at each move
//   some wait unreceived (they go along), some are on their way (they are forwarded),
//   and it checks that each sender's arrive in order;
// - rank 0 sends rank 1 a numbered message after each move, which rank 1 checks;
// - before each move rank 0 writes a shared array, and after it reads back all it wrote
//   (the move is a release and an acquire);
// - it appends a line per hop to --file through SharedMemory.openFile, which moves with it.
//
// First, moves that must be refused, leaving the thread where it is and as it was: to a
// node outside the job, with a receive of its own in progress, holding a lock.
//
// At the end every rank checks the shared array after a shared barrier; rank 0 prints
// "migrate-check: ok ..." and the file holds one line per hop, in order.
//
//   brazosrun -n N -T T --migratable migrate-check --file PATH [--hops H] [--messages M]
import BrazosCore
import BrazosMPI
import Migration
import BrazosSharedMemory

func option(_ name: String, default value: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1]), parsed > 0 else { return value }
    return parsed
}

struct Failure: Error, CustomStringConvertible { let description: String }

let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)
let hops = option("--hops", default: 2 * job.node.nodeCount)
let perSender = option("--messages", default: 60)
guard let fileIndex = CommandLine.arguments.firstIndex(of: "--file"), fileIndex + 1 < CommandLine.arguments.count else {
    diagnose("usage: migrate-check --file PATH [--hops H] [--messages M]")
    Brazos.abort(code: 2, reason: "no --file")
}
let path = CommandLine.arguments[fileIndex + 1]
let large = 40_000

/// Rank 0's state between moves.
struct Mover: Codable {
    var hop = 0
    /// Per sender, the number of the next message expected.
    var expected: [Int]
    var received = 0
}

/// A message of rank `sender` numbered `number`: the two, then a pattern, so that a
/// mixed-up or truncated one shows.
@Sendable func message(from sender: Int, number: Int) -> [Int64] {
    let count = number % 7 == 6 ? large / 8 : 4
    var values = [Int64](repeating: 0, count: count)
    for index in 0..<count { values[index] = Int64(sender * 31 + number * 7 + index) }
    values[0] = Int64(sender)
    values[1] = Int64(number)
    return values
}

/// Each refused move throws a clear error, and the thread goes on where it is.
@Sendable func checkRefusals(_ thread: BrazosThread, _ state: Mover) throws {
    func expectRefusal(_ expected: String, _ move: () throws -> Void) throws {
        do {
            try move()
            throw Failure(description: "a move that should be refused (\(expected)) was not")
        } catch let error where !(error is Failure) {
            guard "\(error)".contains(expected) else { throw Failure(description: "refused with '\(error)', expected '\(expected)'") }
        }
    }
    try expectRefusal("is not in the job") { try thread.migrate(to: job.node.nodeCount, saving: state) }
    let value = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
    defer { value.deallocate() }
    value.pointee = 0
    let receive = try thread.world.irecv(value, byteCount: 8, from: 0, tag: 3)
    try expectRefusal("operation in progress") { try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: state) }
    try thread.world.send([Int64(42)], to: 0, tag: 3)
    _ = try receive.wait()
    guard value.pointee == 42 else { throw Failure(description: "the receive posted before a refused move got \(value.pointee)") }
    try shared.lock(3, by: thread)
    try expectRefusal("unlock before moving") { try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: state) }
    try shared.unlock(3, by: thread)
    print("migrate-check: refusals ok")
}

try job.run { thread in
    let world = thread.world, ranks = world.size, rank = thread.rank
    let marks = try shared.allocate("migrate-check marks", count: hops + 1, of: Int64.self, by: thread)
    if rank == 0 {
        let file = try shared.openFile(path, mode: .append, by: thread)
        var state = try shared.resumeState(Mover.self, by: thread) ?? Mover(expected: Array(repeating: 0, count: ranks))
        // What it wrote before it moved is here (the move was a release and an acquire).
        for hop in 0..<state.hop where marks[hop] != Int64(hop * 7 + 1) {
            throw Failure(description: "rank 0 on node \(job.node.id): its write of mark \(hop) before moving reads \(marks[hop])")
        }
        if state.hop == 0 { try checkRefusals(thread, state) }
        if state.hop > 0 { try world.send([Int64(state.hop)], to: 1 % ranks, tag: 2) }
        let total = perSender * (ranks - 1)
        // Receive a share of the messages, then move with the rest waiting or on the way.
        let share = state.hop < hops ? total / (hops + 1) : total
        var buffer = [Int64](repeating: 0, count: large / 8)
        for _ in 0..<min(share, total - state.received) {
            let status = try world.recv(into: &buffer, from: MPI.anySource, tag: 1)
            let sender = Int(buffer[0]), number = Int(buffer[1])
            guard sender == status.source, number == state.expected[sender], Array(buffer.prefix(status.byteCount / 8)) == message(from: sender, number: number) else {
                throw Failure(description: "rank 0 on node \(job.node.id): got message \(number) of rank \(sender) (from \(status.source), \(status.byteCount) bytes); expected number \(state.expected[status.source])")
            }
            state.expected[sender] += 1
            state.received += 1
        }
        try file.write("hop \(state.hop) on node \(job.node.id)\n")
        if state.hop < hops {
            marks[state.hop] = Int64(state.hop * 7 + 1)
            state.hop += 1
            try thread.migrate(to: (job.node.id + 1) % job.node.nodeCount, saving: state)
        }
        marks[hops] = Int64(state.received)
        file.close()
    } else {
        for number in 0..<perSender { try world.send(message(from: rank, number: number), to: 0, tag: 1) }
        if rank == 1 % ranks {
            var hop: [Int64] = [0]
            for expected in 1...hops {
                _ = try world.recv(into: &hop, from: 0, tag: 2)
                guard hop[0] == Int64(expected) else { throw Failure(description: "rank 1 got rank 0's message of hop \(hop[0]), expected \(expected)") }
            }
        }
    }
    try shared.barrier(by: thread)
    for hop in 0..<hops where marks[hop] != Int64(hop * 7 + 1) {
        throw Failure(description: "rank \(rank) on node \(job.node.id) reads mark \(hop) as \(marks[hop]) after the barrier")
    }
    guard marks[hops] == Int64(perSender * (ranks - 1)) else {
        throw Failure(description: "rank \(rank): rank 0 received \(marks[hops]) messages, not \(perSender * (ranks - 1))")
    }
    if rank == 0 { print("migrate-check: ok, \(hops) hops, \(perSender * (ranks - 1)) messages in order, ended on node \(job.node.id)") }
}
