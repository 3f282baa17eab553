@testable import BrazosMPI
import Synchronization
import XCTest

/// Collectives on an intercommunicator between a group of one rank and a group of two,
/// in one job of three ranks on threads of this process: the remote group's
/// contributions combined in their rank order (a non-commutative operation shows it),
/// reduce_scatter over each group's own counts, roles of rooted collectives, and what
/// MPI forbids there.
final class IntercommunicatorCollectiveTests: XCTestCase {
    /// 2x2 integer matrix product: associative, not commutative.
    private static let matrixProduct = Op(commutative: false) { input, output, count, _ in
        let left = input.assumingMemoryBound(to: Int64.self), right = output.assumingMemoryBound(to: Int64.self)
        for element in 0..<count {
            let x = left + 4 * element, y = right + 4 * element
            let product = multiply(Array(UnsafeBufferPointer(start: x, count: 4)), Array(UnsafeBufferPointer(start: y, count: 4)))
            for index in 0..<4 { y[index] = product[index] }
        }
    }

    private static func multiply(_ x: [Int64], _ y: [Int64]) -> [Int64] {
        [x[0] &* y[0] &+ x[1] &* y[2], x[0] &* y[1] &+ x[1] &* y[3], x[2] &* y[0] &+ x[3] &* y[2], x[2] &* y[1] &+ x[3] &* y[3]]
    }

    /// The matrix of local rank `rank` of group `group`.
    private static func matrix(_ group: Int, _ rank: Int) -> [Int64] { [Int64(group * 5 + rank + 2), 1, Int64(rank + 1), 1] }

    func testCollectivesBetweenGroupsOfOneAndTwo() throws {
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
        func expect(_ condition: Bool, _ message: @autoclosure () -> String) { if !condition { fail(message()) } }
        let group = world.rank == 0 ? 0 : 1
        guard let local = try world.split(color: group, key: world.rank) else { return fail("split gave no communicator") }
        let inter = try local.intercommunicator(localLeader: 0, peer: world, remoteLeader: group == 0 ? 1 : 0, tag: 3)
        let rank = inter.rank, remoteSize = inter.size
        let remoteProduct = (1..<remoteSize).reduce(matrix(1 - group, 0)) { multiply($0, matrix(1 - group, $1)) }

        // Reduce to group 0's rank, immediate; then to group 1's last rank, blocking.
        var mine = matrix(group, rank), result: [Int64] = [0, 0, 0, 0]
        let root = group == 0 ? MPI.root : 0
        try mine.withUnsafeMutableBytes { send in
            try result.withUnsafeMutableBytes { receive in
                _ = try inter.ireduce(.memory(send.baseAddress), receive.baseAddress, count: 1, datatype: matrixType, op: matrixProduct, root: root).wait()
            }
        }
        expect(result == (group == 0 ? remoteProduct : [0, 0, 0, 0]), "ireduce to group 0 gave \(result)")
        let lastRoot = group == 0 ? 1 : (rank == 1 ? MPI.root : MPI.procNull)
        result = [0, 0, 0, 0]
        try mine.withUnsafeMutableBytes { send in
            try result.withUnsafeMutableBytes { receive in
                try inter.reduce(.memory(send.baseAddress), receive.baseAddress, count: 1, datatype: matrixType, op: matrixProduct, root: lastRoot)
            }
        }
        expect(result == (group == 1 && rank == 1 ? remoteProduct : [0, 0, 0, 0]), "reduce to group 1's last rank gave \(result)")
        expect(try inter.role(inRootedCollective: lastRoot) == (group == 0 ? .member(root: 1) : rank == 1 ? .root : .bystander), "role of root \(lastRoot)")

        // Allreduce: each group gets the other's product, in rank order.
        result = [0, 0, 0, 0]
        try mine.withUnsafeMutableBytes { send in
            try result.withUnsafeMutableBytes { receive in
                try inter.allreduce(.memory(send.baseAddress), receive.baseAddress, count: 1, datatype: matrixType, op: matrixProduct)
            }
        }
        expect(result == remoteProduct, "allreduce gave \(result), expected \(remoteProduct)")

        // Reduce_scatter: vectors of 4 in both groups; group 0 keeps all 4, group 1
        // splits them 1 and 3.
        let counts = group == 0 ? [4] : [1, 3]
        var vector = (0..<4).map { Int64(100 * group + 10 * rank + $0) }, block = [Int64](repeating: -1, count: 4)
        try vector.withUnsafeMutableBytes { send in
            try block.withUnsafeMutableBytes { receive in
                _ = try inter.ireduceScatter(.memory(send.baseAddress), receive.baseAddress, receiveCounts: counts, datatype: .int64, op: .sum).wait()
            }
        }
        let offset = counts[..<rank].reduce(0, +)
        let expected = (0..<4).map { $0 < counts[rank] ? (0..<remoteSize).reduce(Int64(0)) { $0 + Int64(100 * (1 - group) + 10 * $1 + offset) } + Int64($0 * remoteSize) : -1 }
        expect(block == expected, "ireduce_scatter gave \(block), expected \(expected)")

        // What MPI forbids on an intercommunicator, found before anything is sent.
        let value = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
        defer { value.deallocate() }
        value.pointee = 1
        do throws(MPIError) {
            try inter.scan(.memory(value), value, count: 1, datatype: .int64, op: .sum)
            fail("scan on an intercommunicator succeeded")
        } catch { expect(error.errorClass == .comm, "scan failed with \(error)") }
        do throws(MPIError) {
            _ = try inter.iallreduce(.inPlace, value, count: 1, datatype: .int64, op: .sum)
            fail("iallreduce in place on an intercommunicator succeeded")
        } catch { expect(error.errorClass == .buffer, "iallreduce in place failed with \(error)") }
        do throws(MPIError) {
            _ = try inter.role(inRootedCollective: remoteSize)
            fail("a root past the remote group was accepted")
        } catch { expect(error.errorClass == .root, "a root past the remote group failed with \(error)") }
        try inter.barrier()
    }
}
