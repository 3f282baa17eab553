// Checks MPI point-to-point semantics across every rank of a job, for the multi-process
// tests. Rank 0 prints "p2p-check ok: N ranks" when every check passed on every rank;
// any failure throws, which ends the job with a message and a non-zero status.
//
//   p2p-check                 the semantic checks
//   p2p-check --links         also print, from rank 0, which transport reaches each node
//   p2p-check --bound         also print, from every rank, the CPU it is bound to (-1: none)
//   p2p-check --intruder FIFO print node 1's address, wait for a line on FIFO (the test
//                             tries to connect there without the secret), then check
//   p2p-check --until-killed  print every rank's pid, then exchange around the ring forever
import BrazosCore
import BrazosMPI
import CBrazos
#if canImport(Glibc)
import Glibc
#endif

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailed(message()) }
}

func expectError(_ expected: ErrorClass, _ what: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as MPIError {
        try expect(error.errorClass == expected, "\(what): expected \(expected), got \(error)")
        return
    }
    throw CheckFailed("\(what): expected \(expected), got no error")
}

/// Bytes of message `index` from `rank`: a pattern a receiver can check entirely.
func payload(rank: Int, index: Int, count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ rank &* 31 &+ index) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
let job = try Brazos.join()

if arguments.first == "--until-killed" {
    try job.run { thread in
        let world = thread.world
        print("rank \(thread.rank) node \(job.node.id) pid \(getpid())")
        fflush(nil)  // every stream: Swift 6 forbids touching the global stdout
        var token = 0
        while true {
            try world.send(token, to: (world.rank + 1) % world.size, tag: 1)
            token = try world.recv(Int.self, from: (world.rank - 1 + world.size) % world.size, tag: 1).value
        }
    }
    exit(1)
}

