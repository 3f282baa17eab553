import XCTest
@testable import BrazosCore

final class LinkChoiceTests: XCTestCase {
    private func card(_ node: Int, host: String, segment: String = "/seg") -> NodeCard {
        NodeCard(node: node, pid: Int32(100 + node), hostKey: host, hostName: host, address: "127.0.0.1", port: 1, segment: segment, ranks: [node])
    }

    func testNodesOfOneHostShareMemoryAndOthersUseTCPOneConnectionAPair() {
        let cards = [card(0, host: "a"), card(1, host: "a"), card(2, host: "b"), card(3, host: "a", segment: "-")]
        let choice = LinkChoice(me: cards[1], cards: cards, members: [0, 1, 2, 3], hasSegment: true, nodeLimit: 4)
        XCTAssertEqual(choice.transports, [.sharedMemory, .loopback, .tcpAccepting, .tcpAccepting])
        let fromTwo = LinkChoice(me: cards[2], cards: cards, members: [0, 1, 2, 3], hasSegment: true, nodeLimit: 4)
        XCTAssertEqual(fromTwo.transports, [.tcpConnecting, .tcpConnecting, .loopback, .tcpAccepting])
        XCTAssertEqual(fromTwo.nodes(using: .tcpConnecting), [0, 1])
        XCTAssertTrue(fromTwo.usesTCP)
    }

    func testWithoutASegmentEveryPeerIsReachedByTCP() {
        let cards = [card(0, host: "a"), card(1, host: "a")]
        XCTAssertEqual(LinkChoice(me: cards[0], cards: cards, members: [0, 1], hasSegment: false, nodeLimit: 2).transports, [.loopback, .tcpAccepting])
    }

    /// A joining node reaches the members by TCP; a node that left, and every number that
    /// may still join, get late links.
    func testAJoiningNodeConnectsToTheMembersOnly() {
        let cards = [card(0, host: "a"), card(1, host: "a"), card(2, host: "a"), card(3, host: "a", segment: "-")]
        let choice = LinkChoice(me: cards[3], cards: cards, members: [0, 2, 3], hasSegment: false, nodeLimit: 6)
        XCTAssertEqual(choice.transports, [.tcpConnecting, .late, .tcpConnecting, .loopback, .late, .late])
        let single = LinkChoice(me: cards[0], cards: [cards[0]], members: [0], hasSegment: true, nodeLimit: 1)
        XCTAssertFalse(single.usesTCP)
    }
}
