// Checks one-sided windows of the Swift API across every rank of a job, for the
// multi-process tests: ranks of one node reach each other's windows directly, ranks of
// other nodes by messages, so a job of several threads per node on several nodes takes
// both paths at once. Every window flavor; fences, locks (exclusive counters, concurrent
// accumulates under shared locks), flushes, post-start-complete-wait; strided target
// types, value-index pairs, accesses larger than a link's frame. Rank 0 prints
// "rma-check ok: N ranks"; a failure throws, which ends the job with a message and a
// non-zero status.
import BrazosMPI

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailed(description: message()) }
}

/// `count` Int64 elements at `base`, the window's memory.
struct Elements {
    let base: UnsafeMutableRawPointer
    subscript(index: Int) -> Int64 {
        get { base.load(fromByteOffset: index * 8, as: Int64.self) }
        nonmutating set { base.storeBytes(of: newValue, toByteOffset: index * 8, as: Int64.self) }
    }
}

let count = 4096
/// Elements past the first `count`: room for an access larger than a frame (1 MiB).
let large = 160_000
let elementsPerWindow = count + large

func exercise(_ window: Window, memory: Elements, world: Communicator) throws {
    let rank = window.rank, size = window.group.size
    let right = (rank + 1) % size, left = (rank + size - 1) % size

    // Fence: a ring of puts, then gets back, then a strided accumulate from every rank.
    for index in 0..<count { memory[index] = -1 }
    try window.fence()
    var row = (0..<count).map { Int64(rank * 100_000 + $0) }
    try row.withUnsafeBytes { try window.put(.init($0.baseAddress, count: count, datatype: .int64), to: .init(rank: right, displacement: 0, count: count, datatype: .int64)) }
    try window.fence()
    try expect((0..<count).allSatisfy { memory[$0] == Int64(left * 100_000 + $0) }, "rank \(rank): the ring put from \(left)")
    var back = [Int64](repeating: 0, count: count)
    try back.withUnsafeMutableBytes { try window.get(into: .init($0.baseAddress, count: count, datatype: .int64), from: .init(rank: left, displacement: 0, count: count, datatype: .int64)) }
    try window.fence()
    let leftOfLeft = (left + size - 1) % size
    try expect(back.enumerated().allSatisfy { $1 == Int64(leftOfLeft * 100_000 + $0) }, "rank \(rank): the ring get from \(left)")
    for index in 0..<count { memory[index] = 0 }
    try window.fence()
    let everyThird = try Datatype.vector(count / 3, blockLength: 1, stride: 3, of: .int64)
    everyThird.commit()
    let ones = [Int64](repeating: 1, count: count / 3)
    for target in 0..<size {
        try ones.withUnsafeBytes { try window.accumulate(.init($0.baseAddress, count: count / 3, datatype: .int64), to: .init(rank: target, displacement: 0, count: 1, datatype: everyThird), op: .sum) }
    }
    try window.fence()
    try expect((0..<count).allSatisfy { memory[$0] == ($0 % 3 == 0 && $0 / 3 < count / 3 ? Int64(size) : 0) }, "rank \(rank): strided accumulates")

    // An access larger than any frame, in pieces, both ways.
    row = (0..<large).map { Int64($0 ^ rank) }
    try row.withUnsafeBytes { try window.put(.init($0.baseAddress, count: large, datatype: .int64), to: .init(rank: right, displacement: count, count: large, datatype: .int64)) }
    try window.fence()
    try expect((0..<large).allSatisfy { memory[count + $0] == Int64($0 ^ left) }, "rank \(rank): a large put from \(left)")
    var largeBack = [Int64](repeating: 0, count: large)
    try largeBack.withUnsafeMutableBytes { try window.get(into: .init($0.baseAddress, count: large, datatype: .int64), from: .init(rank: right, displacement: count, count: large, datatype: .int64)) }
    try window.fence(.noSucceed)
    try expect(largeBack.enumerated().allSatisfy { $1 == Int64($0 ^ rank) }, "rank \(rank): a large get from \(right)")

    // The same large get in a passive epoch, which a target on another node answers from
    // its window as each piece's reply leaves.
    largeBack = [Int64](repeating: 0, count: large)
    try window.lock(.shared, rank: right)
    try largeBack.withUnsafeMutableBytes { try window.get(into: .init($0.baseAddress, count: large, datatype: .int64), from: .init(rank: right, displacement: count, count: large, datatype: .int64)) }
    try window.unlock(rank: right)
    try expect(largeBack.enumerated().allSatisfy { $1 == Int64($0 ^ rank) }, "rank \(rank): a large get from \(right) under a lock")

    // Exclusive locks: a read-modify-write counter on rank 0.
    try prepare(memory, world)
    for _ in 0..<10 {
        var value: Int64 = 0
        try window.lock(.exclusive, rank: 0)
        try withUnsafeMutableBytes(of: &value) { try window.get(into: .init($0.baseAddress, count: 1, datatype: .int64), from: .init(rank: 0, displacement: 1, count: 1, datatype: .int64)) }
        try window.flush(rank: 0)
        value += 1
        try withUnsafeBytes(of: &value) { try window.put(.init($0.baseAddress, count: 1, datatype: .int64), to: .init(rank: 0, displacement: 1, count: 1, datatype: .int64)) }
        try window.unlock(rank: 0)
    }
    // Shared locks: accumulates from every rank at once are atomic per element.
    try window.lockAll()
    var one: Int64 = 1
    for _ in 0..<50 {
        try withUnsafeBytes(of: &one) { try window.accumulate(.init($0.baseAddress, count: 1, datatype: .int64), to: .init(rank: 0, displacement: 2, count: 1, datatype: .int64), op: .sum) }
    }
    var fetched: Int64 = -1
    try window.fetchAndOp(&one, result: &fetched, datatype: .int64, rank: right, displacement: 3, op: .sum)
    try window.flushAll()
    try expect(fetched == 0, "rank \(rank): fetch-and-op's old value \(fetched)")
    var mine = Int64(rank + 1), zero: Int64 = 0, seen: Int64 = -1
    try window.compareAndSwap(&mine, compare: &zero, result: &seen, datatype: .int64, rank: right, displacement: 4)
    var noValue: Int64 = 0
    let request = try withUnsafeMutableBytes(of: &noValue) { result in
        try window.rgetAccumulate(.init(nil, count: 0, datatype: .int64), result: .init(result.baseAddress, count: 1, datatype: .int64),
                                  target: .init(rank: right, displacement: 3, count: 1, datatype: .int64), op: .noOp)
    }
    _ = try request.wait()
    try window.unlockAll()
    try expect(seen == 0, "rank \(rank): compare-and-swap's old value \(seen)")
    try expect(noValue == 1, "rank \(rank): an atomic get (MPI_NO_OP) read \(noValue)")
    try world.barrier()
    if rank == 0 {
        try expect(memory[1] == Int64(10 * size), "counter \(memory[1]) after \(size) ranks' exclusive increments")
        try expect(memory[2] == Int64(50 * size), "\(memory[2]) after \(size) ranks' concurrent accumulates")
    }
    try expect(memory[4] == Int64(left + 1), "rank \(rank): compare-and-swap from \(left) gave \(memory[4])")

    // Post-start-complete-wait: expose to the left neighbour, access the right one.
    try world.barrier()
    try window.post(try window.group.including([left]))
    try window.start(try window.group.including([right]))
    var value = Int64(7000 + rank)
    try withUnsafeBytes(of: &value) { try window.put(.init($0.baseAddress, count: 1, datatype: .int64), to: .init(rank: right, displacement: 5, count: 1, datatype: .int64)) }
    try window.complete()
    try window.wait()
    try expect(memory[5] == Int64(7000 + left), "rank \(rank): the put under post-start-complete-wait")

    // MINLOC on value-index pairs (a padded type: the index lies past the double).
    try world.barrier()
    try window.lockAll()
    var pair = (value: Double(100 - rank), index: Int32(rank))
    try withUnsafeBytes(of: &pair) { try window.accumulate(.init($0.baseAddress, count: 1, datatype: .doubleInt), to: .init(rank: 0, displacement: 6, count: 1, datatype: .doubleInt), op: .minloc) }
    try window.unlockAll()
    try world.barrier()
    if rank == 0 {
        let minimum = memory.base.load(fromByteOffset: 6 * 8, as: Double.self), index = memory.base.load(fromByteOffset: 7 * 8, as: Int32.self)
        try expect(minimum == Double(100 - (size - 1)) && index == Int32(size - 1), "MINLOC gave (\(minimum), \(index))")
    }
}

