@testable import BrazosMPI
import Synchronization
import XCTest

/// The schedules of the non-blocking and persistent collectives: the local combination
/// step alone, then, in one job of three ranks on threads of this process, schedules
/// outstanding together, restarted, and failing.
final class CollectiveScheduleTests: XCTestCase {
    /// 2x2 integer matrices multiply associatively but do not commute: a combination
    /// out of rank order shows.
    private static let matrixProduct = Op(commutative: false) { input, output, count, _ in
        let left = input.assumingMemoryBound(to: Int64.self), right = output.assumingMemoryBound(to: Int64.self)
        for element in 0..<count {
            let x = left + 4 * element, y = right + 4 * element
            let product = [x[0] &* y[0] &+ x[1] &* y[2], x[0] &* y[1] &+ x[1] &* y[3], x[2] &* y[0] &+ x[3] &* y[2], x[2] &* y[1] &+ x[3] &* y[3]]
            for index in 0..<4 { y[index] = product[index] }
        }
    }

    private static func matrix(_ rank: Int) -> [Int64] { [Int64(rank + 2), 1, Int64(rank % 3), 1] }

    private static func product(_ ranks: Range<Int>) -> [Int64] {
        var result: [Int64] = [1, 0, 0, 1]
        for rank in ranks {
            let y = matrix(rank), x = result
            result = [x[0] &* y[0] &+ x[1] &* y[2], x[0] &* y[1] &+ x[1] &* y[3], x[2] &* y[0] &+ x[3] &* y[2], x[2] &* y[1] &+ x[3] &* y[3]]
        }
        return result
    }

    private static func product2(_ bytes: [UInt8]) -> [Int64] {
        let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        let x = Array(values[0..<4]), y = Array(values[4..<8])
        return [x[0] &* y[0] &+ x[1] &* y[2], x[0] &* y[1] &+ x[1] &* y[3], x[2] &* y[0] &+ x[3] &* y[2], x[2] &* y[1] &+ x[3] &* y[3]]
    }

    func testCombinationKeepsRankOrder() throws {
        let matrixType = try Datatype.contiguous(4, of: .int64)
        matrixType.commit()
        let slots = (0..<4).map { rank in Self.matrix(rank).withUnsafeBytes { Array($0) } }
        var result = [Int64](repeating: 0, count: 4)
        let pointers = slots.map { bytes -> UnsafeRawBufferPointer in
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
            copy.copyBytes(from: bytes)
            return UnsafeRawBufferPointer(copy)
        }
        defer { for pointer in pointers { pointer.deallocate() } }
        result.withUnsafeMutableBytes { output in
            combineInRankOrder(pointers, into: output, count: 1, datatype: matrixType, op: Self.matrixProduct)
        }
        XCTAssertEqual(result, Self.product(0..<4))
        // The check means something only if the order matters for these matrices.
        let reversed = Self.matrix(1).withUnsafeBytes { Array($0) } + Self.matrix(0).withUnsafeBytes { Array($0) }
        XCTAssertNotEqual(Self.product(0..<2), Self.product2(reversed))
    }

    /// A Cartesian rank posts each dimension's + send first, so that a peer that is both
    /// neighbours (a periodic dimension of 1 or 2 ranks) receives it on its - side.
    func testCartesianSendsGoPlusSideFirst() {
        XCTAssertEqual(Communicator.plusSideFirst(["0-", "0+", "1-", "1+"]), ["0+", "0-", "1+", "1-"])
        XCTAssertEqual(Communicator.plusSideFirst([Int]()), [])
    }

    func testSchedulesOnThreeRanks() throws {
        setenv("BRAZOS_THREADS_PER_NODE", "3", 1)
        defer { unsetenv("BRAZOS_THREADS_PER_NODE") }
        let job = try Brazos.join()
        let failures = Mutex<[String]>([])
        let matrixType = try Datatype.contiguous(4, of: .int64)
        matrixType.commit()
        try job.run { thread in
            do {
                try Self.checks(thread.world, matrixType: matrixType) { message in failures.withLock { $0.append("rank \(thread.world.rank): \(message)") } }
            } catch {
                failures.withLock { $0.append("rank \(thread.world.rank): \(error)") }
            }
        }
        XCTAssertEqual(failures.withLock { $0 }, [])
    }

