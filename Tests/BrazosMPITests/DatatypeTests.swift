@testable import BrazosMPI
import XCTest

final class DatatypeTests: XCTestCase {
    func testPredefinedTypesPackAsTheyLie() {
        XCTAssertEqual(Datatype.int.size, 4)
        XCTAssertTrue(Datatype.double.isPackedAsIs)
        XCTAssertEqual(Datatype.longDouble.size, 16)
        // Pairs travel without their padding.
        XCTAssertEqual(Datatype.doubleInt.size, 12)
        XCTAssertEqual(Datatype.doubleInt.extent, 16)
        XCTAssertFalse(Datatype.doubleInt.isPackedAsIs)
        XCTAssertEqual(Datatype.twoInt.size, 8)
        XCTAssertTrue(Datatype.twoInt.isPackedAsIs)
    }

    func testVectorPacksAColumnAndUnpacksItBack() throws {
        // Column 1 of a 4x3 row-major matrix of Int32.
        let column = try Datatype.vector(4, blockLength: 1, stride: 3, of: .int)
        XCTAssertEqual(column.size, 16)
        XCTAssertEqual(column.extent, 40)
        XCTAssertFalse(column.isCommitted)
        let matrix: [Int32] = Array(0..<12)
        var packed = [Int32](repeating: -1, count: 4)
        matrix.withUnsafeBytes { source in
            packed.withUnsafeMutableBytes { column.pack(1, from: source.baseAddress! + 4, into: $0.baseAddress!) }
        }
        XCTAssertEqual(packed, [1, 4, 7, 10])
        var target = [Int32](repeating: 0, count: 12)
        packed.withUnsafeBytes { source in
            target.withUnsafeMutableBytes { column.unpack(1, from: source.baseAddress!, into: $0.baseAddress! + 8) }
        }
        XCTAssertEqual(target, [0, 0, 1, 0, 0, 4, 0, 0, 7, 0, 0, 10])
    }

    func testContiguousPacksAsIsAndKeepsTheBasicType() throws {
        let triple = try Datatype.contiguous(3, of: .double)
        XCTAssertTrue(triple.isPackedAsIs)
        XCTAssertEqual(triple.extent, 24)
        XCTAssertEqual(triple.basic, .double)
        XCTAssertThrowsError(try Datatype.contiguous(-1, of: .int))
    }

    func testPairsPackWithoutPaddingAndBack() {
        struct DoubleInt { var value: Double; var index: Int32 }
        let pairs = [DoubleInt(value: 1.5, index: 7), DoubleInt(value: -2, index: 9)]
        var packed = [UInt8](repeating: 0, count: 24)
        pairs.withUnsafeBytes { source in packed.withUnsafeMutableBytes { Datatype.doubleInt.pack(2, from: source.baseAddress!, into: $0.baseAddress!) } }
        packed.withUnsafeBytes { bytes in
            XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 12, as: Double.self), -2)
            XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 20, as: Int32.self), 9)
        }
        var back = [DoubleInt](repeating: DoubleInt(value: 0, index: 0), count: 2)
        packed.withUnsafeBytes { source in back.withUnsafeMutableBytes { Datatype.doubleInt.unpack(2, from: source.baseAddress!, into: $0.baseAddress!) } }
        XCTAssertEqual(back.map(\.value), [1.5, -2])
        XCTAssertEqual(back.map(\.index), [7, 9])
    }
}

final class ReductionTests: XCTestCase {
    private func reduce<T>(_ input: [T], into output: [T], _ op: Op, _ datatype: Datatype) -> [T] {
        var result = output
        input.withUnsafeBytes { source in
            result.withUnsafeMutableBytes { op.apply(source.baseAddress!, $0.baseAddress!, count: input.count, datatype: datatype) }
        }
        return result
    }