/// Zeroes the counters (elements 0...7, the pair's value set to infinity) on every rank
/// before the passive-target checks use them.
func prepare(_ memory: Elements, _ world: Communicator) throws {
    for index in 0..<8 { memory[index] = 0 }
    memory.base.storeBytes(of: Double.infinity, toByteOffset: 6 * 8, as: Double.self)
    try world.barrier()
}

let job = try Brazos.join()
try job.run { thread in
    let world = thread.world
    let bytes = elementsPerWindow * 8

    let own = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 8)
    defer { own.deallocate() }
    var window = try Window.create(base: own, size: bytes, displacementUnit: 8, communicator: world)
    try expect(window.flavor == .create && window.size == bytes && window.displacementUnit == 8, "create's attributes")
    try exercise(window, memory: Elements(base: own), world: world)
    try window.free()

    // The ranks that share memory with this one: those of its node, and those of the
    // host's other nodes that shared-memory links reach.
    let node = try world.split(type: .shared, key: world.rank)!
    let sharing = Set(try node.allgather([world.rank]))

    window = try Window.allocate(size: bytes, displacementUnit: 8, communicator: world)
    try expect(window.flavor == .allocate && window.base != nil, "allocate's attributes")
    try exercise(window, memory: Elements(base: window.base!), world: world)
    // Allocated memory of the ranks sharing memory is mapped here, the others' is not.
    Elements(base: window.base!)[0] = Int64(1000 + world.rank)
    try world.barrier()
    for member in 0..<world.size {
        let (size, _, base) = try window.sharedQuery(rank: member)
        try expect((base != nil) == sharing.contains(member), "rank \(member)'s allocated memory mapped here: \(base != nil)")
        if let base { try expect(size == bytes && Elements(base: base)[0] == Int64(1000 + member), "rank \(member)'s allocated memory read by load") }
    }
    try world.barrier()
    try window.free()

    // allocateShared among the ranks sharing memory: loads and stores across the parts.
    window = try Window.allocateShared(size: 64, displacementUnit: 8, communicator: node)
    let part = Elements(base: window.base!)
    for index in 0..<8 { part[index] = Int64(node.rank * 8 + index) }
    try node.barrier()
    for member in 0..<node.size {
        let (size, unit, base) = try window.sharedQuery(rank: member)
        try expect(size == 64 && unit == 8, "shared part \(member): size \(size), unit \(unit)")
        try expect((0..<8).allSatisfy { Elements(base: base!)[$0] == Int64(member * 8 + $0) }, "shared part \(member) read by load")
    }
    try window.free()

    // A dynamic window: attached memory, reached at its address.
    window = try Window.createDynamic(communicator: world)
    let attached = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
    defer { attached.deallocate() }
    try window.attach(attached, size: 64)
    let addresses = try world.allgather([Int(bitPattern: attached)])
    let right = (world.rank + 1) % world.size, left = (world.rank + world.size - 1) % world.size
    try window.fence()
    var value = Int64(900 + world.rank)
    try withUnsafeBytes(of: &value) { try window.put(.init($0.baseAddress, count: 1, datatype: .int64), to: .init(rank: right, displacement: addresses[right] + 8, count: 1, datatype: .int64)) }
    try window.fence()
    try expect(Elements(base: attached)[1] == Int64(900 + left), "put into a dynamic window")
    try window.detach(attached)
    try window.free()

    try world.barrier()
    if world.rank == 0 { print("rma-check ok: \(world.size) ranks, \(node.size) sharing memory") }
}
