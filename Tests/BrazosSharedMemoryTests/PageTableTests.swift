import BrazosCore
import CBrazos
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import BrazosSharedMemory

/// The faults a thread serves itself, in the signal handler, through the page table: no
/// service thread runs here, so a fault the handler left to one would hang (the test's
/// time limit would end it) and would ring the fault bell.
final class PageTableTests: XCTestCase {
    func testTheHandlerServesHomeFaultsAndTwinsAndTheHomeAbsorbsCopiesMadeOnItsHost() throws {
        let region = try SharedRegion(base: 0x2400_0000_0000, size: 8 * SharedRegion.pageSize)
        let faults = try FaultService(region: region)
        let table = try PageTable(region: region, me: 0, nodes: 2, nodeLimit: 2)
        for page in 0..<8 { table.record(home: page < 4 ? 0 : 1, ofPage: page) }
        // Page 5 (homed on node 1) holds a valid copy here; page 2 (homed here) was fetched by another node.
        region.servicePage(5).storeBytes(of: 77, as: UInt64.self)
        try table.withLock { table in
            try table.set(.readOnly, .read, pages: 5..<6)
            table.markShared(2)
        }
        table.serveFaultsInHandler()
        defer { brazos_fault_serve_with(nil) }

        let worker = NativeThread.spawnJoinable {
            faults.registerCurrentThread()
            defer { faults.unregisterCurrentThread() }
            region.applicationPage(1).storeBytes(of: 11, as: UInt64.self)   // home, unshared: no notice
            region.applicationPage(2).storeBytes(of: 22, as: UInt64.self)   // home, shared: a notice
            region.applicationPage(3).storeBytes(of: 33, as: UInt64.self)   // home, unshared, until a copy is made below
            region.applicationPage(5).storeBytes(of: 55, toByteOffset: 8, as: UInt64.self)  // a copy: twinned
        }
        NativeThread.join(worker)

        var bell = pollfd(fd: faults.bell, events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&bell, 1, 0), 0, "no fault was left to a service thread")
        XCTAssertEqual(region.servicePage(1).load(as: UInt64.self), 11)
        XCTAssertEqual(region.servicePage(5).load(fromByteOffset: 8, as: UInt64.self), 55)

        // Another process of the host copies page 3 (its bit and its word's summary bit).
        (region.sharedBits).pointee |= 1 << 3
        region.sharedSummary.pointee |= 1
        try table.withLock { table in
            XCTAssertEqual(table[1], .writable)
            XCTAssertEqual(table[3], .writable)
            XCTAssertEqual(table[5], .writable)
            let twin = try XCTUnwrap(table.takeTwin(of: 5))
            XCTAssertEqual(twin.load(as: UInt64.self), 77)
            XCTAssertEqual(twin.load(fromByteOffset: 8, as: UInt64.self), 0, "the twin is the page before the write")
            XCTAssertNil(table.takeTwin(of: 5), "a twin is taken once")
            try table.absorbShares()
            XCTAssertEqual(table[3], .readOnly, "the home now catches its writes to the copied page")
            XCTAssertEqual(table.takeDirty(), [2, 3, 5])
            XCTAssertEqual(table.takeDirty(), [])
        }
        XCTAssertEqual(region.sharedSummary.pointee, 0, "absorbing clears the summary")
    }
}
