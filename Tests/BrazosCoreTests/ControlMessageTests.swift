import XCTest
@testable import BrazosCore
#if canImport(Glibc)
import Glibc
#endif

final class ControlMessageTests: XCTestCase {
    static let cards = [
        NodeCard(node: 0, pid: 10, hostKey: "abc-1", hostName: "h0", address: "127.0.0.1", port: 4000, segment: "/brazos-x-0", ranks: [0, 1]),
        NodeCard(node: 1, pid: 11, hostKey: "abc-2", hostName: "h1", address: "10.0.0.2", port: 4001, segment: "-", ranks: []),
    ]

    static let launcherMessages: [LauncherMessage] = [
        .peers(cards), .peers([]), .members([0, 2, 5]), .members([]), .go, .exit, .drain(node: 3), .joining(cards[0]), .admit(node: 4),
        .unneeded, .stop, .request(.checkpoint), .request(.plannedStop), .request(.interval(seconds: 0.25)),
        .request(.interval(seconds: nil)), .request(.interval(seconds: 86400)),
        .failed(NodeFailure(node: 1, pid: 42, host: "localhost", reason: .killed(signal: SIGKILL))),
        .failed(NodeFailure(node: 2, pid: 7, host: "b on c", reason: .killed(signal: 42))),
        .failed(NodeFailure(node: 0, pid: 1, host: "h", reason: .exited(status: 3))),
        .failed(NodeFailure(node: 0, pid: 1, host: "h", reason: .exitedEarly)),
        .failed(NodeFailure(node: 0, pid: 1, host: "h", reason: .lostConnection("node -1 lost: control connection closed (again)"))),
        .failed(NodeFailure(node: 0, pid: 1, host: "h", reason: .heartbeatMissed(seconds: 5))),
    ]

    static let nodeMessages: [NodeMessage] = [
        .hello(cards[0]), .ready, .done, .heartbeat([:]), .heartbeat(["threads": 2, "arrivals": 0, "barriers": 17]),
        .expecting(node: 5), .admitted, .moved(rank: 3, from: 0, to: 2), .signalled(signal: SIGPWR), .signalled(signal: SIGTERM),
        .drained,
        .partWritten(PartReport(epoch: 4, node: 1, bytes: 1 << 40, checksum: 0xdead_beef, base: 3, changedPages: 12, homePages: 400,
                                stallMicroseconds: 1500, ranks: 2, writeMicroseconds: 70_000, cpuMicroseconds: 31_000, faultWaitMicroseconds: 2_500)),
        .partWritten(PartReport(epoch: 1, node: 0, bytes: 0, checksum: 0, base: nil, changedPages: 0, homePages: 0,
                                stallMicroseconds: 0, ranks: 0, writeMicroseconds: 0, cpuMicroseconds: 0, faultWaitMicroseconds: 0)),
        .partFailed(epoch: 2, node: 1, reason: "write /x/epoch-000002/part-1.bcp: errno 28"), .partFailed(epoch: 2, node: 1, reason: ""),
        .restored(epoch: 6, bytes: 123_456, milliseconds: 12.375), .stopping(epoch: 9),
    ]

    func testEveryMessageRoundTripsAndEveryVerbIsCovered() throws {
        for message in Self.launcherMessages {
            XCTAssertEqual(try LauncherMessage.decode(message.encode()[...]), message, message.encode())
        }
        for message in Self.nodeMessages {
            XCTAssertEqual(try NodeMessage.decode(message.encode()[...]), message, message.encode())
        }
        XCTAssertEqual(Set(Self.launcherMessages.map { ControlLine($0.encode()[...]).verb }), LauncherMessage.verbs)
        XCTAssertEqual(Set(Self.nodeMessages.map { ControlLine($0.encode()[...]).verb }), NodeMessage.verbs)
        XCTAssertTrue(LauncherMessage.verbs.isDisjoint(with: NodeMessage.verbs))
    }

