@testable import BrazosMPI
import XCTest

/// The members a window's fast path may copy to: those reached here, while a passive
/// epoch allows them, and no others, whatever the epochs before.
final class DirectReachTests: XCTestCase {
    private var memories: [UnsafeMutableRawPointer] = []

    override func tearDown() {
        for memory in memories { memory.deallocate() }
        memories.removeAll()
    }

    /// Four members: 0, 1 and 3 reached here (mapped memory of 64 bytes, unit 8), 2 not.
    private func peers() -> [Window.Peer] {
        (0..<4).map { rank in
            guard rank != 2 else { return Window.Peer(worldRank: rank, size: 64, displacementUnit: 8, base: 0, local: nil, mapped: nil) }
            let base = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
            memories.append(base)
            let memory = WindowMemory(base: base, size: 64, displacementUnit: 8, flavor: .allocate)
            return Window.Peer(worldRank: rank, size: 64, displacementUnit: 8, base: Int(bitPattern: base), local: nil, mapped: memory)
        }
    }

    private func reached(_ reach: DirectReach) -> [Int] {
        (-1...4).filter { reach.span(of: $0) != nil }
    }

    func testOnlyTheMembersALockEpochHoldsAreReached() {
        let peers = peers()
        var reach = DirectReach(members: peers.count)
        XCTAssertEqual(reached(reach), [])

        var targets = LockedTargets()
        targets[1] = true
        reach.follow(.locked(targets), peers: peers)
        XCTAssertEqual(reached(reach), [1])
        XCTAssertEqual(reach.span(of: 1)?.base, peers[1].directBase)
        XCTAssertEqual(reach.span(of: 1)?.size, 64)
        XCTAssertEqual(reach.span(of: 1)?.displacementUnit, 8)

        targets[2] = true
        targets[3] = false
        reach.follow(.locked(targets), peers: peers)
        XCTAssertEqual(reached(reach), [1, 3], "member 2 is locked but not reached here")

        targets[1] = nil
        reach.follow(.locked(targets), peers: peers)
        XCTAssertEqual(reached(reach), [3], "unlocking member 1 takes it out")
    }

    func testLockAllReachesEveryMemberReachedHereUntilItEnds() {
        let peers = peers()
        var reach = DirectReach(members: peers.count)
        reach.follow(.lockedAll(acquired: true), peers: peers)
        XCTAssertEqual(reached(reach), [0, 1, 3])
        reach.follow(.none, peers: peers)
        XCTAssertEqual(reached(reach), [])
    }

    func testFenceAndStartedEpochsTakeTheGeneralPath() {
        let peers = peers()
        var reach = DirectReach(members: peers.count)
        reach.follow(.lockedAll(acquired: false), peers: peers)
        reach.follow(.fence(accessed: true), peers: peers)
        XCTAssertEqual(reached(reach), [])
        reach.follow(.started([0, 1]), peers: peers)
        XCTAssertEqual(reached(reach), [])
    }
}
