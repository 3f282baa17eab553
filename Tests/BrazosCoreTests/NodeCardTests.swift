import XCTest
@testable import BrazosCore

final class NodeCardTests: XCTestCase {
    func testTableRoundTrip() throws {
        let cards = [
            NodeCard(node: 0, pid: 10, hostKey: "abc-1", hostName: "h0", address: "127.0.0.1", port: 4000, segment: "/brazos-x-0", ranks: [0, 1]),
            NodeCard(node: 1, pid: 11, hostKey: "abc-2", hostName: "h1", address: "10.0.0.2", port: 4001, segment: "-", ranks: [2, 3]),
        ]
        XCTAssertEqual(try NodeCard.decodeTable(Substring(NodeCard.encodeTable(cards))), cards)
    }

    func testMalformedCardsAreErrors() {
        XCTAssertThrowsError(try NodeCard(parsing: "node=0;pid=1"))
        XCTAssertThrowsError(try NodeCard(parsing: "node=x;pid=1;hostkey=a;hostname=b;address=c;port=1;segment=s;ranks=0"))
        XCTAssertThrowsError(try NodeCard(parsing: "node=0;pid=1;hostkey=a;hostname=b;address=c;port=70000;segment=s;ranks=0"))
        XCTAssertThrowsError(try NodeCard(parsing: "node=0;pid=1;hostkey=a;hostname=b;address=c;port=1;segment=s;ranks=-1"))
    }

    func testRankDirectoryLooksRanksUp() {
        let directory = RankDirectory(cards: [
            NodeCard(node: 0, pid: 1, hostKey: "k", hostName: "h", address: "a", port: 1, segment: "s", ranks: [0, 1]),
            NodeCard(node: 1, pid: 2, hostKey: "k", hostName: "h", address: "a", port: 2, segment: "s", ranks: [2, 3]),
        ])
        XCTAssertEqual(directory.rankCount, 4)
        XCTAssertEqual(directory.node(of: 3), 1)
        XCTAssertNil(directory.node(of: 4))
        XCTAssertNil(directory.node(of: -1))
        XCTAssertTrue(directory.move(rank: 3, to: 0, version: 2))
        XCTAssertEqual(directory.node(of: 3), 0)
        XCTAssertEqual(directory.location(of: 3)?.version, 2)
        // News of an older move (it travelled a slower path) changes nothing.
        XCTAssertFalse(directory.move(rank: 3, to: 1, version: 1))
        XCTAssertEqual(directory.node(of: 3), 0)
    }
}