    private static func checks(_ world: Communicator, matrixType: Datatype, fail: (String) -> Void) throws {
        let rank = world.rank, size = world.size
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { fail(message()) } }

        // Tags: one per operation made on a communicator, in order, on every rank alike.
        let first = world.barrierSchedule().tag, second = world.barrierSchedule().tag
        expect(second == first + 1 && first >= CollectiveSequence.firstTag, "tags \(first), \(second) are not consecutive collective tags")
        // A new communicator counts from the start, apart from the one it came from;
        // so does one made after it is gone, wherever it lands in memory.
        let copy = try world.dup()
        expect(copy.barrierSchedule().tag == CollectiveSequence.firstTag, "a duplicate's first collective does not take the first tag")
        expect(world.barrierSchedule().tag == second + 1, "a duplicate's collectives moved the original's sequence")
        for _ in 0..<3 {
            let another = try world.dup()
            expect(another.barrierSchedule().tag == CollectiveSequence.firstTag, "a new communicator did not start from the first tag")
        }

        // Several outstanding, a blocking one among them, waited for in reverse order.
        // Their buffers must outlive the calls that start them: memory of our own.
        let sum = Buffer([Int64(rank + 1), 10]), broadcast = Buffer<Int64>(rank == 0 ? [7, 8, 9] : [0, 0, 0])
        let mine = Buffer(matrix(rank)), scanned = Buffer<Int64>([0, 0, 0, 0]), ordered = Buffer<Int64>([0, 0, 0, 0])
        let requests = [try world.iallreduce(.inPlace, sum.pointer, count: 2, datatype: .int64, op: .sum),
                        try world.ibcast(broadcast.pointer, count: 3, datatype: .int64, root: 0),
                        try world.iscan(.memory(mine.pointer), scanned.pointer, count: 1, datatype: matrixType, op: matrixProduct),
                        try world.iallreduce(.memory(mine.pointer), ordered.pointer, count: 1, datatype: matrixType, op: matrixProduct)]
        let blocking = try world.allreduce([rank], op: .max)
        for request in requests.reversed() { try request.wait() }
        expect(sum.values == [Int64(size * (size + 1) / 2), Int64(10 * size)], "iallreduce in place gave \(sum.values)")
        expect(broadcast.values == [7, 8, 9], "ibcast gave \(broadcast.values)")
        expect(scanned.values == product(0..<(rank + 1)), "iscan of a non-commutative operation gave \(scanned.values)")
        expect(ordered.values == product(0..<size), "iallreduce of a non-commutative operation gave \(ordered.values)")
        expect(blocking == [size - 1], "a blocking allreduce among them gave \(blocking)")

        // A persistent schedule reads the send buffer afresh at each start.
        let input = UnsafeMutablePointer<Int64>.allocate(capacity: 1), output = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
        defer { input.deallocate(); output.deallocate() }
        let persistent = try world.allreduceInit(.memory(input), output, count: 1, datatype: .int64, op: .sum)
        for round in 1...3 {
            input.pointee = Int64(round * (rank + 1))
            try persistent.start()
            try persistent.wait()
            expect(output.pointee == Int64(round * size * (size + 1) / 2), "start \(round) of a persistent allreduce gave \(output.pointee)")
        }
        try persistent.wait()  // inactive: returns at once

        // A schedule that fails completes its request with the error: the receivers of
        // this broadcast expect fewer elements than the root sends.
        let long = Buffer<Int64>([1, 1, 1, 1])
        let failing = try world.ibcast(long.pointer, count: rank == 0 ? 4 : 2, datatype: .int64, root: 0)
        do {
            try failing.wait()
            expect(rank == 0, "a truncated ibcast completed without an error")
        } catch {
            expect(rank != 0 && error.errorClass == .truncate, "a truncated ibcast failed with \(error) on rank \(rank)")
        }
        try world.barrier()
    }
}

/// Memory that stays put while an operation started on it runs.
private final class Buffer<Element> {
    let pointer: UnsafeMutablePointer<Element>
    private let count: Int

    init(_ values: [Element]) {
        count = values.count
        pointer = .allocate(capacity: count)
        pointer.initialize(from: values, count: count)
    }

    deinit { pointer.deallocate() }

    var values: [Element] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
