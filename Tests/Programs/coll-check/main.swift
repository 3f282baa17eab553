// Checks the collectives of the Swift API across every rank of a job, for the
// multi-process tests: every algorithm (short and long messages, powers of two or not,
// operations that commute or not) and, with several threads per node, the two-stage
// forms. Rank 0 prints "coll-check ok: N ranks"; a failure throws, which ends the job
// with a message and a non-zero status.
import BrazosMPI

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
}

func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailed(description: message()) }
}

/// A 2x2 matrix of wrapping integers: multiplication is associative but does not commute,
/// so any reordering of ranks' contributions shows in the result.
struct Matrix: Equatable {
    var a: Int64, b: Int64, c: Int64, d: Int64

    static func * (x: Matrix, y: Matrix) -> Matrix {
        Matrix(a: x.a &* y.a &+ x.b &* y.c, b: x.a &* y.b &+ x.b &* y.d, c: x.c &* y.a &+ x.d &* y.c, d: x.c &* y.b &+ x.d &* y.d)
    }

    static func of(rank: Int, element: Int) -> Matrix {
        Matrix(a: Int64(rank + 1), b: Int64(element % 5 + 1), c: Int64(rank % 3), d: 1)
    }
}

let matrixProduct = Op(commutative: false) { input, output, count, _ in
    let left = input.assumingMemoryBound(to: Matrix.self), right = output.assumingMemoryBound(to: Matrix.self)
    for index in 0..<count { right[index] = left[index] * right[index] }
}
let matrixType = try Datatype.contiguous(4, of: .int64)
matrixType.commit()

func check(_ world: Communicator) throws {
    let rank = world.rank, size = world.size

    try world.barrier()

    // Broadcast: binomial (short) and scatter + ring (long), from every root.
    for count in [1, 1000, 100_000] {
        for root in 0..<size {
            var values = (0..<count).map { rank == root ? Int64($0 * 3 + root) : -1 }
            try values.withUnsafeMutableBytes { try world.bcast($0.baseAddress, count: count, datatype: .int64, root: root) }
            try expect(values.enumerated().allSatisfy { $1 == Int64($0 * 3 + root) }, "bcast of \(count) from \(root)")
        }
    }

    // Reduce: commutative and not, to every root.
    for root in 0..<size {
        let mine = (0..<10).map { Int64(rank * 100 + $0) }
        var sums = [Int64](repeating: 0, count: 10)
        try mine.withUnsafeBytes { input in
            try sums.withUnsafeMutableBytes { try world.reduce(.memory(input.baseAddress), $0.baseAddress, count: 10, datatype: .int64, op: .sum, root: root) }
        }
        if rank == root {
            try expect(sums == (0..<10).map { Int64(100 * size * (size - 1) / 2 + size * $0) }, "reduce sum to \(root): \(sums)")
        }
        let matrices = (0..<3).map { Matrix.of(rank: rank, element: $0) }
        var products = [Matrix](repeating: Matrix(a: 0, b: 0, c: 0, d: 0), count: 3)
        try matrices.withUnsafeBytes { input in
            try products.withUnsafeMutableBytes { try world.reduce(.memory(input.baseAddress), $0.baseAddress, count: 3, datatype: matrixType, op: matrixProduct, root: root) }
        }
        if rank == root {
            let expected = (0..<3).map { element in (1..<size).reduce(Matrix.of(rank: 0, element: element)) { $0 * Matrix.of(rank: $1, element: element) } }
            try expect(products == expected, "non-commutative reduce to \(root)")
        }
    }

    // Allreduce: recursive doubling (short, or not commutative) and Rabenseifner (long).
    for count in [1, 7, 300, 200_000] {
        var values = (0..<count).map { Double(rank + $0 % 13) }
        try values.withUnsafeMutableBytes { try world.allreduce(.inPlace, $0.baseAddress, count: count, datatype: .double, op: .sum) }
        try expect(values.enumerated().allSatisfy { $1 == Double(size * ($0 % 13) + size * (size - 1) / 2) }, "allreduce sum of \(count)")
        let count = min(count, 500)
        let matrices = (0..<count).map { Matrix.of(rank: rank, element: $0) }
        var products = matrices
        try matrices.withUnsafeBytes { input in
            try products.withUnsafeMutableBytes { try world.allreduce(.memory(input.baseAddress), $0.baseAddress, count: count, datatype: matrixType, op: matrixProduct) }
        }
        let expected = (0..<count).map { element in (1..<size).reduce(Matrix.of(rank: 0, element: element)) { $0 * Matrix.of(rank: $1, element: element) } }
        try expect(products == expected, "non-commutative allreduce of \(count)")
    }

    // MAXLOC on a padded pair type (packed and unpacked on the way).
    struct DoubleInt { var value: Double; var index: Int32 }
    var pair = [DoubleInt(value: Double(rank % 3), index: Int32(rank))]
    try pair.withUnsafeMutableBytes { try world.allreduce(.inPlace, $0.baseAddress, count: 1, datatype: .doubleInt, op: .maxloc) }
    let best = (0..<size).map { Double($0 % 3) }.max()!
    try expect(pair[0].value == best && Int(pair[0].index) == (0..<size).first { Double($0 % 3) == best }!, "maxloc: \(pair[0])")

    // Gather, allgather (doubling and ring), alltoall (short and pairwise).
    for count in [1, 5000] {
        let mine = (0..<count).map { Int32(rank * 10_000 + $0) }
        var all = [Int32](repeating: -1, count: count * size)
        try mine.withUnsafeBytes { input in
            try all.withUnsafeMutableBytes {
                try world.allgather(.memory(input.baseAddress), sendCount: count, sendType: .int32, $0.baseAddress, receiveCount: count, receiveType: .int32)
            }
        }
        try expect(all == (0..<size).flatMap { r in (0..<count).map { Int32(r * 10_000 + $0) } }, "allgather of \(count)")
        var gathered = [Int32](repeating: -1, count: count * size)
        try mine.withUnsafeBytes { input in
            try gathered.withUnsafeMutableBytes {
                try world.gather(.memory(input.baseAddress), sendCount: count, sendType: .int32, $0.baseAddress, receiveCount: count, receiveType: .int32, root: size - 1)
            }
        }
        if rank == size - 1 { try expect(gathered == all, "gather of \(count)") }
        let outgoing = (0..<(count * size)).map { Int32(rank * 1_000_000 + $0) }
        var incoming = [Int32](repeating: -1, count: count * size)
        try outgoing.withUnsafeBytes { input in
            try incoming.withUnsafeMutableBytes {
                try world.alltoall(.memory(input.baseAddress), sendCount: count, sendType: .int32, $0.baseAddress, receiveCount: count, receiveType: .int32)
            }
        }
        try expect(incoming == (0..<size).flatMap { r in (0..<count).map { Int32(r * 1_000_000 + rank * count + $0) } }, "alltoall of \(count)")
    }

    // Scan and exscan with the non-commutative product.
    let mine = [Matrix.of(rank: rank, element: 1)]
    var prefix = mine, exclusive = mine
    try mine.withUnsafeBytes { input in
        try prefix.withUnsafeMutableBytes { try world.scan(.memory(input.baseAddress), $0.baseAddress, count: 1, datatype: matrixType, op: matrixProduct) }
        try exclusive.withUnsafeMutableBytes { try world.exscan(.memory(input.baseAddress), $0.baseAddress, count: 1, datatype: matrixType, op: matrixProduct) }
    }
    let expectedPrefix = (0...rank).dropFirst().reduce(Matrix.of(rank: 0, element: 1)) { $0 * Matrix.of(rank: $1, element: 1) }
    try expect(prefix[0] == expectedPrefix, "scan")
    if rank > 0 {
        let expectedExclusive = (0..<rank).dropFirst().reduce(Matrix.of(rank: 0, element: 1)) { $0 * Matrix.of(rank: $1, element: 1) }
        try expect(exclusive[0] == expectedExclusive, "exscan")
    }

    // Reduce-scatter: rank r gets block r (r+1 elements) of the sum.
    let counts = (0..<size).map { $0 + 1 }
    let input = (0..<counts.reduce(0, +)).map { Int64($0 + rank) }
    var block = [Int64](repeating: 0, count: rank + 1)
    try input.withUnsafeBytes { bytes in
        try block.withUnsafeMutableBytes { try world.reduceScatter(.memory(bytes.baseAddress), $0.baseAddress, receiveCounts: counts, datatype: .int64, op: .sum) }
    }
    let start = counts.prefix(rank).reduce(0, +)
    try expect(block == (0..<(rank + 1)).map { Int64(size * (start + $0) + size * (size - 1) / 2) }, "reduce_scatter: \(block)")
}

