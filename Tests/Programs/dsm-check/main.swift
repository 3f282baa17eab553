// The shared-memory checks that need a process of their own, for the multi-process tests.
//
//   dsm-check --threads-sum N       every rank writes its slice of a shared array; after
//                                    a shared barrier rank 0 checks the sum
//   dsm-check --litmus ROUNDS [--cyclic]  memory-model litmus tests across nodes (below);
//                                    --cyclic places the slots cyclically
//   dsm-check --locks K [--scope]    every rank adds 1 to a shared counter K times under
//                                    a lock; a write before a release is seen after the
//                                    matching acquire, so the total is ranks * K
//   dsm-check --messages K           a token passes K times around the ranks with
//                                    shared.send/receive; each holder checks the shared
//                                    writes of all before it, then adds its own
//   dsm-check --pending-at-checkpoint  rank 1 brings a posted receive to a checkpoint:
//                                    it is told so (needs brazosrun --checkpoint-dir)
//   dsm-check --shared-page          an allocation starts on the last page of another,
//                                    after the last rank wrote that page at its home;
//                                    every rank writes a slot of the second, and after a
//                                    shared barrier rank 0 checks both
//   dsm-check --allocations          every rank makes the same allocations; rank 0 prints
//                                    their addresses ("allocations ok: ...")
//   dsm-check --mismatch             rank 1 allocates a different size: every rank fails
//   dsm-check --crash-outside        a null dereference with the fault handler installed
//   dsm-check --previous-handler     the same, under a SIGSEGV handler installed first,
//                                    which exits with status 42
//
// With DSM_CHECK_HOLD=FIFO, node 0 waits until a line comes through FIFO before any of
// its ranks allocates: every node's shared-memory service listens by then, and none has
// connected to another (that waits for every rank), so a test can reach those listeners
// during the job's start-up.
import BrazosMPI
import BrazosSharedMemory

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
#if canImport(Glibc)
import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? ""

if mode == "--previous-handler" {
    signal(SIGSEGV) { _ in _exit(42) }
}

let job = try Brazos.join()
let shared = try SharedMemory.attach(to: job)

if job.node.id == 0, let hold = getenv("DSM_CHECK_HOLD") {
    let gate = open(hold, O_RDONLY)
    guard gate >= 0 else { throw CheckFailed("cannot open DSM_CHECK_HOLD \(String(cString: hold)): errno \(errno)") }
    var line = [UInt8](repeating: 0, count: 64)
    _ = read(gate, &line, line.count)
    close(gate)
}

