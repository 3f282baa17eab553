import BrazosCore
import Synchronization
import XCTest
@testable import SharedMemory

final class SharedRegionTests: XCTestCase {
    func testBothViewsShowTheSameBytesAndTheAddressIsFixed() throws {
        let base: UInt = 0x2100_0000_0000
        let region = try SharedRegion(base: base, size: 16 * SharedRegion.pageSize)
        XCTAssertEqual(UInt(bitPattern: region.base), base)
        region.servicePage(3).storeBytes(of: 0x1234_5678, toByteOffset: 8, as: UInt64.self)
        try region.setAccess(.read, pages: 3..<4)
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
    /// A registered thread's accesses to pages without access are served by the service
    /// thread; the thread then sees what the service put there.
    func testFaultsOfARegisteredThreadAreServedAndRetried() throws {
        let region = try SharedRegion(base: 0x2300_0000_0000, size: 8 * SharedRegion.pageSize)
        let seen = Mutex<[FaultService.Fault]>([])
        let service = try FaultService(region: region) { fault in
            seen.withLock { $0.append(fault) }
            if !fault.isWrite { region.servicePage(fault.page).storeBytes(of: UInt64(fault.page * 11), as: UInt64.self) }
            try? region.setAccess(fault.isWrite ? .readWrite : .read, pages: fault.page..<(fault.page + 1))
        }
        defer { service.stop() }
        let results = Mutex<[UInt64]>([])
        let worker = NativeThread.spawn {
            service.registerCurrentThread()
            let page5 = region.applicationPage(5)
            let read = page5.load(as: UInt64.self)       // read fault: filled with 55
            page5.storeBytes(of: read + 1, toByteOffset: 8, as: UInt64.self)  // write fault
            results.withLock { $0 = [read, page5.load(fromByteOffset: 8, as: UInt64.self), region.servicePage(5).load(fromByteOffset: 8, as: UInt64.self)] }
        }
        NativeThread.join(worker)
        XCTAssertEqual(results.withLock { $0 }, [55, 56, 56], "the write went to the shared page")
        XCTAssertEqual(seen.withLock { $0 }, [FaultService.Fault(page: 5, isWrite: false), FaultService.Fault(page: 5, isWrite: true)])
    }
}
