import Migration
import XCTest

final class LoadBalancerTests: XCTestCase {
    private func samples(_ perNode: [[Double]]) -> [LoadBalancer.Sample] {
        var rank = 0
        return perNode.enumerated().flatMap { node, works in
            works.map { work in
                defer { rank += 1 }
                return LoadBalancer.Sample(rank: rank, node: node, seconds: work)
            }
        }
    }

    func testTheBusiestNodesHighestRankMovesToTheIdlestNode() {
        // Node 0 runs three threads (ranks 0-2) slowly, node 1 one thread, node 2 none.
        let move = LoadBalancer.decide(samples([[1.5, 1.5, 1.5], [1.0]]) + [], nodes: [0, 1, 2], margin: 1)
        XCTAssertEqual(move, LoadBalancer.Move(rank: 2, from: 0, to: 2))
        XCTAssertEqual(LoadBalancer.decide(samples([[1.5, 1.5, 1.5], [1.0], [0.1]]), nodes: [0, 1, 2], margin: 1),
                       LoadBalancer.Move(rank: 2, from: 0, to: 2))
    }

    func testABalancedOrNearlyBalancedJobStaysPut() {
        XCTAssertNil(LoadBalancer.decide(samples([[1.0, 1.0], [1.0, 1.0]]), nodes: [0, 1], margin: 1))
        // A gap of less than two shares: moving a thread would only swap which node waits.
        XCTAssertNil(LoadBalancer.decide(samples([[1.0, 1.0, 1.0], [1.0, 1.0]]), nodes: [0, 1], margin: 1))
        // The busiest node has one thread: moving it changes nothing.
        XCTAssertNil(LoadBalancer.decide(samples([[5.0], [0.0]]), nodes: [0, 1], margin: 1))
        XCTAssertNil(LoadBalancer.decide(samples([[1.0, 1.0]]), nodes: [0], margin: 1))
    }

    func testOnlyTheNodesThreadsMayGoToCount() {
        // Node 2 is drained: the idlest remaining node is 1.
        XCTAssertEqual(LoadBalancer.decide(samples([[1.5, 1.5, 1.5], [1.0]]), nodes: [0, 1], margin: 1),
                       LoadBalancer.Move(rank: 2, from: 0, to: 1))
    }

    func testTheMarginSetsHowLargeAGapMoves() {
        let uneven = samples([[1.0, 1.0, 1.0, 1.0], [1.0]])
        XCTAssertEqual(LoadBalancer.decide(uneven, nodes: [0, 1], margin: 1), LoadBalancer.Move(rank: 3, from: 0, to: 1))
        XCTAssertNil(LoadBalancer.decide(uneven, nodes: [0, 1], margin: 3))
    }
}
