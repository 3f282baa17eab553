import Synchronization
import XCTest
@testable import BrazosSharedMemory

final class HomeMovesTests: XCTestCase {
    func testAPageOneNodeAloneWroteOffItsHomeMovesThere() {
        var writers = WritersOfPages()
        writers.note(page: 7, writtenBy: 2, offItsHome: true)      // alone, off its home: moves to 2
        writers.note(page: 3, writtenBy: 1, offItsHome: false)     // alone, at its home: stays
        writers.note(page: 5, writtenBy: 0, offItsHome: true)      // two writers: stays
        writers.note(page: 5, writtenBy: 1, offItsHome: false)
        writers.note(page: 9, writtenBy: 3, offItsHome: false)     // one node's two threads: one writer
        writers.note(page: 9, writtenBy: 3, offItsHome: true)
        let moves = writers.homeMoves
        XCTAssertEqual(moves.map(\.page), [7, 9])
        XCTAssertEqual(moves.map(\.home), [2, 3])
    }

    func testMovedHomesOverridePlacementTravelAsRunsAndSurviveADrain() throws {
        let record = Record(nodes: 2)
        let allocator = SharedAllocator(capacity: 64 * SharedRegion.pageSize, recordingHomesIn: record)
        _ = try allocator.place("grid", size: 8 * SharedRegion.pageSize, alignment: SharedRegion.pageSize)
        XCTAssertEqual((0..<8).map { allocator.home(ofPage: $0, nodes: 2) }, [0, 0, 0, 0, 1, 1, 1, 1])
        allocator.moveHomes([(page: 1, home: 1), (page: 2, home: 1), (page: 6, home: 0)])
        XCTAssertEqual((0..<8).map { allocator.home(ofPage: $0, nodes: 2) }, [0, 1, 1, 0, 1, 1, 0, 1])
        XCTAssertEqual(record.homes, [0: 0, 1: 1, 2: 1, 3: 0, 4: 1, 5: 1, 6: 0, 7: 1], "the fault handler's table follows")
        XCTAssertEqual(allocator.movedHomes, [.init(first: 1, count: 2, home: 1), .init(first: 6, count: 1, home: 0)])

        // A node that missed those barriers takes them from an arriving thread.
        let behind = SharedAllocator(capacity: 64 * SharedRegion.pageSize, recordingHomesIn: nil)
        _ = try behind.place("grid", size: 8 * SharedRegion.pageSize, alignment: SharedRegion.pageSize)
        behind.adoptMovedHomes(allocator.movedHomes)
        XCTAssertEqual((0..<8).map { behind.home(ofPage: $0, nodes: 2) }, [0, 1, 1, 0, 1, 1, 0, 1])

        // Node 1 drains: its pages, moved ones included, go to node 0.
        allocator.retire(1)
        XCTAssertEqual((0..<8).map { allocator.home(ofPage: $0, nodes: 2) }, [0, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(Set(record.homes.values), [0])
    }

    func testCyclicPlacementDealsPagesOutAndANameKeepsItsPlacement() throws {
        let allocator = SharedAllocator(capacity: 64 * SharedRegion.pageSize)
        _ = try allocator.place("blocks", size: 6 * SharedRegion.pageSize, alignment: SharedRegion.pageSize)
        let cyclic = try allocator.place("dealt", size: 7 * SharedRegion.pageSize, alignment: SharedRegion.pageSize, placement: .cyclic)
        XCTAssertEqual((0..<6).map { allocator.home(ofPage: $0, nodes: 3) }, [0, 0, 1, 1, 2, 2])
        XCTAssertEqual(cyclic.pages.map { allocator.home(ofPage: $0, nodes: 3) }, [0, 1, 2, 0, 1, 2, 0])
        XCTAssertThrowsError(try allocator.place("dealt", size: 7 * SharedRegion.pageSize, alignment: SharedRegion.pageSize)) { error in
            guard case .conflictingName = error as? SharedMemoryError else { return XCTFail("\(error)") }
        }
    }

    func testAPageTwoAllocationsShareKeepsTheFirstOnesHome() throws {
        let record = Record(nodes: 2)
        let allocator = SharedAllocator(capacity: 64 * SharedRegion.pageSize, recordingHomesIn: record)
        // Pages 0-4, the last one a quarter full: homed 0, 0, 0, 1, 1.
        let grid = try allocator.place("grid", size: 4 * SharedRegion.pageSize + 1024, alignment: SharedRegion.pageSize)
        XCTAssertEqual(grid.pages.map { allocator.home(ofPage: $0, nodes: 2) }, [0, 0, 0, 1, 1])
        // Pages 4-5 (block: 0, 1 on their own): page 4 stays with the grid's home, since
        // node 1 may have written the grid's tail there already, untracked.
        let tail = try allocator.place("hashes", size: 2 * SharedRegion.pageSize, alignment: 8)
        XCTAssertEqual(tail.pages, 4..<7)
        XCTAssertEqual(tail.pages.map { allocator.home(ofPage: $0, nodes: 2) }, [1, 0, 1])
        XCTAssertEqual(record.homes[4], 1, "the fault handler's table keeps it too")
    }

    private final class Record: HomeRecord {
        let nodes: Int
        private let recorded = Mutex<[Int: Int]>([:])
        init(nodes: Int) { self.nodes = nodes }
        var homes: [Int: Int] { recorded.withLock { $0 } }
        func record(home: Int, ofPage page: Int) { recorded.withLock { $0[page] = home } }
    }
}
