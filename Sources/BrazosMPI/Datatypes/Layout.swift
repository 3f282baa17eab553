/// Where the data of one element of a datatype lies, as the tree of constructors that
/// made it: each node holds what its constructor was given (counts, strides, the program's
/// own arrays of blocks), never a list of the pieces those describe, so a vector of a
/// billion blocks is as small as one of two. Offsets are bytes from the element's start
/// and may be negative.
indirect enum Layout: Sendable {
    /// One predefined element.
    case basic(BasicType)
    /// `count` elements of a type, one extent apart.
    case contiguous(count: Int, Datatype)
    /// `count` blocks of `blockLength` elements each, block starts `stride` bytes apart.
    case vector(count: Int, blockLength: Int, stride: Int, Datatype)
    /// Blocks of elements of one type at the given offsets (indexed, hindexed and their
    /// block forms).
    case blocks([Block], Datatype)
    /// Blocks of elements of several types (`MPI_Type_create_struct`).
    case structure([Member])
    /// The type with other bounds (`MPI_Type_create_resized`): its data as the type's.
    case resized(Datatype)

    struct Block: Sendable {
        let length: Int
        let offset: Int
    }

    struct Member: Sendable {
        let length: Int
        let offset: Int
        let type: Datatype
    }
}

/// What walking a datatype calls for each piece of data, in packing order.
protocol PieceVisitor {
    /// Whether each piece must be of one basic type (conversions need to know it); else
    /// a whole dense run of data comes as one piece.
    static var needsBasicTypes: Bool { get }
    /// Whether the visitor wants no more pieces (it stops the walk early).
    var isDone: Bool { get }
    /// `length` bytes of data at `address`: whole elements of `basic`, when `needsBasicTypes`.
    mutating func visit(address: Int, length: Int, basic: BasicType)
}

extension PieceVisitor {
    var isDone: Bool { false }
}

extension Datatype {
    /// Visits the data of `count` elements whose array starts at `address`, in order.
    /// Addresses are integers so that `MPI_BOTTOM` (address 0) with absolute offsets works;
    /// their arithmetic wraps, so that a type whose offsets lie outside memory gives a bad
    /// address (as in C) rather than a trap in this library.
    func walk<Visitor: PieceVisitor>(_ count: Int, at address: Int, _ visitor: inout Visitor) {
        guard count > 0, size > 0 else { return }
        if case let .basic(basic) = layout, !basic.isPair {
            visitor.visit(address: address, length: count * size, basic: basic)
            return
        }
        if !Visitor.needsBasicTypes && isDense {
            if count == 1 || extent == size {
                visitor.visit(address: address &+ trueLowerBound, length: count * size, basic: .byte)
                return
            }
            for element in 0..<count where !visitor.isDone {
                visitor.visit(address: address &+ element &* extent &+ trueLowerBound, length: size, basic: .byte)
            }
            return
        }
        for element in 0..<count where !visitor.isDone {
            walkElement(at: address &+ element &* extent, &visitor)
        }
    }

    private func walkElement<Visitor: PieceVisitor>(at address: Int, _ visitor: inout Visitor) {
        switch layout {
        case let .basic(basic):
            for part in basic.parts { visitor.visit(address: address &+ part.offset, length: part.type.size, basic: part.type) }
        case let .contiguous(count, type):
            type.walk(count, at: address, &visitor)
        case let .vector(count, blockLength, stride, type):
            for block in 0..<count where !visitor.isDone { type.walk(blockLength, at: address &+ block &* stride, &visitor) }
        case let .blocks(blocks, type):
            for block in blocks where !visitor.isDone { type.walk(block.length, at: address &+ block.offset, &visitor) }
        case let .structure(members):
            for member in members where !visitor.isDone { member.type.walk(member.length, at: address &+ member.offset, &visitor) }
        case let .resized(type):
            type.walk(1, at: address, &visitor)
        }
    }
}
