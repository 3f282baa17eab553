import XCTest
import Migration

/// The plan every rank computes alike when a node joins: which ranks move to it.
final class JoinPlanTests: XCTestCase {
    func testTheJoinerGetsItsShareFromTheNodesWithTheMostAndNoNodeIsEmptied() {
        // 3 nodes x 2 ranks: a 4th node's share is 6 / 4 = 1, from the highest node of those with most.
        XCTAssertEqual(JoinPlan.ranksToMove(rankNodes: [0, 0, 1, 1, 2, 2]), [5])
        // 2 nodes x 4 ranks: share 8 / 3 = 2, one from each (the highest rank of each).
        XCTAssertEqual(JoinPlan.ranksToMove(rankNodes: [0, 0, 0, 0, 1, 1, 1, 1]), [3, 7])
        // Uneven after moves: share 6 / 3 = 2, both from node 1 (4, then 3 ranks against node 0's 2).
        XCTAssertEqual(JoinPlan.ranksToMove(rankNodes: [0, 1, 1, 1, 1, 0]), [3, 4])
    }

    func testANodeKeepsItsLastThreadSoAJoinerMayGetNone() {
        XCTAssertEqual(JoinPlan.ranksToMove(rankNodes: [0, 1, 2]), [])
        // Share 1 at least, even when the ranks are fewer than the nodes would divide.
        XCTAssertEqual(JoinPlan.ranksToMove(rankNodes: [0, 0, 1]), [1])
    }

    func testTheNodesThatStartedAfterJoinsAndDrainsCountAsTheyAre() {
        // Node 1 drained, node 3 joined before: ranks on 0, 2 and 3.
        XCTAssertEqual(JoinPlan.ranksToMove(rankNodes: [0, 0, 3, 2, 2, 2]), [5])
    }
}
