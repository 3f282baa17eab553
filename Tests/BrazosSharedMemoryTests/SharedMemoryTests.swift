import BrazosCore
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import BrazosSharedMemory

final class SharedRegionTests: XCTestCase {
    func testBothViewsShowTheSameBytesAndTheAddressIsFixed() throws {
        let base: UInt = 0x2100_0000_0000
        let region = try SharedRegion(base: base, size: 16 * SharedRegion.pageSize)
        XCTAssertEqual(UInt(bitPattern: region.base), base)
        region.servicePage(3).storeBytes(of: 0x1234_5678, toByteOffset: 8, as: UInt64.self)
        let table = try PageTable(region: region, me: 0, nodes: 1, nodeLimit: 1)
        try table.withLock { try $0.set(.readOnly, .read, pages: 3..<4) }
        XCTAssertEqual(region.applicationPage(3).load(fromByteOffset: 8, as: UInt64.self), 0x1234_5678)
        XCTAssertEqual(region.page(containing: base + 3 * 4096 + 100), 3)
        XCTAssertNil(region.page(containing: base - 1))
        XCTAssertNil(region.page(containing: base + 16 * 4096))
    }

    func testATakenRangeIsAnErrorNotAClobber() throws {
        let region = try SharedRegion(base: 0x2200_0000_0000, size: 4 * SharedRegion.pageSize)
        XCTAssertThrowsError(try SharedRegion(base: 0x2200_0000_0000, size: 4 * SharedRegion.pageSize)) { error in
            XCTAssertEqual(error as? SharedMemoryError, .addressTaken(base: 0x2200_0000_0000, size: 4 * SharedRegion.pageSize))
        }
        _ = region
    }
}

final class SharedAllocatorTests: XCTestCase {
    func testPlacesAreDeterministicAlignedAndNamed() throws {
        let first = SharedAllocator(capacity: 1 << 20), second = SharedAllocator(capacity: 1 << 20)
        for allocator in [first, second] {
            XCTAssertEqual(try allocator.place("a", size: 10, alignment: 8).offset, 0)
            XCTAssertEqual(try allocator.place("b", size: 100, alignment: 4096).offset, 4096)
            XCTAssertEqual(try allocator.place("c", size: 4, alignment: 4).offset, 4196)
            XCTAssertEqual(try allocator.place("a", size: 10, alignment: 8).offset, 0, "a name gives its place back")
        }
        XCTAssertThrowsError(try first.place("a", size: 11, alignment: 8))
        XCTAssertThrowsError(try first.place("huge", size: 1 << 20, alignment: 8)) { error in
            guard case .full = error as? SharedMemoryError else { return XCTFail("\(error)") }
        }
    }
}

final class FaultServiceTests: XCTestCase {
    /// A registered thread's accesses to pages without access are parked; whoever serves
    /// them makes the page accessible and resolves them, and the thread retries.
    func testFaultsOfARegisteredThreadAreParkedServedAndRetried() throws {
        let region = try SharedRegion(base: 0x2300_0000_0000, size: 8 * SharedRegion.pageSize)
        let faults = try FaultService(region: region)
        let access = try PageTable(region: region, me: 0, nodes: 1, nodeLimit: 1)
        let seen = Mutex<[FaultService.Fault]>([])
        let done = Atomic<Bool>(false)
        let server = NativeThread.spawnJoinable {
            while !done.load(ordering: .acquiring) {
                var descriptor = pollfd(fd: faults.bell, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 50) > 0 else { continue }
                faults.drainBell()
                for fault in faults.parkedFaults() {
                    seen.withLock { $0.append(fault) }
                    if !fault.isWrite { region.servicePage(fault.page).storeBytes(of: UInt64(fault.page * 11), as: UInt64.self) }
                    try? access.withLock { try $0.setAccess(fault.isWrite ? .readWrite : .read, pages: fault.page..<(fault.page + 1)) }
                    faults.resolve(fault)
                }
            }
        }
        let results = Mutex<[UInt64]>([])
        let worker = NativeThread.spawnJoinable {
            faults.registerCurrentThread()
            let page5 = region.applicationPage(5)
            let read = page5.load(as: UInt64.self)       // read fault: filled with 55
            page5.storeBytes(of: read + 1, toByteOffset: 8, as: UInt64.self)  // write fault
            results.withLock { $0 = [read, page5.load(fromByteOffset: 8, as: UInt64.self), region.servicePage(5).load(fromByteOffset: 8, as: UInt64.self)] }
        }
        NativeThread.join(worker)
        done.store(true, ordering: .releasing)
        NativeThread.join(server)
        XCTAssertEqual(results.withLock { $0 }, [55, 56, 56], "the write went to the shared page")
        XCTAssertEqual(seen.withLock { $0 }, [FaultService.Fault(page: 5, isWrite: false, slot: 0), FaultService.Fault(page: 5, isWrite: true, slot: 0)])
    }
}