try job.run { thread in
    let world = thread.world
    let rank = world.rank, size = world.size
    let next = (rank + 1) % size, previous = (rank - 1 + size) % size

    if arguments.first == "--links", rank == 0 {
        let kinds = (0..<job.node.nodeCount).map { "node\($0)=\(String(describing: type(of: job.node.link(toNode: $0))))" }
        print("links: " + kinds.joined(separator: " "))
    }
    if arguments.first == "--bound" {
        print("rank \(rank) cpu \(brazos_bound_cpu())")
    }
    if arguments.first == "--intruder", arguments.count == 2 {
        if rank == 0 {
            let card = job.node.cards[min(1, job.node.nodeCount - 1)]
            print("node address \(card.address):\(card.port)")
            fflush(nil)  // every stream: Swift 6 forbids touching the global stdout
            guard let fifo = fopen(arguments[1], "r") else { throw CheckFailed("cannot open \(arguments[1])") }
            var line = [CChar](repeating: 0, count: 64)
            _ = fgets(&line, 64, fifo)
            fclose(fifo)
        }
        try world.barrier()
    }

    // Every size class: empty, eager, just above the eager limits, rendezvous.
    let sizes = [0, 1, 1000, 32 * 1024, 32 * 1024 + 1, 64 * 1024 + 8, 300_000, 4 << 20]

    // Ring exchange of every size with sendrecv, contents checked byte for byte.
    for (index, count) in sizes.enumerated() {
        var incoming = [UInt8](repeating: 0, count: count)
        let status = try world.sendrecv(payload(rank: rank, index: index, count: count), to: next, sendTag: index,
                                        into: &incoming, from: previous, receiveTag: index)
        try expect(status.source == previous && status.tag == index && status.byteCount == count, "sendrecv status \(status)")
        try expect(incoming == payload(rank: previous, index: index, count: count), "sendrecv of \(count) bytes: contents differ")
    }

    // Non-overtaking: 60 messages of mixed sizes to the next rank, received with
    // wildcards, must arrive in the order sent.
    let orderSizes = (0..<60).map { sizes[$0 % sizes.count] % 100_000 }
    var pending: [Request?] = []
    var outgoing: [[UInt8]] = orderSizes.enumerated().map { payload(rank: rank, index: $0.offset, count: $0.element) }
    for index in 0..<outgoing.count {
        pending.append(try outgoing[index].withUnsafeBytes { try world.isend($0.baseAddress, byteCount: $0.count, to: next, tag: 7) })
    }
    for (index, count) in orderSizes.enumerated() {
        var incoming = [UInt8](repeating: 0, count: 100_000)
        let status = try world.recv(into: &incoming, from: size == 2 || size == 1 ? MPI.anySource : previous, tag: MPI.anyTag)
        try expect(status.source == previous && status.tag == 7 && status.byteCount == count, "ordered message \(index): status \(status)")
        try expect(Array(incoming[0..<count]) == payload(rank: previous, index: index, count: count), "ordered message \(index) overtaken or corrupt")
    }
    _ = try Request.waitAll(pending)
    outgoing.removeAll()

    // Wildcards: everyone sends rank 0 its rank as tag; rank 0 takes them in any order.
    try world.send([rank, rank * rank], to: 0, tag: 100 + rank)
    if rank == 0 {
        var seen = Set<Int>()
        for _ in 0..<size {
            let probed = try world.probe(from: MPI.anySource, tag: MPI.anyTag)
            try expect(probed.byteCount == 2 * MemoryLayout<Int>.stride, "probe count \(probed.byteCount)")
            var values = [0, 0]
            let status = try world.recv(into: &values, from: probed.source, tag: probed.tag)
            try expect(status.tag == 100 + status.source && values == [status.source, status.source * status.source],
                       "wildcard receive got \(values) with \(status)")
            seen.insert(status.source)
        }
        try expect(seen == Set(0..<size), "wildcard receives saw ranks \(seen.sorted())")
        try expect(try world.iprobe(from: MPI.anySource, tag: 100) == nil, "iprobe found a message that was received")
    }
    try world.barrier()  // no message of a later phase may meet the wildcards above

    // Truncation is an error with the status filled in, eager and rendezvous alike.
    for count in [100, 1 << 20] {
        let bytes = payload(rank: rank, index: count, count: count)
        var small = [UInt8](repeating: 0, count: 10)
        try bytes.withUnsafeBytes { out in
            let send = try world.isend(out.baseAddress, byteCount: out.count, to: next, tag: 200)
            try expectError(.truncate, "receiving \(count) bytes into 10") {
                _ = try world.recv(into: &small, from: previous, tag: 200)
            }
            try send.wait()
        }
        try expect(small == Array(payload(rank: previous, index: count, count: count)[0..<10]), "truncated receive kept the wrong bytes")
    }

    // Persistent requests, started ten times each.
    var value = 0
    var received = 0
    let persistentOK = try withUnsafeMutablePointer(to: &value) { out in
        try withUnsafeMutablePointer(to: &received) { into in
            let send = try world.sendInit(out, byteCount: MemoryLayout<Int>.size, to: next, tag: 300)
            let receive = try world.recvInit(into, byteCount: MemoryLayout<Int>.size, from: previous, tag: 300)
            for round in 0..<10 {
                out.pointee = rank * 1000 + round
                try receive.start()
                try send.start()
                _ = try Request.waitAll([send, receive])
                guard into.pointee == previous * 1000 + round else { return false }
            }
            try expectError(.request, "start of an active request") { try receive.start(); try receive.start() }
            try send.start()
            try send.wait()
            try receive.wait()
            return true
        }
    }
    try expect(persistentOK, "persistent requests delivered the wrong values")

    // waitany / waitsome / test* with null requests among the live ones.
    var cells = [Int](repeating: -1, count: 3)
    try cells.withUnsafeMutableBufferPointer { cellBuffer in
        var requests: [Request?] = [nil]
        for i in 0..<3 {
            requests.append(try world.irecv(cellBuffer.baseAddress! + i, byteCount: MemoryLayout<Int>.size, from: previous, tag: 400 + i))
            requests.append(nil)
        }
        // Nobody sends these before every rank has passed the barrier.
        try expect(try Request.testAll(requests) == nil, "testall true before any send")
        try expect(try Request.testSome(requests)?.isEmpty == true, "testsome found completions before any send")
        try world.barrier()
        for i in 0..<3 { try world.send(rank * 10 + i, to: next, tag: 400 + i) }
        var done = Set<Int>()
        if let (index, _) = try Request.waitAny(requests) { done.insert(index); requests[index] = nil }
        while let some = try Request.waitSome(requests) {
            for item in some { done.insert(item.index); requests[item.index] = nil }
        }
        try expect(done == [1, 3, 5], "waitany/waitsome completed \(done.sorted())")
        try expect(try Request.waitAny([nil, nil]) == nil, "waitany of null requests")
        let anyOfNone = try Request.testAny([nil])
        try expect(anyOfNone != nil && anyOfNone! == nil, "testany of null requests")
    }
    try expect(cells == [previous * 10, previous * 10 + 1, previous * 10 + 2], "waitany/waitsome values \(cells)")

    // PROC_NULL completes at once with an empty status.
    try world.send([1, 2, 3], to: MPI.procNull, tag: 5)
    var nothing = [Int](repeating: 9, count: 3)
    let nullStatus = try world.recv(into: &nothing, from: MPI.procNull, tag: 5)
    try expect(nullStatus.source == MPI.procNull && nullStatus.byteCount == 0 && nothing == [9, 9, 9], "PROC_NULL receive \(nullStatus)")

    // Bad arguments are clear errors.
    try expectError(.rank, "send to rank \(size)") { try world.send(1, to: size, tag: 0) }
    try expectError(.rank, "receive from rank -5") { _ = try world.recv(Int.self, from: -5, tag: 0) }
    try expectError(.count, "negative count") { try world.send(nil, byteCount: -1, to: next, tag: 0) }
    try expectError(.tag, "negative tag") { try world.send(1, to: next, tag: -3) }
    try expectError(.tag, "tag above the upper bound") { try world.send(1, to: next, tag: MPI.tagUpperBound + 1) }
    let freed = try world.irecv(nil, byteCount: 0, from: MPI.procNull, tag: 0)
    try freed.free()
    try expectError(.request, "wait on a freed request") { try freed.wait() }

    try world.barrier()
    if rank == 0 { print("p2p-check ok: \(size) ranks") }
}
