import BrazosCore
@testable import BrazosMPI
import XCTest

final class GroupOperationTests: XCTestCase {
    private func group(_ worldRanks: [Int], me: Int? = 0) -> Group { Group(worldRanks: worldRanks, callerWorldRank: me) }

    func testSetOperationsKeepTheFirstGroupsOrder() {
        let first = group([4, 2, 0]), second = group([1, 2, 3, 4])
        XCTAssertEqual(first.union(second).worldRanks, [4, 2, 0, 1, 3])
        XCTAssertEqual(first.intersection(second).worldRanks, [4, 2])
        XCTAssertEqual(second.intersection(first).worldRanks, [2, 4])
        XCTAssertEqual(first.difference(second).worldRanks, [0])
        XCTAssertEqual(first.difference(first).size, 0)
    }

    func testTheCallersRankFollowsIntoTheResult() {
        let first = group([5, 6], me: 6)
        XCTAssertEqual(first.union(group([1], me: 6)).rank, 1)
        XCTAssertNil(first.difference(group([6], me: 6)).rank)
    }

    func testRangesIncludeInTripletOrderAndExcludeInGroupOrder() throws {
        let world = group(Array(0..<10))
        XCTAssertEqual(try world.including(ranges: [(0, 9, 3), (7, 1, -3)]).worldRanks, [0, 3, 6, 9, 7, 4, 1])
        XCTAssertEqual(try world.excluding(ranges: [(0, 9, 2)]).worldRanks, [1, 3, 5, 7, 9])
        XCTAssertEqual(try world.including(ranges: [(5, 5, 1)]).worldRanks, [5])
    }

    func testBadRangesThrowTheirClass() {
        let world = group(Array(0..<4))
        XCTAssertThrowsError(try world.including(ranges: [(0, 3, 0)])) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .arg) }
        XCTAssertThrowsError(try world.including(ranges: [(0, 4, 1)])) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .rank) }
        XCTAssertThrowsError(try world.including(ranges: [(0, 2, 1), (2, 3, 1)])) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .rank) }
        // A huge stride names one rank, never allocating for the span.
        XCTAssertEqual(try world.including(ranges: [(1, 3, Int(Int32.max))]).worldRanks, [1])
    }

    func testCompare() {
        XCTAssertEqual(group([1, 2]).compare(group([1, 2])), .identical)
        XCTAssertEqual(group([1, 2]).compare(group([2, 1])), .similar)
        XCTAssertEqual(group([1, 2]).compare(group([1, 3])), .unequal)
    }
}

final class InfoTests: XCTestCase {
    func testSetReplacesInPlaceAndDeleteShifts() throws {
        let info = Info()
        try info.set("a", "1")
        try info.set("b", "2")
        try info.set("a", "3")
        XCTAssertEqual(info.count, 2)
        XCTAssertEqual(try info.key(at: 0), "a")
        XCTAssertEqual(try info.value("a"), "3")
        XCTAssertNil(try info.value("c"))
        let copy = info.duplicate()
        try info.delete("a")
        XCTAssertEqual(try info.key(at: 0), "b")
        XCTAssertEqual(copy.count, 2)
    }

    func testErrorsHaveTheInfoClasses() {
        let info = Info()
        XCTAssertThrowsError(try info.delete("missing")) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .infoNokey) }
        XCTAssertThrowsError(try info.set(String(repeating: "k", count: Info.maxKeyLength + 1), "v")) {
            XCTAssertEqual(($0 as? MPIError)?.errorClass, .infoKey)
        }
        XCTAssertThrowsError(try info.set("k", String(repeating: "v", count: Info.maxValueLength + 1))) {
            XCTAssertEqual(($0 as? MPIError)?.errorClass, .infoValue)
        }
        XCTAssertThrowsError(try info.key(at: 0)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .arg) }
    }

    func testEnvironmentNamesTheCommandAndArguments() throws {
        let info = Info.environment(arguments: ["./a.out", "-x", "y"], worldSize: 4, workingDirectory: "/tmp")
        XCTAssertEqual(try info.value("command"), "./a.out")
        XCTAssertEqual(try info.value("argv"), "-x y")
        XCTAssertEqual(try info.value("maxprocs"), "4")
        XCTAssertEqual(try info.value("wdir"), "/tmp")
    }
}

final class KeyvalTests: XCTestCase {
    func testCopyBehaviours() throws {
        let owner = AttributeOwner.datatype(.int)
        let never = Keyval.create(kind: .datatype, copy: .never, delete: nil)
        let same = Keyval.create(kind: .datatype, copy: .sameValue, delete: nil)
        let plusOne = Keyval.create(kind: .datatype, copy: .custom { _, _, value in value + 1 }, delete: nil)
        XCTAssertNil(try never.copied(5, from: owner))
        XCTAssertEqual(try same.copied(5, from: owner), 5)
        XCTAssertEqual(try plusOne.copied(5, from: owner), 6)
        for keyval in [never, same, plusOne] { try keyval.free() }
    }

    func testFindChecksKindAndLiveness() throws {
        let keyval = Keyval.create(kind: .communicator, copy: .never, delete: nil)
        XCTAssertTrue(try Keyval.find(keyval.id, kind: .communicator) === keyval)
        XCTAssertThrowsError(try Keyval.find(keyval.id, kind: .datatype)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .keyval) }
        try keyval.free()
        // Values set with a freed key still need it (their callbacks run later).
        XCTAssertTrue(try Keyval.find(keyval.id, kind: .communicator) === keyval)
        XCTAssertThrowsError(try keyval.free()) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .keyval) }
        XCTAssertThrowsError(try Keyval.find(-5, kind: .communicator)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .keyval) }
        XCTAssertThrowsError(try Keyval.find(PredefinedAttribute.tagUpperBound.rawValue, kind: .communicator))
    }

    func testDatatypeAttributesRunDeleteAndCopy() throws {
        let deleted = Guarded<[Int]>([])
        let keyval = Keyval.create(kind: .datatype, copy: .sameValue, delete: { _, _, value in deleted.withLock { $0.append(value) } })
        let type = try Datatype.contiguous(2, of: .int), copy = try Datatype.contiguous(2, of: .int)
        try type.setAttribute(keyval, 10)
        try type.setAttribute(keyval, 11)
        XCTAssertEqual(deleted.withLock { $0 }, [10])
        try type.copyAttributes(to: copy)
        XCTAssertEqual(try copy.attribute(keyval), 11)
        try type.deleteAllAttributes()
        XCTAssertNil(try type.attribute(keyval))
        XCTAssertEqual(deleted.withLock { $0 }, [10, 11])
        try copy.deleteAllAttributes()
        try keyval.free()
    }
}
