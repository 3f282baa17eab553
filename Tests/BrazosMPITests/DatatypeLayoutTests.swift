@testable import BrazosMPI
import XCTest

/// The constructor tree: bounds, packing order, and what it refuses.
final class DatatypeLayoutTests: XCTestCase {
    /// Packs `count` elements of `type` found at `origin` inside `memory`.
    private func pack(_ type: Datatype, _ count: Int, _ memory: [Int32], origin: Int = 0) -> [Int32] {
        var packed = [Int32](repeating: -1, count: type.packedSize(count) / 4)
        memory.withUnsafeBytes { source in
            packed.withUnsafeMutableBytes { type.pack(count, from: source.baseAddress! + origin * 4, into: $0.baseAddress!) }
        }
        return packed
    }

    /// Unpacks `packed` as `count` elements of `type` into `cells` zeros, at `origin`.
    private func unpack(_ type: Datatype, _ count: Int, _ packed: [Int32], cells: Int, origin: Int = 0, byteCount: Int? = nil) -> [Int32] {
        var memory = [Int32](repeating: 0, count: cells)
        packed.withUnsafeBytes { source in
            memory.withUnsafeMutableBytes { type.unpack(count, from: source.baseAddress!, into: $0.baseAddress! + origin * 4, byteCount: byteCount) }
        }
        return memory
    }

    func testNegativeStrideWalksBackwards() throws {
        let backwards = try Datatype.vector(3, blockLength: 2, stride: -3, of: .int)
        XCTAssertEqual(backwards.size, 24)
        XCTAssertEqual(backwards.lowerBound, -24)
        XCTAssertEqual(backwards.extent, 32)
        XCTAssertEqual(backwards.trueLowerBound, -24)
        let memory: [Int32] = Array(0..<10)
        XCTAssertEqual(pack(backwards, 1, memory, origin: 6), [6, 7, 3, 4, 0, 1])
        XCTAssertEqual(unpack(backwards, 1, [6, 7, 3, 4, 0, 1], cells: 10, origin: 6), [0, 1, 0, 3, 4, 0, 6, 7, 0, 0])
    }

    func testIndexedBlocksInTheProgramsOrder() throws {
        let type = try Datatype.indexed(blockLengths: [2, 1, 0, 3], displacements: [5, 0, 9, 1], of: .int)
        XCTAssertEqual(type.size, 24)
        XCTAssertEqual(type.lowerBound, 0)
        XCTAssertEqual(type.extent, 28)
        XCTAssertEqual(pack(type, 1, Array(0..<10)), [5, 6, 0, 1, 2, 3])
        let block = try Datatype.indexedBlock(blockLength: 2, displacements: [4, 0], of: .int)
        XCTAssertEqual(pack(block, 2, Array(0..<20)), [4, 5, 0, 1, 10, 11, 6, 7])
        let bytes = try Datatype.hindexedBlock(blockLength: 1, byteDisplacements: [12, 4], of: .int)
        XCTAssertEqual(pack(bytes, 1, Array(0..<4)), [3, 1])
        XCTAssertThrowsError(try Datatype.indexed(blockLengths: [-1], displacements: [0], of: .int)) { error in
            XCTAssertEqual((error as? MPIError)?.errorClass, .arg)
        }
    }