final class PageDiffTests: XCTestCase {
    func testDiffsCarryExactlyTheChangedWordsAndMerge() throws {
        let size = SharedRegion.pageSize
        let twin = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let first = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let second = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        let home = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { [twin, first, second, home].forEach { $0.deallocate() } }
        for buffer in [twin, first, second, home] { buffer.initializeMemory(as: UInt8.self, repeating: 7, count: size) }
        first.storeBytes(of: 1, toByteOffset: 0, as: UInt64.self)
        first.storeBytes(of: 2, toByteOffset: 4088, as: UInt64.self)
        second.storeBytes(of: 3, toByteOffset: 8, as: UInt64.self)
        let firstDiff = PageDiff.make(page: first, twin: twin)
        XCTAssertEqual(firstDiff.count, 1 + 2 * (4 + 8), "a tag and two runs of one word")
        // Bytes of one word written by different nodes merge.
        let odd = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { odd.deallocate() }
        odd.initializeMemory(as: UInt8.self, repeating: 7, count: size)
        odd.storeBytes(of: 9, toByteOffset: 33, as: UInt8.self)
        home.storeBytes(of: 5, toByteOffset: 32, as: UInt8.self)
        try PageDiff.apply(PageDiff.make(page: odd, twin: twin), to: home)
        XCTAssertEqual(home.load(fromByteOffset: 32, as: UInt8.self), 5, "a neighbour's byte in the same word survives")
        XCTAssertEqual(home.load(fromByteOffset: 33, as: UInt8.self), 9)
        try PageDiff.apply(firstDiff, to: home)
        try PageDiff.apply(PageDiff.make(page: second, twin: twin), to: home)
        XCTAssertEqual(home.load(as: UInt64.self), 1)
        XCTAssertEqual(home.load(fromByteOffset: 8, as: UInt64.self), 3)
        XCTAssertEqual(home.load(fromByteOffset: 4088, as: UInt64.self), 2)
        XCTAssertEqual(home.load(fromByteOffset: 16, as: UInt8.self), 7)
        XCTAssertThrowsError(try PageDiff.apply([0, 0xF8, 0x0F, 0x10, 0x00] + [UInt8](repeating: 0, count: 16), to: home), "a run past the page")
        XCTAssertThrowsError(try PageDiff.apply([0, 0, 8], to: home), "a cut header")
        XCTAssertThrowsError(try PageDiff.apply([1] + [UInt8](repeating: 0xFF, count: 512), to: home), "a bitmap without its bytes")
        // Every other byte changed: the bitmap form, bounded by a page and a bit.
        let scattered = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { scattered.deallocate() }
        scattered.copyMemory(from: twin, byteCount: size)
        for offset in stride(from: 1, to: size, by: 2) { scattered.storeBytes(of: 1, toByteOffset: offset, as: UInt8.self) }
        let scatteredDiff = PageDiff.make(page: scattered, twin: twin)
        XCTAssertEqual(scatteredDiff.count, 1 + 512 + 2048)
        try PageDiff.apply(scatteredDiff, to: home)
        XCTAssertEqual(home.load(fromByteOffset: 1, as: UInt8.self), 1)
        XCTAssertEqual(home.load(fromByteOffset: 32, as: UInt8.self), 5, "unchanged bytes stay")
    }
}

final class LockManagerTests: XCTestCase {
    typealias Acquirer = LockManager.Acquirer

    func testFirstComeFirstServedWithTheNoticesEachAcquirerHasNotSeen() throws {
        var locks = LockManager()
        let a = Acquirer(node: 0, token: 1), b = Acquirer(node: 1, token: 2), c = Acquirer(node: 2, token: 3)
        XCTAssertEqual(locks.acquire(7, by: a), LockManager.Grant(lock: 7, acquirer: a, notices: []))
        XCTAssertNil(locks.acquire(7, by: b), "held: b waits")
        XCTAssertNil(locks.acquire(7, by: c), "held: c waits behind b")
        XCTAssertEqual(try locks.release(7, by: 0, notices: [4, 5]), LockManager.Grant(lock: 7, acquirer: b, notices: [4, 5]))
        XCTAssertEqual(try locks.release(7, by: 1, notices: [5, 9]), LockManager.Grant(lock: 7, acquirer: c, notices: [4, 5, 9]))
        XCTAssertNil(try locks.release(7, by: 2, notices: []))
        // Node 0 has had the first release's notices already.
        XCTAssertEqual(locks.acquire(7, by: Acquirer(node: 0, token: 4)), LockManager.Grant(lock: 7, acquirer: Acquirer(node: 0, token: 4), notices: [5, 9]))
        XCTAssertThrowsError(try locks.release(7, by: 1, notices: []), "a node that does not hold the lock")
        XCTAssertThrowsError(try locks.release(8, by: 0, notices: []), "a lock nobody holds")
    }
}
