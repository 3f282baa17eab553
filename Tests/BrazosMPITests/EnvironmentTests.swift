import Dispatch
import Synchronization
import XCTest
@testable import BrazosMPI

final class EnvironmentTests: XCTestCase {
    func testAllocatedMemoryIsAlignedAndOnlyItsOwnBlocksAreFreed() throws {
        let memory = AllocatedMemory()
        let block = try memory.allocate(byteCount: 1000)
        XCTAssertEqual(Int(bitPattern: block) % AllocatedMemory.alignment, 0)
        block.storeBytes(of: 42, toByteOffset: 992, as: Int.self)
        let empty = try memory.allocate(byteCount: 0)
        XCTAssertNotEqual(empty, block)
        try memory.free(block)
        XCTAssertThrowsError(try memory.free(block), "freed twice") { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .base)
        }
        var local = 0
        XCTAssertThrowsError(try withUnsafeMutableBytes(of: &local) { try memory.free($0.baseAddress!) })
        XCTAssertThrowsError(try memory.allocate(byteCount: -1)) { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .arg)
        }
        try memory.free(empty)
    }

    func testThreadLevelsAreOrderedAndNamed() {
        XCTAssertEqual(ThreadLevel.allCases.sorted(), [.single, .funneled, .serialized, .multiple])
        XCTAssertEqual(ThreadLevel.multiple.description, "MPI_THREAD_MULTIPLE")
    }

    func testTheClockHasAResolutionAndTheHostAName() {
        XCTAssertGreaterThan(Brazos.wtick(), 0)
        XCTAssertLessThanOrEqual(Brazos.wtick(), 1e-6)
        XCTAssertFalse(Brazos.processorName.isEmpty)
    }

    /// A job of this process alone: joined for `MPI_THREAD_MULTIPLE`, its sessions see
    /// the two process sets; a handler made for sessions cannot go on a communicator;
    /// threads of its one rank send and receive at once.
    func testASessionOfAJobOfOneProcess() throws {
        let job = try Brazos.join(threadLevel: .multiple)
        XCTAssertEqual(job.threadLevel, .multiple)
        let thread = try job.adoptCallingThread()
        let session = Session(thread: thread, threadLevel: job.threadLevel, errorHandler: .returnErrors)
        XCTAssertEqual(try session.group(ofProcessSet: Session.world).worldRanks, [0])
        XCTAssertEqual(try session.group(ofProcessSet: Session.selfSet).rank, 0)
        XCTAssertThrowsError(try session.group(ofProcessSet: "mpi://world")) { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .arg)
        }
        XCTAssertEqual(try session.information(ofProcessSet: Session.world).first?.value, "1")
        XCTAssertEqual(session.information.first?.value, "MPI_THREAD_MULTIPLE")
        let seen = Mutex<[Int32]>([])
        let handler = CustomErrorHandler(session: { _, error in seen.withLock { $0.append(error.code) } })
        XCTAssertThrowsError(try handler.check(settableOn: .communicator))
        XCTAssertNoThrow(try handler.check(settableOn: .session))
        session.errorHandler = .custom(handler)
        handler.handle(MPIError(.session, "x"), on: session)
        XCTAssertEqual(seen.withLock { $0 }, [ErrorClass.session.rawValue])

        // Several threads of the one rank message themselves at once, each on its tag.
        let world = thread.world
        let wrong = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { tag in
            do {
                for round in 0..<300 {
                    try world.send(tag * 1000 + round, to: 0, tag: tag)
                    let got = try world.recv(Int.self, from: 0, tag: tag).value
                    if got != tag * 1000 + round { wrong.withLock { $0.append("tag \(tag) round \(round): \(got)") } }
                }
            } catch {
                wrong.withLock { $0.append("tag \(tag): \(error)") }
            }
        }
        XCTAssertEqual(wrong.withLock { $0 }, [])
        try job.leave()
    }
}

final class FortranBooleansTests: XCTestCase {
    func testTheBooleansAreSetOnceForOneSize() throws {
        let booleans = FortranBooleans()
        XCTAssertNil(try booleans.values(size: 4))
        XCTAssertThrowsError(try booleans.values(size: 3))
        XCTAssertThrowsError(try booleans.set(size: 32, true: Array(repeating: 1, count: 32), false: Array(repeating: 0, count: 32)))
        try booleans.set(size: 4, true: [1, 0, 0, 0], false: [0, 0, 0, 0])
        XCTAssertEqual(try booleans.values(size: 4)?.true, [1, 0, 0, 0])
        XCTAssertNil(try booleans.values(size: 8))
        XCTAssertThrowsError(try booleans.set(size: 8, true: Array(repeating: 1, count: 8), false: Array(repeating: 0, count: 8))) { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .abi)
        }
    }
}