    /// The lines are what they were before the messages had types (docs/ARCHITECTURE.md).
    func testLinesAreTheDocumentedOnes() {
        XCTAssertEqual(LauncherMessage.failed(NodeFailure(node: 1, pid: 42, host: "localhost", reason: .killed(signal: SIGKILL))).encode(),
                       "failed 1 (pid 42 on localhost) failed: was killed by SIGKILL")
        XCTAssertEqual(LauncherMessage.request(.interval(seconds: 0.5)).encode(), "interval 0.5")
        XCTAssertEqual(LauncherMessage.request(.plannedStop).encode(), "shutdown")
        XCTAssertEqual(LauncherMessage.members([0, 1, 3]).encode(), "members 0,1,3")
        XCTAssertEqual(NodeMessage.heartbeat(["threads": 2, "barriers": 7, "arrivals": 0]).encode(), "heartbeat arrivals=0 barriers=7 threads=2")
        XCTAssertEqual(NodeMessage.signalled(signal: SIGPWR).encode(), "signalled SIGPWR")
        XCTAssertEqual(NodeMessage.partWritten(PartReport(epoch: 3, node: 1, bytes: 4096, checksum: 0x1a2b, base: nil, changedPages: 5, homePages: 10,
                                                          stallMicroseconds: 250, ranks: 2, writeMicroseconds: 1200, cpuMicroseconds: 900, faultWaitMicroseconds: 40)).encode(),
                       "part 3 1 4096 1a2b -1 5 10 250 2 1200 900 40")
        XCTAssertEqual(FailureReason.heartbeatMissed(seconds: 2).description, "sent no heartbeat for 2 s (hung or cut off)")
        XCTAssertEqual(FailureReason.exited(status: 2).description, "exited with status 2")
    }

    func testFreeTextStaysOnOneLine() throws {
        // "\r\n" is one character.
        let message = NodeMessage.partFailed(epoch: 1, node: 0, reason: "first\nsecond\r\nthird")
        XCTAssertFalse(message.encode().contains(where: \.isNewline))
        XCTAssertEqual(try NodeMessage.decode(message.encode()[...]), .partFailed(epoch: 1, node: 0, reason: "first second third"))
    }

    func testMalformedLinesAreTypedErrors() {
        let launcher: [(String, ControlMessageError)] = [
            ("", .unknownVerb("")), ("frobnicate 1", .unknownVerb("frobnicate")), ("hello node=0", .wrongDirection("hello")),
            ("heartbeat", .wrongDirection("heartbeat")),
        ]
        for (line, expected) in launcher {
            XCTAssertThrowsError(try LauncherMessage.decode(line[...]), line) { XCTAssertEqual($0 as? ControlMessageError, expected, line) }
        }
        let node: [(String, ControlMessageError)] = [("go", .wrongDirection("go")), ("failed 1", .wrongDirection("failed")), ("GO", .unknownVerb("GO"))]
        for (line, expected) in node {
            XCTAssertThrowsError(try NodeMessage.decode(line[...]), line) { XCTAssertEqual($0 as? ControlMessageError, expected, line) }
        }
        let malformedForNodes = [
            "go now", "exit 0", "drain", "drain -1", "drain 1 2", "drain x", "drain 99999999999999999999999", "drain 1 ",
            "members 1,,2", "members a", "members -1", "interval", "interval nan", "interval -1", "interval inf", "interval 1 2",
            "failed garbage", "failed 1 (pid 2 on h) failed: melted", "failed x (pid 2 on h) failed: exitedEarly",
            "failed 1 (pid 2 on h) failed: was killed by SIGFOO", "failed 1 (pid 2 on h) failed: exited with status x",
            "failed 1 (pid 2 on h) failed: sent no heartbeat for -3 s (hung or cut off)", "failed 1 (pid 2 on h failed: exited before the job ended",
            "peers node=0", "peers node=0;pid=1;hostkey=a;hostname=b;address=c;port=70000;segment=s;ranks=0",
        ]
        for line in malformedForNodes { assertMalformed(line) { try LauncherMessage.decode($0) } }
        let malformedForLauncher = [
            "hello x", "ready 1", "heartbeat a", "heartbeat =1", "heartbeat a=1 a=2", "heartbeat a=b", "heartbeat a=1  b=2",
            "moved 1 2", "moved 1 2 3 4", "part 1 2 3", "part 1 2 3 zz -1 0 0 0 1 0 0 0", "part 1 2 3 123456789 -1 0 0 0 1 0 0 0",
            "part 1 2 3 ff -2 0 0 0 1 0 0 0", "part 1 2 3 ff -1 0 0 0 1 0 0 0 9", "part 1 2 3 ff -1 0 0 0 1 0 0", "part-failed 1", "part-failed x 1 why",
            "signalled", "signalled SIGFOO", "signalled signal 0", "restored 1 2 inf", "restored 1 2", "stopping", "stopping -4",
            "expecting", "admitted now",
        ]
        for line in malformedForLauncher { assertMalformed(line) { try NodeMessage.decode($0) } }
    }