switch mode {
case "--threads-sum":
    let perRank = Int(arguments.dropFirst().first ?? "") ?? 10_000
    try job.run { thread in
        let world = thread.world
        let values = try shared.allocate("values", count: perRank * world.size, of: Int64.self, pageAligned: true, by: thread)
        for index in 0..<perRank { values[thread.rank * perRank + index] = Int64(thread.rank * perRank + index) }
        try shared.barrier(by: thread)
        if thread.rank == 0 {
            let total = values.indices.reduce(Int64(0)) { $0 + values[$1] }
            let expected = Int64(values.count) * Int64(values.count - 1) / 2
            guard total == expected else { fatalError("shared sum \(total), expected \(expected)") }
            print("threads-sum ok: \(world.size) ranks, sum \(total)")
        }
    }
case "--litmus":
    let rounds = Int(arguments.dropFirst().first ?? "") ?? 5
    try job.run { thread in
        let world = thread.world
        let rank = thread.rank, size = world.size
        // A barrier makes every write visible, and no stale page survives it: each rank
        // writes its own slot, on pages homed anywhere, with a new value every round.
        let cyclic = arguments.contains("--cyclic")
        let slots = try shared.allocate("slots", count: size * 1024, of: Int64.self, pageAligned: true,
                                        placement: cyclic ? .cyclic : .block, by: thread)
        // Writers of different bytes of one page merge: every rank writes its own bytes
        // of the same two pages.
        let page = try shared.allocate("one page", count: 2 * 4096, of: UInt8.self, pageAligned: true, by: thread)
        for round in 1...rounds {
            for index in 0..<1024 { slots[rank * 1024 + index] = Int64(round * 1_000_000 + rank * 1024 + index) }
            for index in stride(from: rank, to: page.count, by: size) { page[index] = UInt8(truncatingIfNeeded: round &* 31 &+ rank) }
            try shared.barrier(by: thread)
            for other in 0..<size {
                for index in [0, 511, 1023] {
                    let seen = slots[other * 1024 + index], expected = Int64(round * 1_000_000 + other * 1024 + index)
                    guard seen == expected else { throw CheckFailed("round \(round): rank \(rank) saw \(seen) in rank \(other)'s slot \(index), expected \(expected)") }
                }
            }
            for index in page.indices {
                let expected = UInt8(truncatingIfNeeded: round &* 31 &+ index % size)
                guard page[index] == expected else { throw CheckFailed("round \(round): rank \(rank) saw byte \(index) = \(page[index]), expected \(expected) (a lost write of rank \(index % size))") }
            }
            try shared.barrier(by: thread)
        }
        if rank == 0 { print("litmus ok: \(size) ranks, \(rounds) rounds\(cyclic ? ", cyclic" : "")") }
    }
case "--locks":
    let times = Int(arguments.dropFirst().first ?? "") ?? 100
    let consistency: SharedMemory.Consistency = arguments.contains("--scope") ? .scope : .release
    try job.run { thread in
        let size = thread.world.size
        // Two counters on pages homed on different nodes, under two locks.
        let counters = try shared.allocate("counters", count: 1024, of: Int64.self, pageAligned: true, by: thread)
        try shared.barrier(by: thread)
        for round in 0..<times {
            let which = round % 2
            try shared.withLock(which, consistency: consistency, by: thread) {
                counters[which * 512] += 1
                counters[which * 512 + 1 + thread.rank] += 1  // each rank's own tally too
            }
        }
        try shared.barrier(by: thread)
        let first = counters[0], second = counters[512]
        guard first + second == Int64(size * times), first == Int64(size * ((times + 1) / 2)) else {
            throw CheckFailed("rank \(thread.rank): counters \(first) + \(second), expected \(size * ((times + 1) / 2)) + \(size * (times / 2))")
        }
        if thread.rank == 0 { print("locks ok: \(size) ranks, \(times) increments each") }
    }
case "--messages":
    let laps = Int(arguments.dropFirst().first ?? "") ?? 10
    try job.run { thread in
        let size = thread.world.size, rank = thread.rank
        // Each rank's cell sits on its own page, homed wherever block placement puts it.
        let cells = try shared.allocate("cells", count: size * 512, of: Int64.self, pageAligned: true, by: thread)
        try shared.barrier(by: thread)
        let next = (rank + 1) % size, previous = (rank - 1 + size) % size
        for lap in 1...laps {
            if !(rank == 0 && lap == 1) {
                let (token, _) = try shared.receive(Int64.self, capacity: 1, from: previous, tag: 5, by: thread)
                // Everything written before the sends that led here is visible now.
                for other in 0..<size {
                    let expected = Int64(other < rank ? lap : lap - 1)
                    guard cells[other * 512] == expected else {
                        throw CheckFailed("lap \(lap): rank \(rank) saw rank \(other)'s cell at \(cells[other * 512]), expected \(expected) (token \(token[0]))")
                    }
                }
            }
            cells[rank * 512] = Int64(lap)
            if !(rank == size - 1 && lap == laps) { try shared.send([Int64(lap)], to: next, tag: 5, by: thread) }
        }
        try shared.barrier(by: thread)
        if rank == 0 { print("messages ok: \(size) ranks, \(laps) laps") }
    }
case "--pending-at-checkpoint":
    try job.run { thread in
        _ = try shared.allocate("anything", count: 1, of: Int.self, by: thread)
        var slot = [Int](repeating: 0, count: 1)
        let pending = try slot.withUnsafeMutableBytes { try thread.world.irecv($0.baseAddress, byteCount: 8, from: 0, tag: 77) }
        if thread.rank == 1 { try shared.checkpoint(by: thread, state: 0) }
        _ = pending
        print("rank \(thread.rank): the pending receive went unnoticed")
    }
case "--shared-page":
    try job.run { thread in
        let rank = thread.rank, size = thread.world.size
        // Four pages and a quarter: block placement homes the fifth on the last node.
        let first = try shared.allocate("first", count: 4 * 512 + 128, of: Int64.self, pageAligned: true, by: thread)
        if rank == size - 1 { first[first.count - 1] = 42 }
        let second = try shared.allocate("second", count: size, of: Int64.self, by: thread)
        second[rank] = Int64(rank + 1)
        try shared.barrier(by: thread)
        if rank == 0 {
            let slots = (0..<size).map { second[$0] }
            guard first[first.count - 1] == 42, slots == (1...size).map(Int64.init) else {
                throw CheckFailed("after the barrier, the first allocation's tail holds \(first[first.count - 1]) (42 written), the second's slots \(slots)")
            }
            print("shared-page ok: \(size) ranks")
        }
    }
case "--allocations":
    try job.run { thread in
        let small = try shared.allocate("small", count: 3, of: Int32.self, by: thread)
        let aligned = try shared.allocate("aligned", count: 10, of: Double.self, pageAligned: true, by: thread)
        let again = try shared.allocate("small", count: 3, of: Int32.self, by: thread)
        if thread.rank == 0 {
            let offsetOf = { (pointer: UnsafeMutableRawPointer) in pointer - shared.region.base }
            print("allocations ok: small at \(offsetOf(UnsafeMutableRawPointer(small.base))), aligned at \(offsetOf(UnsafeMutableRawPointer(aligned.base))), again at \(offsetOf(UnsafeMutableRawPointer(again.base)))")
        }
    }
case "--mismatch":
    try job.run { thread in
        _ = try shared.allocate("grid", count: thread.rank == 1 ? 200 : 100, of: Double.self, by: thread)
        print("rank \(thread.rank): the mismatch went unnoticed")
    }
case "--crash-outside", "--previous-handler":
    try job.run { thread in
        _ = try shared.allocate("touched", count: 1, of: Int.self, by: thread)
        let nowhere = UnsafeMutablePointer<Int>(bitPattern: 8)!
        nowhere.pointee = 1
        print("a write to address 8 did not fault")
    }
default:
    print("dsm-check: unknown mode '\(mode)'")
    exit(2)
}
