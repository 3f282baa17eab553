#if canImport(Glibc)
import Glibc
#endif

/// `pointer + bytes`, where a nil pointer is `MPI_BOTTOM`, address 0: the elements of a
/// type of absolute addresses lie at the displacement itself.
func address(_ pointer: UnsafeMutableRawPointer?, plus bytes: Int) -> UnsafeMutableRawPointer? {
    UnsafeMutableRawPointer(bitPattern: Int(bitPattern: pointer) &+ bytes)
}

/// `pointer + bytes`, where a nil pointer is `MPI_BOTTOM`.
func address(_ pointer: UnsafeRawPointer?, plus bytes: Int) -> UnsafeRawPointer? {
    UnsafeRawPointer(bitPattern: Int(bitPattern: pointer) &+ bytes)
}

/// The packed bytes of `count` elements of a datatype at some memory: that memory itself
/// when the datatype packs as is (no copy), else a copy, which `release` frees.
struct PackedBuffer {
    let bytes: UnsafeMutableRawBufferPointer
    private let isCopy: Bool

    private init(bytes: UnsafeMutableRawBufferPointer, isCopy: Bool) {
        self.bytes = bytes
        self.isCopy = isCopy
    }

    /// For data to send: packs it unless it packs as is. A nil `memory` with data is
    /// `MPI_BOTTOM` (the datatype's offsets are addresses; `checkAddress` let it through).
    static func reading(_ memory: UnsafeRawPointer?, count: Int, datatype: Datatype) throws(MPIError) -> PackedBuffer {
        let size = datatype.packedSize(count)
        if datatype.isPackedAsIs || size == 0 {
            return PackedBuffer(bytes: UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(mutating: memory), count: size), isCopy: false)
        }
        let copy = try PackedBuffer.scratch(size)
        datatype.pack(count, from: memory, into: copy.bytes.baseAddress!)
        return copy
    }

    /// For data to receive: the memory itself, or a copy that `finish` unpacks into it.
    static func writing(_ memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) throws(MPIError) -> PackedBuffer {
        let size = datatype.packedSize(count)
        if datatype.isPackedAsIs || size == 0 {
            return PackedBuffer(bytes: UnsafeMutableRawBufferPointer(start: memory, count: size), isCopy: false)
        }
        return try scratch(size)
    }

    /// For data to receive, keeping what is there: the memory itself, or a packed copy.
    static func updating(_ memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) throws(MPIError) -> PackedBuffer {
        let buffer = try writing(memory, count: count, datatype: datatype)
        if buffer.isCopy { datatype.pack(count, from: memory, into: buffer.bytes.baseAddress!) }
        return buffer
    }

    /// A fresh buffer of `size` bytes, owned (malloc's alignment, 16 bytes, suits every
    /// datatype). Counts the program got wrong can ask for more than the machine has: that
    /// is an `intern` error for the call, where Swift's own allocation would end the process.
    static func scratch(_ size: Int) throws(MPIError) -> PackedBuffer {
        guard let memory = malloc(Swift.max(size, 1)) else {
            throw MPIError(.intern, "out of memory for a packed copy of \(size) bytes")
        }
        return PackedBuffer(bytes: UnsafeMutableRawBufferPointer(start: memory, count: size), isCopy: true)
    }

    /// Memory someone else owns, used as is.
    static func borrowed(_ bytes: UnsafeMutableRawBufferPointer) -> PackedBuffer {
        PackedBuffer(bytes: bytes, isCopy: false)
    }

    /// Unpacks a copy into `memory` (nothing to do for the memory itself).
    func finish(into memory: UnsafeMutableRawPointer?, count: Int, datatype: Datatype) {
        if isCopy, count > 0 { datatype.unpack(count, from: bytes.baseAddress!, into: memory) }
    }

    func release() {
        if isCopy { free(bytes.baseAddress) }
    }

    /// Bytes `offset..<offset+count`.
    func slice(_ offset: Int, _ count: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}