    /// Lines made from real ones by random edits: each reads as a message or gives a typed
    /// error, and a message read from one encodes to a line that reads back the same.
    func testDecodersTakeMutatedLinesWithoutTrapping() {
        var random = SplitMix64(seed: 0x5eed)
        let pieces: [String] = [" ", "=", ",", "|", ";", "-", "0", "9", "(", ")", "failed: ", " on ", "é", "\u{301}", "\n", "\u{0}", "ff", "1e308"]
        let seeds = Self.launcherMessages.map { $0.encode() } + Self.nodeMessages.map { $0.encode() }
        var decoded = 0
        for _ in 0..<20_000 {
            var characters = Array(seeds[Int(random.next() % UInt64(seeds.count))])
            for _ in 0...(random.next() % 4) {
                let at = characters.isEmpty ? 0 : Int(random.next() % UInt64(characters.count + 1))
                switch random.next() % 4 {
                case 0 where at < characters.count: characters.remove(at: at)
                case 1: characters.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))], at: at)
                case 2: characters = Array(characters.prefix(at))
                default: characters.insert(Character(Unicode.Scalar(UInt8(truncatingIfNeeded: random.next()))), at: at)
                }
            }
            let line = String(characters)[...]
            let oneLine = !line.contains(where: \.isNewline)
            if let message = try? LauncherMessage.decode(line) {
                decoded += 1
                if oneLine { XCTAssertEqual(try? LauncherMessage.decode(message.encode()[...]), message, String(line)) }
            }
            if let message = try? NodeMessage.decode(line) {
                decoded += 1
                if oneLine { XCTAssertEqual(try? NodeMessage.decode(message.encode()[...]), message, String(line)) }
            }
        }
        XCTAssertGreaterThan(decoded, 500, "the edits should leave many lines readable")
    }

    /// A channel sends one direction's messages and reads the other's; a line that is not
    /// one of them is `malformed`, and the connection can still be read after it.
    func testChannelCarriesTypedMessagesAndRefusesOthers() throws {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &ends), 0)
        let launcher = NodeConnection(socket: Socket(descriptor: ends[0]))
        let node = LauncherConnection(socket: Socket(descriptor: ends[1]))
        try launcher.send(.drain(node: 2))
        XCTAssertEqual(try node.receive(), .drain(node: 2))
        try node.send(.heartbeat(["threads": 1]))
        XCTAssertEqual(try launcher.receive(), .heartbeat(["threads": 1]))
        try launcher.socket.writeAll(Array("ready\n".utf8))
        XCTAssertThrowsError(try node.receive()) { error in
            guard case let .malformed(what) = error as? BrazosError else { return XCTFail("\(error)") }
            XCTAssertTrue(what.contains("'ready' goes the other way"), what)
        }
        try launcher.send(.go)
        XCTAssertEqual(try node.receive(), .go)
        launcher.shutDown()
        XCTAssertThrowsError(try node.receive()) { error in
            guard case .peerLost = error as? BrazosError else { return XCTFail("\(error)") }
        }
    }

    private func assertMalformed<Message>(_ line: String, _ decode: (Substring) throws -> Message, file: StaticString = #filePath, line number: UInt = #line) {
        XCTAssertThrowsError(try decode(line[...]), line, file: file, line: number) { error in
            guard case .malformed = error as? ControlMessageError else { return XCTFail("\(line): \(error)", file: file, line: number) }
        }
    }
}

/// A small deterministic generator, so that a failure repeats.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