    func testArithmeticAndBitwiseOperations() {
        XCTAssertEqual(reduce([1, 2, -3] as [Int32], into: [10, 20, 30], .sum, .int), [11, 22, 27])
        XCTAssertEqual(reduce([1, 2, -3] as [Int32], into: [10, 20, 30], .min, .int), [1, 2, -3])
        XCTAssertEqual(reduce([2.0, 0.5] as [Double], into: [3, 8], .prod, .double), [6, 4])
        XCTAssertEqual(reduce([0b1100] as [UInt8], into: [0b1010], .bxor, .byte), [0b0110])
        XCTAssertEqual(reduce([0, 1, 2] as [Int64], into: [1, 0, 3], .land, .long), [0, 0, 1])
        XCTAssertEqual(reduce([Float80(1.5)], into: [Float80(2)], .max, .longDouble), [2])
    }

    func testLocationOperationsPreferTheLowerIndexOnTies() {
        struct TwoInt: Equatable { var value: Int32; var index: Int32 }
        let result = reduce([TwoInt(value: 5, index: 3), TwoInt(value: 1, index: 0)], into: [TwoInt(value: 5, index: 1), TwoInt(value: 2, index: 4)], .maxloc, .twoInt)
        XCTAssertEqual(result, [TwoInt(value: 5, index: 1), TwoInt(value: 2, index: 4)])
        let minimum = reduce([TwoInt(value: 5, index: 3), TwoInt(value: 1, index: 0)], into: [TwoInt(value: 5, index: 1), TwoInt(value: 2, index: 4)], .minloc, .twoInt)
        XCTAssertEqual(minimum, [TwoInt(value: 5, index: 1), TwoInt(value: 1, index: 0)])
    }

    func testOperationsOutsideTheirTypesAreRefused() {
        XCTAssertThrowsError(try Op.sum.check(.bool))
        XCTAssertThrowsError(try Op.band.check(.double))
        XCTAssertThrowsError(try Op.maxloc.check(.int))
        XCTAssertThrowsError(try Op.sum.check(.wchar))
        XCTAssertThrowsError(try Op.maxloc.check(.char))
        // MPI_CHAR reduces as signed char, as Open MPI and MPICH let programs do.
        XCTAssertNoThrow(try Op.max.check(.char))
        XCTAssertNoThrow(try Op.bor.check(.byte))
        XCTAssertNoThrow(try Op.minloc.check(.longDoubleInt))
    }
}

final class GroupTests: XCTestCase {
    func testInclusionExclusionTranslationAndComparison() throws {
        let world = Group(worldRanks: Array(0..<6), callerWorldRank: 4)
        let odd = try world.including([5, 3, 1])
        XCTAssertEqual(odd.worldRanks, [5, 3, 1])
        XCTAssertNil(odd.rank)
        let rest = try world.excluding([0, 2])
        XCTAssertEqual(rest.worldRanks, [1, 3, 4, 5])
        XCTAssertEqual(rest.rank, 2)
        XCTAssertEqual(try odd.translate([0, 1, 2, MPI.procNull], to: rest), [3, 1, 0, MPI.procNull])
        XCTAssertEqual(try rest.translate([2], to: odd), [nil])
        XCTAssertEqual(odd.compare(try world.including([1, 3, 5])), .similar)
        XCTAssertEqual(odd.compare(try world.including([5, 3, 1])), .identical)
        XCTAssertEqual(odd.compare(rest), .unequal)
        XCTAssertThrowsError(try world.including([1, 1]))
        XCTAssertThrowsError(try world.excluding([6]))
    }

    func testFoldingOntoAPowerOfTwo() {
        // 6 participants: 0 folds into 1 and 2 into 3; then 1, 3, 4, 5 are 0..3.
        let folds = (0..<6).map { PowerOfTwoFold(6, me: $0) }
        XCTAssertEqual(folds.map(\.isFoldedAway), [true, false, true, false, false, false])
        XCTAssertEqual(folds.filter { !$0.isFoldedAway }.map(\.foldedRank), [0, 1, 2, 3])
        XCTAssertEqual((0..<4).map { folds[0].participant(ofFoldedRank: $0) }, [1, 3, 4, 5])
        XCTAssertEqual((0..<3).map { Pieces(total: 10, parts: 3).count($0) }, [4, 3, 3])
        XCTAssertEqual((0..<3).map { Pieces(total: 10, parts: 3).offset($0) }, [0, 4, 7])
    }
}
