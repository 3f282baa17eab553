import XCTest
import BrazosCore
@testable import BrazosMPI

/// What a peer sends about moving ranks, decoded for a job of 4 ranks on 3 nodes: a
/// record either fits the job or is a typed error naming what is wrong, never a trap.
final class MobilityDecodingTests: XCTestCase {
    private let ranks = 4, nodes = 3

    private func record(rank: Int = 2, fromNode: Int = 1, sequences: Int = 4,
                        messages: [MoveRecord.Message] = [.init(context: 1, source: 3, tag: 7, bytes: [1, 2, 3])]) -> MoveRecord {
        MoveRecord(rank: rank, version: 5, fromNode: fromNode, nextContext: 9, receiveSequences: Array(repeating: 4, count: sequences),
                   sendSequences: Array(repeating: 6, count: sequences), messages: messages, carried: [7], state: [8, 9])
    }

    private func decode(_ bytes: [UInt8]) throws(BrazosError) -> MoveRecord {
        try MoveRecord(decoding: bytes, ranks: ranks, nodes: nodes)
    }

    private func assertMalformed(_ bytes: [UInt8], naming text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decode(bytes), file: file, line: line) { error in
            guard case let BrazosError.malformed(what) = error else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertTrue(what.contains(text), what, file: file, line: line)
        }
    }

    func testARecordRoundTrips() throws {
        let rendezvous = MoveRecord.Message(context: 2, source: 0, tag: 1, bytes: [], rendezvous: .init(length: 1 << 40, node: 2, cookie: 3, address: 4))
        let made = record(messages: [.init(context: 1, source: 3, tag: 7, bytes: [1, 2, 3]), rendezvous])
        XCTAssertEqual(try decode(made.encoded()), made)
    }

    func testRanksNodesAndLengthsOutsideTheJobAreMalformed() {
        assertMalformed(record(rank: 4).encoded(), naming: "names rank 4 of 4")
        assertMalformed(record(rank: Int(UInt32.max)).encoded(), naming: "names rank")
        assertMalformed(record(fromNode: 3).encoded(), naming: "from node 3 of 3")
        assertMalformed(record(sequences: 3).encoded(), naming: "orders 3 and 3 peers, not 4")
        assertMalformed(record(messages: [.init(context: 0, source: 4, tag: 0, bytes: [])]).encoded(), naming: "from rank 4 of 4")
        assertMalformed(record(messages: [.init(context: 0, source: -1, tag: 0, bytes: [])]).encoded(), naming: "from rank -1")
        let farAway = MoveRecord.Rendezvous(length: 8, node: 3, cookie: 0, address: 0)
        assertMalformed(record(messages: [.init(context: 0, source: 0, tag: 0, bytes: [], rendezvous: farAway)]).encoded(), naming: "on node 3 of 3")
        let tooLong = MoveRecord.Rendezvous(length: .max, node: 0, cookie: 0, address: 0)
        assertMalformed(record(messages: [.init(context: 0, source: 0, tag: 0, bytes: [], rendezvous: tooLong)]).encoded(), naming: "\(UInt64.max) bytes")
    }

    func testTruncatedHugeCountsAndTrailingBytesAreMalformed() {
        let bytes = record().encoded()
        for cut in [0, 3, 16, bytes.count / 2, bytes.count - 1] {
            assertMalformed(Array(bytes.prefix(cut)), naming: "a moving rank's record")
        }
        assertMalformed(bytes + [0], naming: "past its end")
        // After rank, version, node, context and the two sequence lists: the message count.
        let countOffset = 16 + 2 * (4 + 4 * ranks)
        var huge = bytes
        for index in 0..<4 { huge[countOffset + index] = 0xFF }
        assertMalformed(huge, naming: "truncated")
        var kind = bytes
        kind[countOffset + 4 + 12 + 4 + 3] = 9  // the first message's kind, after its 3 bytes
        assertMalformed(kind, naming: "message kind 9")
    }

    // MARK: Windows that move with their rank

    private func carriedWindow(members: Int = 3, memory: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8], origins: [Int: Int] = [3: 2]) -> CarriedWindow {
        var early = WindowMessage(kind: .put)
        early.countedByFence = true
        early.parity = 1
        early.dataLength = 2
        early.runs = [WindowRun(offset: 4, length: 2)]
        let message = [UInt8](repeating: 9, count: 2).withUnsafeBytes { early.encoded(data: $0) }
        return CarriedWindow(origin: .init(context: 12, rank: 1, worldRanks: Array(0..<members), members: (0..<members).map { .init(size: $0 == 1 ? memory.count : 16, displacementUnit: 8, base: 4096 * $0) },
                                           fenceEpoch: 5, fenceOpen: true, name: "counters"),
                             target: .init(memory: memory, fencesCompleted: 5, handledByFence: [0, 3], early: [.init(message: message, origin: 2, node: 1)],
                                           postsFrom: origins, completesFrom: [:], nextCookie: 77))
    }

    private func assertWindowsMalformed(_ bytes: [UInt8], naming text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try CarriedWindow.decode(bytes, ranks: ranks, nodes: nodes), file: file, line: line) { error in
            guard case let BrazosError.malformed(what) = error else { return XCTFail("unexpected \(error)", file: file, line: line) }
            XCTAssertTrue(what.contains(text), what, file: file, line: line)
        }
    }

    func testCarriedWindowsRoundTripInTheRecord() throws {
        let windows = [carriedWindow(), carriedWindow(members: 4, memory: [], origins: [:])]
        XCTAssertEqual(try CarriedWindow.decode(CarriedWindow.encode(windows), ranks: ranks, nodes: nodes), windows)
        XCTAssertEqual(try CarriedWindow.decode([], ranks: ranks, nodes: nodes), [])
        var made = record()
        made.windows = CarriedWindow.encode(windows)
        XCTAssertEqual(try decode(made.encoded()), made)
    }

    func testCarriedWindowsOutsideTheJobOrCutShortAreMalformed() {
        assertWindowsMalformed(CarriedWindow.encode([carriedWindow(members: 5)]), naming: "outside the job's 4 ranks")
        assertWindowsMalformed(CarriedWindow.encode([carriedWindow(origins: [4: 1])]), naming: "posts or completes are out of range")
        var wrongSize = carriedWindow()
        wrongSize.target.memory = [1]
        assertWindowsMalformed(CarriedWindow.encode([wrongSize]), naming: "holds 1 bytes of a 8-byte member")
        var badEarly = carriedWindow()
        badEarly.target.early[0].message = [99]
        assertWindowsMalformed(CarriedWindow.encode([badEarly]), naming: "early access from rank 2")
        var farEarly = carriedWindow()
        farEarly.target.early[0].node = 3
        assertWindowsMalformed(CarriedWindow.encode([farEarly]), naming: "on node 3")
        let bytes = CarriedWindow.encode([carriedWindow()])
        for cut in [1, 4, 9, bytes.count / 2, bytes.count - 1] {
            assertWindowsMalformed(Array(bytes.prefix(cut)), naming: "a moving rank's windows")
        }
        assertWindowsMalformed(bytes + [0], naming: "past their end")
    }

    func testRankLocationsNameEveryRankOnANodeOfTheJob() throws {
        var writer = ByteWriter()
        for rank in 0..<ranks { writer.put(UInt32(rank % nodes)); writer.put(UInt32(rank)) }
        let locations = try MessageEngine.rankLocations(decoding: writer.bytes, ranks: ranks, nodes: nodes)
        XCTAssertEqual(locations.map(\.node), [0, 1, 2, 0])
        XCTAssertEqual(locations.map(\.version), [0, 1, 2, 3])
        for (bytes, text) in [(Array(writer.bytes.prefix(12)), "truncated"), (writer.bytes + [0, 0, 0, 0], "past 4 ranks"),
                              ([UInt8](repeating: 0xFF, count: 8 * ranks), "on node 4294967295 of 3")] {
            XCTAssertThrowsError(try MessageEngine.rankLocations(decoding: bytes, ranks: ranks, nodes: nodes)) { error in
                XCTAssertTrue("\(error)".contains(text), "\(error)")
            }
        }
    }

    func testTheSequenceTableAnswersNothingForRanksOutsideTheJob() {
        let table = SequenceTable(rankCount: ranks)
        defer { table.deallocate() }
        XCTAssertTrue(table.install(1, [5, 6, 7, 8, 9]))
        XCTAssertFalse(table.install(4))
        XCTAssertFalse(table.install(-1))
        XCTAssertEqual(table.take(1, 2), 7)
        XCTAssertEqual(table.value(1, 2), 8)
        XCTAssertNil(table.take(1, 4))
        XCTAssertNil(table.value(1, -1))
        XCTAssertNil(table.take(4, 0))
        XCTAssertNil(table.value(Int.max, 0))
        XCTAssertFalse(table.has(-3))
        XCTAssertEqual(table.remove(9), [])
        XCTAssertEqual(table.remove(1), [5, 6, 8, 8])
    }

    /// Every input scripts/fuzz kept for these decoders: a typed error, or values in the job.
    func testFuzzRegressionsDecodeOrFailCleanly() {
        for (name, bytes) in fuzzRegressionInputs("move-record") {
            do {
                let record = try decode(bytes)
                XCTAssertTrue((0..<ranks).contains(record.rank) && (0..<nodes).contains(record.fromNode), name)
                XCTAssertEqual(record.encoded(), bytes, name)
            } catch {
                XCTAssertFalse(error.description.isEmpty, name)
            }
        }
        for (name, bytes) in fuzzRegressionInputs("rank-locations") {
            do {
                let locations = try MessageEngine.rankLocations(decoding: bytes, ranks: ranks, nodes: nodes)
                XCTAssertEqual(locations.count, ranks, name)
            } catch {
                XCTAssertFalse(error.description.isEmpty, name)
            }
        }
    }
}