/// The array forms of the Swift API.
func checkTypedForms(_ world: Communicator) throws {
    let rank = world.rank, size = world.size
    try expect(try world.allreduce([rank, 1], op: .sum) == [size * (size - 1) / 2, size], "typed allreduce")
    try expect(try world.allgather([Int32(rank)]) == (0..<size).map { Int32($0) }, "typed allgather")
    var values = rank == 0 ? [1.5, 2.5] : [0, 0]
    try world.bcast(&values, root: 0)
    try expect(values == [1.5, 2.5], "typed bcast")
    let reduced = try world.reduce([UInt8(1)], op: .sum, root: size - 1)
    try expect(rank == size - 1 ? reduced == [UInt8(size)] : reduced == nil, "typed reduce")
    let gathered = try world.gather([rank], root: 0)
    try expect(rank == 0 ? gathered == Array(0..<size) : gathered == nil, "typed gather")
    let part = try world.scatter(rank == 0 ? (0..<(2 * size)).map { $0 } : nil, count: 2, root: 0)
    try expect(part == [2 * rank, 2 * rank + 1], "typed scatter")
    try expect(try world.alltoall((0..<size).map { rank * 100 + $0 }) == (0..<size).map { $0 * 100 + rank }, "typed alltoall")
    try expect(try world.scan([rank], op: .sum) == [rank * (rank + 1) / 2], "typed scan")
    let exclusive = try world.exscan([rank], op: .max)
    try expect(rank == 0 ? exclusive == nil : exclusive == [rank - 1], "typed exscan")
    try expect(try world.allreduce([true, rank == 0], op: .land) == [true, size == 1], "typed land on Bool")
}

let job = try Brazos.join()
try job.run { thread in
    let world = thread.world
    try check(world)
    // The same on communicators made from the world: a duplicate, and halves by parity
    // with reversed order (so ranks of one node are not neighbours).
    try check(try world.dup())
    if let half = try world.split(color: world.rank % 2, key: -world.rank) {
        try expect(half.size == (world.size + 1 - world.rank % 2) / 2, "split size \(half.size)")
        try check(half)
    }
    try checkTypedForms(world)
    let evens = try world.group.including(Array(stride(from: 0, to: world.size, by: 2)))
    if let created = try world.create(evens) { try check(created) }
    try world.barrier()
    if world.rank == 0 { print("coll-check ok: \(world.size) ranks") }
}