    func testStructMixesTypesAndRefusesReductions() throws {
        struct Record { var tag: Int8; var value: Double; var count: Int32 }
        let type = try Datatype.structure(blockLengths: [1, 1, 1], byteDisplacements: [0, 8, 16], types: [.int8, .double, .int32])
        XCTAssertEqual(type.size, 13)
        XCTAssertEqual(type.extent, 24)  // padded to the double's alignment, as the C struct
        XCTAssertEqual(try Datatype.structure(blockLengths: [1, 1], byteDisplacements: [0, 8], types: [.double, .char]).extent, 16)
        XCTAssertEqual(try Datatype.structure(blockLengths: [1], byteDisplacements: [0],
                                              types: [try Datatype.resized(.double, lowerBound: 0, extent: 9)]).extent, 9)
        XCTAssertEqual(type.basicCount, 3)
        XCTAssertNil(type.basic)
        XCTAssertFalse(type.isPackedAsIs)
        XCTAssertThrowsError(try Op.sum.check(type)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .op) }
        let records = [Record(tag: 3, value: 2.5, count: 7), Record(tag: -1, value: -8, count: 9)]
        var packed = [UInt8](repeating: 0, count: 26)
        var back = [Record](repeating: Record(tag: 0, value: 0, count: 0), count: 2)
        let spaced = try Datatype.resized(type, lowerBound: 0, extent: MemoryLayout<Record>.stride)
        records.withUnsafeBytes { source in packed.withUnsafeMutableBytes { spaced.pack(2, from: source.baseAddress!, into: $0.baseAddress!) } }
        packed.withUnsafeBytes { bytes in
            XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 13, as: Int8.self), -1)
            XCTAssertEqual(bytes.loadUnaligned(fromByteOffset: 14, as: Double.self), -8)
        }
        packed.withUnsafeBytes { source in back.withUnsafeMutableBytes { spaced.unpack(2, from: source.baseAddress!, into: $0.baseAddress!) } }
        XCTAssertEqual(back.map(\.value), [2.5, -8])
        XCTAssertEqual(back.map(\.count), [7, 9])
        // A partial element: the basic elements the bytes hold, and no more.
        XCTAssertEqual(type.elements(inBytes: 13 + 9), 5)
        XCTAssertNil(type.elements(inBytes: 13 + 4))
        XCTAssertEqual(type.byteCount(ofElements: 5), 22)
    }

    func testResizedSetsBoundsButNotTheData() throws {
        let type = try Datatype.resized(.int, lowerBound: -4, extent: 12)
        XCTAssertEqual(type.lowerBound, -4)
        XCTAssertEqual(type.extent, 12)
        XCTAssertEqual(type.trueLowerBound, 0)
        XCTAssertEqual(type.trueExtent, 4)
        XCTAssertEqual(pack(type, 3, Array(0..<9)), [0, 3, 6])
        let dup = Datatype.dup(type)
        XCTAssertEqual(dup.extent, 12)
        XCTAssertEqual(dup.envelope.combiner, .dup)
    }

    func testSubarrayOfARowMajorMatrix() throws {
        // Rows 1...2, columns 2...4 of a 4x5 matrix.
        let type = try Datatype.subarray(sizes: [4, 5], subsizes: [2, 3], starts: [1, 2], order: .c, of: .int)
        XCTAssertEqual(type.size, 24)
        XCTAssertEqual(type.extent, 80)
        XCTAssertEqual(type.trueLowerBound, 28)
        XCTAssertEqual(pack(type, 1, Array(0..<20)), [7, 8, 9, 12, 13, 14])
        let fortran = try Datatype.subarray(sizes: [4, 5], subsizes: [2, 3], starts: [1, 2], order: .fortran, of: .int)
        XCTAssertEqual(pack(fortran, 1, Array(0..<20)), [9, 10, 13, 14, 17, 18])
        XCTAssertThrowsError(try Datatype.subarray(sizes: [4], subsizes: [3], starts: [2], order: .c, of: .int))
    }

    func testDarrayGivesEachRankItsPart() throws {
        // 10 elements, cyclic blocks of 2 over 3 processes: rank 1 holds 2, 3, 8, 9.
        let cyclic = try Datatype.darray(size: 3, rank: 1, globalSizes: [10], distributions: [.cyclic(size: 2)], processGrid: [3],
                                         order: .c, of: .int, envelopeArguments: [])
        XCTAssertEqual(pack(cyclic, 1, Array(0..<10)), [2, 3, 8, 9])
        XCTAssertEqual(cyclic.extent, 40)
        // A 4x6 array in blocks on a 2x2 grid: rank 1 holds rows 0...1, columns 3...5.
        let blocks = try Datatype.darray(size: 4, rank: 1, globalSizes: [4, 6], distributions: [.block(size: nil), .block(size: nil)],
                                         processGrid: [2, 2], order: .c, of: .int, envelopeArguments: [])
        XCTAssertEqual(pack(blocks, 1, Array(0..<24)), [3, 4, 5, 9, 10, 11])
        XCTAssertEqual(blocks.extent, 96)
        // Fortran order, rows in blocks over 2 processes, columns not distributed.
        let fortran = try Datatype.darray(size: 2, rank: 1, globalSizes: [4, 6], distributions: [.block(size: nil), .none],
                                          processGrid: [2, 1], order: .fortran, of: .int, envelopeArguments: [])
        XCTAssertEqual(pack(fortran, 1, Array(0..<24)), [2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23])
        XCTAssertThrowsError(try Datatype.darray(size: 3, rank: 0, globalSizes: [4], distributions: [.block(size: nil)], processGrid: [2],
                                                 order: .c, of: .int, envelopeArguments: []))
    }

    func testHugeCountsAreDescribedNotExpanded() throws {
        // A trillion blocks: a few nodes, not a trillion runs.
        let huge = try Datatype.vector(1 << 40, blockLength: 1, stride: 2, of: .int)
        XCTAssertEqual(huge.size, 4 << 40)
        XCTAssertThrowsError(try huge.checkFits(1)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .count) }
        let nested = try Datatype.contiguous(1 << 30, of: try Datatype.contiguous(1 << 30, of: .byte))
        XCTAssertEqual(nested.size, 1 << 60)
        XCTAssertTrue(nested.isPackedAsIs)
        XCTAssertThrowsError(try Datatype.contiguous(1 << 40, of: nested)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .count) }
        XCTAssertThrowsError(try Datatype.vector(1 << 62, blockLength: 1, stride: 1 << 62, of: .int))
    }

    func testCountsFitWhilePackedBytesAndTheLastElementsStartStayWithinMemory() throws {
        let memory = Datatype.hostMemory
        let int = Datatype.int
        XCTAssertNoThrow(try int.checkFits(memory / 4))
        XCTAssertThrowsError(try int.checkFits(memory / 4 + 1)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .count) }
        XCTAssertThrowsError(try int.checkFits(Int.max))
        // One byte per element, elements a memory apart (either way): the third starts too far.
        for extent in [memory, -memory] {
            let spread = try Datatype.resized(.byte, lowerBound: 0, extent: extent)
            XCTAssertNoThrow(try spread.checkFits(2))
            XCTAssertThrowsError(try spread.checkFits(3)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .count) }
        }
        XCTAssertNoThrow(try Datatype.int.checkFits(0))
    }

    func testPartialMessagesUnpackWholeBasicElements() throws {
        let column = try Datatype.vector(3, blockLength: 1, stride: 2, of: .int)
        XCTAssertEqual(unpack(column, 2, [1, 2, 3, 4], cells: 12, byteCount: 16), [1, 0, 2, 0, 3, 4, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(column.elements(inBytes: 16), 4)
    }

    func testMPIBottomUsesAbsoluteAddresses() throws {
        let values: [Int32] = [10, 20, 30]
        try values.withUnsafeBytes { source in
            let address = Int(bitPattern: source.baseAddress!)
            let type = try Datatype.hindexed(blockLengths: [1, 1], byteDisplacements: [address + 8, address], of: .int)
            type.commit()
            XCTAssertNoThrow(try Communicator.checkBuffer(nil, count: 1, datatype: type))
            var packed = [Int32](repeating: 0, count: 2)
            packed.withUnsafeMutableBytes { type.pack(1, from: nil, into: $0.baseAddress!) }
            XCTAssertEqual(packed, [30, 10])
        }
        XCTAssertThrowsError(try Communicator.checkBuffer(nil, count: 1, datatype: .int)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .buffer) }
    }

    func testEnvelopeSplitsArgumentsByForm() throws {
        let type = try Datatype.hindexed(blockLengths: [2, 3], byteDisplacements: [0, 64], of: .double, largeCount: true)
        XCTAssertEqual(type.envelope.combiner, .hindexed)
        let classic = type.envelope.split(largeCounts: false)
        XCTAssertEqual(classic.integers, [2, 2, 3])
        XCTAssertEqual(classic.addresses, [0, 64])
        let large = type.envelope.split(largeCounts: true)
        XCTAssertEqual(large.integers, [])
        XCTAssertEqual(large.largeCounts, [2, 2, 3, 0, 64])
    }

    func testExternal32IsBigEndianAtTheStandardsSizes() throws {
        let values: [Int] = [-2, 0x1234]
        var buffer = [UInt8](repeating: 0, count: 8)
        var position = 0
        XCTAssertEqual(try Datatype.long.external32Size(2), 8)
        try values.withUnsafeBytes { source in
            try buffer.withUnsafeMutableBytes { try Datatype.long.packExternal(2, from: source.baseAddress!, into: $0, position: &position) }
        }
        XCTAssertEqual(position, 8)
        XCTAssertEqual(buffer, [0xff, 0xff, 0xff, 0xfe, 0, 0, 0x12, 0x34])
        var back = [Int](repeating: 0, count: 2)
        position = 0
        try buffer.withUnsafeBytes { source in
            try back.withUnsafeMutableBytes { try Datatype.long.unpackExternal(from: source, position: &position, 2, into: $0.baseAddress!) }
        }
        XCTAssertEqual(back, values)
        let extended: [Float80] = [1.5, -3.25e100]
        var quad = [UInt8](repeating: 0, count: 32)
        position = 0
        try extended.withUnsafeBytes { source in
            try quad.withUnsafeMutableBytes { try Datatype.longDouble.packExternal(2, from: source.baseAddress!, into: $0, position: &position) }
        }
        XCTAssertEqual(Array(quad[0..<4]), [0x3f, 0xff, 0x80, 0x00])  // 1.5 as an IEEE quad
        var round = [Float80](repeating: 0, count: 2)
        position = 0
        try quad.withUnsafeBytes { source in
            try round.withUnsafeMutableBytes { try Datatype.longDouble.unpackExternal(from: source, position: &position, 2, into: $0.baseAddress!) }
        }
        XCTAssertEqual(round, extended)
    }

    func testPredefinedPairsByValueAndIndex() {
        XCTAssertTrue(Datatype.valueIndex(value: .double, index: .int) === Datatype.doubleInt)
        XCTAssertTrue(Datatype.valueIndex(value: .integer, index: .integer) === Datatype.twoInteger)
        XCTAssertNil(Datatype.valueIndex(value: .char, index: .int))
        // A pair is two basic elements: MPI_Get_elements counts its value and index.
        XCTAssertEqual(Datatype.doubleInt.elements(inBytes: 24), 4)
        XCTAssertEqual(Datatype.doubleInt.elements(inBytes: 20), 3)
        XCTAssertEqual(Datatype.doubleInt.byteCount(ofElements: 3), 20)
    }

    func testUserOperationsRefuseTypesSpanningMoreThanMemory() throws {
        let spread = try Datatype.hindexed(blockLengths: [1, 1], byteDisplacements: [0, Datatype.hostMemory + 8], of: .int)
        XCTAssertThrowsError(try Op(commutative: true) { _, _, _, _ in }.check(spread)) { XCTAssertEqual(($0 as? MPIError)?.errorClass, .count) }
        XCTAssertNoThrow(try Op.sum.check(spread))
    }

    func testComplexReductions() {
        var output: [Double] = [1, 2]
        let input: [Double] = [3, 4]
        input.withUnsafeBytes { source in output.withUnsafeMutableBytes { Op.prod.apply(source.baseAddress!, $0.baseAddress!, count: 1, datatype: .doubleComplex) } }
        XCTAssertEqual(output, [-5, 10])
        XCTAssertThrowsError(try Op.max.check(.doubleComplex))
        XCTAssertNoThrow(try Op.lxor.check(.logical4))
        XCTAssertThrowsError(try Op.sum.check(.wchar))
    }
}
